"""The demo centre's training: the course catalogue, and a year of sessions around today.

Called by ``cecopam.demo.demo_seed``. Everything goes through the services, as a training
administrator and the instructors would: courses are created, sessions scheduled, trainees
nominated, sessions opened and started, attendance and scores recorded, results finalised.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cecopam.dates import months_later
from courses.models import Certificate, Course, CourseSession, Enrolment, Score
from courses.results import ComponentRule, result_compute
from courses.services import (
    attendance_save,
    course_create,
    enrolment_create_many,
    enrolment_withdraw,
    gradebook_save,
    session_create,
    session_finalise,
    session_results_reopen,
    session_transition,
)
from courses.services.certificate_lifecycle import certificate_reissue, certificate_revoke
from courses.services.certificates import certificate_render
from trainees.models import Trainee

C = Course.Category
S = CourseSession.Status
HOURS_A_DAY = 8


def _component(es, en, weight, max_score=100, pass_mark=60, critical=False):
    return {
        "name_es": es,
        "name_en": en,
        "weight": Decimal(weight),
        "max_score": Decimal(max_score),
        "pass_mark": Decimal(pass_mark),
        "critical": critical,
    }


WRITTEN_EXAM = ("Examen escrito", "Written exam")
CASE_STUDY = ("Estudio de caso", "Case study")


def demo_catalogue(today: datetime.date) -> list[dict]:
    """The courses, as course_create's keyword arguments (prerequisites by code)."""
    recognised = today.year - 2  # the year the UN recognised the centre's courses
    return [
        {
            "code": "UOF",
            "title_es": "Uso de la fuerza en operaciones de paz",
            "title_en": "Use of force in peace operations",
            "category": C.USE_OF_FORCE,
            "description": (
                "Marco jurídico del uso de la fuerza en operaciones de mantenimiento de la paz: "
                "mandato del Consejo de Seguridad, reglas de enfrentamiento y directrices sobre "
                "el uso de la fuerza. Incluye escenarios prácticos en puestos de control y "
                "escoltas."
            ),
            "learning_outcomes": (
                "Aplicar los principios de necesidad, proporcionalidad y precaución.\n"
                "Interpretar reglas de enfrentamiento y tarjetas de bolsillo de una misión.\n"
                "Escalar y desescalar la fuerza en un escenario de puesto de control.\n"
                "Informar un incidente de uso de la fuerza por la cadena de mando."
            ),
            "hours": 40,
            "pass_mark": Decimal(70),
            "min_attendance_percent": 90,
            "validity_months": 24,
            "components": [
                _component(*WRITTEN_EXAM, 40),
                _component("Escenario práctico", "Practical scenario", 60, 100, 70, True),
            ],
        },
        {
            "code": "DIH",
            "title_es": "Derecho internacional humanitario",
            "title_en": "International humanitarian law",
            "category": C.IHL,
            "description": (
                "Los Convenios de Ginebra y sus Protocolos adicionales aplicados a las "
                "operaciones de paz: conducción de hostilidades, trato a personas detenidas y "
                "protección de bienes culturales (Boletín del Secretario General ST/SGB/1999/13)."
            ),
            "learning_outcomes": (
                "Distinguir los conflictos armados internacionales y no internacionales.\n"
                "Aplicar los principios de distinción, proporcionalidad y precaución.\n"
                "Tratar a personas detenidas conforme al DIH y a las normas de la ONU."
            ),
            "hours": 32,
            "pass_mark": Decimal(70),
            "min_attendance_percent": 90,
            "validity_months": 36,
            "components": [_component(*WRITTEN_EXAM, 70), _component(*CASE_STUDY, 30)],
        },
        {
            "code": "DDHH",
            "title_es": "Derechos humanos en operaciones de paz",
            "title_en": "Human rights in peace operations",
            "category": C.HUMAN_RIGHTS,
            "description": (
                "Normas internacionales de derechos humanos y su lugar en los mandatos de las "
                "misiones; la política de diligencia debida en materia de derechos humanos y el "
                "trabajo con el componente de derechos humanos de la misión."
            ),
            "learning_outcomes": (
                "Reconocer violaciones de derechos humanos y documentarlas sin causar daño.\n"
                "Remitir casos al componente de derechos humanos de la misión.\n"
                "Explicar la política de diligencia debida (HRDDP)."
            ),
            "hours": 24,
            "pass_mark": Decimal(70),
            "min_attendance_percent": 90,
            "validity_months": 36,
            "components": [
                _component(*WRITTEN_EXAM, 60),
                _component("Análisis de caso y exposición", "Case analysis and presentation", 40),
            ],
        },
        {
            "code": "POC",
            "title_es": "Protección de civiles",
            "title_en": "Protection of civilians",
            "category": C.PROTECTION_OF_CIVILIANS,
            "description": (
                "El mandato de protección de civiles: sus tres niveles (diálogo, protección "
                "física y entorno protector), alerta temprana y planeamiento de respuesta en "
                "una misión multidimensional."
            ),
            "learning_outcomes": (
                "Identificar amenazas a la población civil a partir de indicadores de alerta.\n"
                "Planear una respuesta de protección física en un ejercicio de gabinete.\n"
                "Coordinar con los componentes civil y policial de la misión."
            ),
            "hours": 24,
            "pass_mark": Decimal(70),
            "min_attendance_percent": 90,
            "components": [
                _component(*WRITTEN_EXAM, 40),
                _component("Ejercicio de gabinete", "Tabletop exercise", 40, 100, 70),
                _component("Participación", "Participation", 20, 10, 6),
            ],
        },
        {
            "code": "CRSV",
            "title_es": "Violencia sexual relacionada con los conflictos y perspectiva de género",
            "title_en": "Conflict-related sexual violence and gender",
            "category": C.CRSV_GENDER,
            "description": (
                "La agenda Mujeres, Paz y Seguridad (resolución 1325 y siguientes), la "
                "prevención de la violencia sexual relacionada con los conflictos y la "
                "respuesta centrada en las personas sobrevivientes."
            ),
            "learning_outcomes": (
                "Reconocer indicadores de alerta temprana de violencia sexual.\n"
                "Responder centrándose en la persona sobreviviente y remitir el caso.\n"
                "Incorporar el análisis de género en el planeamiento de patrullas."
            ),
            "hours": 24,
            "pass_mark": Decimal(70),
            "min_attendance_percent": 90,
            "components": [_component(*WRITTEN_EXAM, 50), _component(*CASE_STUDY, 50)],
        },
        {
            "code": "PDN",
            "title_es": "Protección de la niñez en operaciones de paz",
            "title_en": "Child protection in peace operations",
            "category": C.CHILD_PROTECTION,
            "description": (
                "Las seis violaciones graves contra niñas y niños en los conflictos armados, el "
                "mecanismo de vigilancia y presentación de informes (MRM) y el trato a niñas y "
                "niños vinculados a grupos armados."
            ),
            "learning_outcomes": (
                "Nombrar las seis violaciones graves y cómo se informan.\n"
                "Tratar a una niña o niño separado de un grupo armado y remitirlo."
            ),
            "hours": 16,
            "pass_mark": Decimal(70),
            "min_attendance_percent": 100,
            "components": [
                _component(*WRITTEN_EXAM, 60),
                _component("Ejercicio de remisión de casos", "Case referral exercise", 40),
            ],
        },
        {
            "code": "PEAS",
            "title_es": "Prevención de la explotación y el abuso sexuales",
            "title_en": "Prevention of sexual exploitation and abuse",
            "category": C.SEA_PREVENTION,
            "description": (
                "Las normas de conducta de la ONU (ST/SGB/2003/13), la política de tolerancia "
                "cero, la obligación de denunciar y la asistencia a las víctimas."
            ),
            "learning_outcomes": (
                "Explicar las normas de conducta y sus consecuencias disciplinarias.\n"
                "Denunciar una sospecha de explotación o abuso por los canales de la misión."
            ),
            "hours": 16,
            "pass_mark": Decimal(80),
            "min_attendance_percent": 100,
            "validity_months": 24,
            "components": [
                _component("Examen de conocimientos", "Knowledge test", 70, 100, 80, True),
                _component(*CASE_STUDY, 30),
            ],
        },
        {
            "code": "CPTM",
            "title_es": "Capacitación básica previa al despliegue (CPTM)",
            "title_en": "UN core pre-deployment training (CPTM)",
            "category": C.CPTM,
            "description": (
                "Los Materiales Básicos de Capacitación Previa al Despliegue de la ONU: "
                "principios del mantenimiento de la paz, el mandato y la estructura de una "
                "misión, normas de conducta, seguridad personal y trabajo con socios. Requisito "
                "de todos los cursos de especialización de la ONU."
            ),
            "learning_outcomes": (
                "Explicar los principios básicos: consentimiento, imparcialidad y no uso de la "
                "fuerza salvo en legítima defensa y defensa del mandato.\n"
                "Describir la estructura de una misión multidimensional y sus socios.\n"
                "Aplicar las normas de conducta y de seguridad personal en la misión."
            ),
            "hours": 80,
            "pass_mark": Decimal(75),
            "min_attendance_percent": 90,
            "validity_months": 36,
            "un_recognition_reference": f"ITS/DPO recognition {recognised}-0412",
            "un_recognition_expires_on": today + datetime.timedelta(days=548),
            "components": [
                _component("Exámenes por módulo", "Module exams", 50, 100, 70),
                _component("Ejercicios prácticos", "Practical exercises", 30),
                _component("Participación", "Participation", 20, 20, 12),
            ],
        },
        {
            "code": "UNSOC",
            "title_es": "Curso de oficiales de estado mayor de la ONU",
            "title_en": "United Nations staff officers course",
            "category": C.STAFF_OFFICER,
            "description": (
                "El trabajo de estado mayor en el cuartel general de la fuerza y de sector: "
                "proceso de planeamiento militar de la ONU, informes, coordinación cívico-"
                "militar y gestión de la información en una misión."
            ),
            "learning_outcomes": (
                "Aplicar el proceso de planeamiento militar de la ONU en un ejercicio de "
                "estado mayor.\n"
                "Redactar órdenes e informes con el formato de la misión.\n"
                "Exponer un plan ante el mando."
            ),
            "hours": 120,
            "pass_mark": Decimal(75),
            "min_attendance_percent": 90,
            "validity_months": 36,
            "prerequisites": ["CPTM"],
            # Recognition that lapses soon: the centre has to apply for its renewal.
            "un_recognition_reference": f"ITS/DPO recognition {recognised}-0413",
            "un_recognition_expires_on": today + datetime.timedelta(days=60),
            "components": [
                _component(*WRITTEN_EXAM, 30),
                _component(
                    "Ejercicio de planeamiento de estado mayor",
                    "Staff planning exercise",
                    50,
                    100,
                    70,
                    True,
                ),
                _component("Exposición ante el mando", "Command briefing", 20, 20, 12),
            ],
        },
        {
            "code": "UNMEM",
            "title_es": "Curso de observadores militares y expertos en misión de la ONU",
            "title_en": "United Nations military experts on mission course",
            "category": C.MILITARY_OBSERVER,
            "description": (
                "Las tareas de un observador militar desarmado: patrullaje, puestos de "
                "observación, verificación de acuerdos de cese al fuego, negociación y "
                "mediación, conducción 4x4, radiocomunicación y supervivencia en zona de misión."
            ),
            "learning_outcomes": (
                "Conducir una patrulla de observación e informar lo observado.\n"
                "Negociar el paso en un puesto de control.\n"
                "Conducir un vehículo 4x4 y operar la radio con el procedimiento de la ONU."
            ),
            "hours": 120,
            "pass_mark": Decimal(75),
            "min_attendance_percent": 90,
            "validity_months": 36,
            "prerequisites": ["CPTM"],
            "un_recognition_reference": f"ITS/DPO recognition {recognised}-0414",
            "un_recognition_expires_on": today + datetime.timedelta(days=913),
            "components": [
                _component(*WRITTEN_EXAM, 30),
                _component(
                    "Ejercicio de campo (patrulla, observación y negociación)",
                    "Field exercise (patrol, observation and negotiation)",
                    50,
                    100,
                    70,
                    True,
                ),
                _component(
                    "Conducción 4x4 y radiocomunicación",
                    "4x4 driving and radio procedure",
                    20,
                    100,
                    70,
                    True,
                ),
            ],
        },
        {
            "code": "UNPOL",
            "title_es": "Curso de policía de las Naciones Unidas",
            "title_en": "United Nations police course",
            "category": C.UN_POLICE,
            "description": (
                "La policía de la ONU en misión: policía de proximidad, mentoría y asesoría a "
                "la policía del Estado anfitrión, investigación y las pruebas de tiro y manejo "
                "que evalúa el equipo de selección (AMS)."
            ),
            "learning_outcomes": (
                "Asesorar a una contraparte de la policía del Estado anfitrión.\n"
                "Aprobar las pruebas de tiro y de manejo con el estándar de la ONU.\n"
                "Redactar un informe de incidente en inglés o francés."
            ),
            "hours": 80,
            "pass_mark": Decimal(75),
            "min_attendance_percent": 90,
            "validity_months": 24,
            "prerequisites": ["CPTM"],
            "components": [
                _component(*WRITTEN_EXAM, 40),
                _component("Prueba de tiro", "Firearms test", 30, 100, 70, True),
                _component("Prueba de manejo", "Driving test", 30, 100, 70, True),
            ],
        },
        {
            "code": "ENG-B2",
            "title_es": "Inglés para operaciones de paz (B2)",
            "title_en": "English for peace operations (B2)",
            "category": C.LANGUAGE,
            "description": (
                "Curso intensivo de inglés con vocabulario de misión: radiocomunicación, "
                "informes, reuniones de coordinación y entrevistas de selección de la ONU."
            ),
            "learning_outcomes": (
                "Comprender informes y exposiciones de misión en inglés.\n"
                "Redactar un informe diario de situación.\n"
                "Sostener una entrevista de selección en inglés con nivel B2."
            ),
            "hours": 120,
            "pass_mark": Decimal(70),
            "min_attendance_percent": 80,
            "validity_months": 24,
            "components": [
                _component("Comprensión lectora y auditiva", "Reading and listening", 40),
                _component("Expresión escrita", "Writing", 20),
                _component("Entrevista oral", "Oral interview", 40, 100, 70, True),
            ],
        },
        {
            "code": "PAB",
            "title_es": "Primeros auxilios básicos en zona de misión",
            "title_en": "Basic field first aid",
            "category": C.OTHER,
            "description": (
                "Atención inicial de lesionados hasta su evacuación: reanimación "
                "cardiopulmonar, control de hemorragias, torniquete, inmovilización y "
                "solicitud de evacuación médica (CASEVAC/MEDEVAC)."
            ),
            "learning_outcomes": (
                "Evaluar a un lesionado y priorizar su atención.\n"
                "Controlar una hemorragia grave con torniquete y vendaje compresivo.\n"
                "Solicitar una evacuación médica por radio."
            ),
            "hours": 24,
            "pass_mark": Decimal(75),
            "min_attendance_percent": 100,
            # First aid is refreshed every year: the demo's expired certificates are these.
            "validity_months": 12,
            "components": [
                _component("Examen teórico", "Theory exam", 30),
                _component("Evaluación práctica", "Practical assessment", 70, 100, 75, True),
            ],
        },
    ]


# ------------------------------------------------------------------------------ the sessions
VENUE = "CECOPAM, Campo Militar 1-A, Ciudad de México"
FIELD_VENUE = "CECOPAM, área de adiestramiento práctico, Campo Militar 1-A"
LANGUAGE_VENUE = "Centro de Idiomas del Ejército y Fuerza Aérea, Ciudad de México"

# Who a course is for. Specialised UN courses come after the CPTM (a prerequisite).
OFFICERS = (Trainee.RankCategory.OFFICER, Trainee.RankCategory.SENIOR_OFFICER)
POLICE = (Trainee.RankCategory.POLICE,)
OFFICERS_AND_POLICE = OFFICERS + POLICE
OBSERVERS = (Trainee.UNCategory.MILITARY_OBSERVER,)

# What happens to a trainee in a session whose results are final.
PASS, FAIL_TOTAL, FAIL_CRITICAL, FAIL_ATTENDANCE, NO_SHOW = (
    "pass",
    "fail_total",
    "fail_critical",
    "fail_attendance",
    "no_show",
)
# Where a demo login goes in a session's list of nominations: first gets a seat, last waits.
FIRST, LAST = "first", "last"


@dataclass(frozen=True)
class DemoSession:
    course: str
    week: int  # the Monday it starts, in weeks from this week's Monday
    status: str
    instructors: tuple[str, ...]
    capacity: int
    size: int  # trainees nominated, besides the demo logins
    ranks: tuple[str, ...] = ()  # rank categories to draw from; empty: anyone
    un_categories: tuple[str, ...] = ()  # UN personnel categories to draw from; empty: any
    venue: str = VENUE
    language: str = CourseSession.Language.SPANISH
    # Final results: how many fail, and how; the rest pass.
    fail_total: int = 0
    fail_critical: int = 0
    fail_attendance: int = 0
    no_show: int = 0
    # Demo logins in this session: (login, outcome or FIRST/LAST).
    logins: tuple[tuple[str, str], ...] = ()
    # Trainees nominated without the prerequisite, waived by the administrator.
    waived: int = 0


DEMO_SESSIONS = [
    # ---- past: results finalised
    # First aid a year ago and more: certificates expired, and about to expire.
    DemoSession(
        "PAB", -60, S.COMPLETED, ("instructor3",), 16, 12, venue=FIELD_VENUE, fail_total=1
    ),
    DemoSession("PAB", -46, S.COMPLETED, ("instructor3",), 16, 8, venue=FIELD_VENUE),
    DemoSession(
        "CPTM", -40, S.COMPLETED, ("instructor2", "instructor1"), 24, 18, OFFICERS_AND_POLICE,
        fail_total=1, fail_attendance=1, logins=(("trainee", PASS), ("trainee2", PASS)),
    ),
    # The future military observers: those the first CPTM left out take the next, then all of
    # them the observers' course, so that the readiness board for MINURSO has people ready.
    DemoSession(
        "CPTM", -36, S.COMPLETED, ("instructor1",), 24, 20, OFFICERS, un_categories=OBSERVERS,
    ),
    DemoSession("CRSV", -30, S.COMPLETED, ("instructor2",), 20, 14),
    DemoSession(
        "UNMEM", -30, S.COMPLETED, ("instructor1", "instructor3"), 14, 14, OFFICERS,
        un_categories=OBSERVERS, venue=FIELD_VENUE, logins=(("trainee", PASS),),
    ),
    DemoSession(
        "CPTM", -24, S.COMPLETED, ("instructor1",), 24, 18, OFFICERS_AND_POLICE,
        fail_total=1, no_show=1,
    ),
    DemoSession(
        "UOF", -18, S.COMPLETED, ("instructor3",), 16, 13, venue=FIELD_VENUE,
        fail_total=1, fail_critical=1, logins=(("trainee", FAIL_CRITICAL),),
    ),
    DemoSession(
        "DIH", -14, S.COMPLETED, ("instructor2",), 20, 15,
        fail_total=1, fail_attendance=1, logins=(("trainee", PASS),),
    ),
    DemoSession(
        "UNSOC", -11, S.COMPLETED, ("instructor1", "instructor3"), 16, 10, OFFICERS,
        fail_critical=1,
    ),
    DemoSession(
        "UNPOL", -8, S.COMPLETED, ("instructor2",), 14, 8, POLICE, venue=FIELD_VENUE,
        fail_attendance=1,
    ),
    DemoSession("PEAS", -5, S.COMPLETED, ("instructor3",), 30, 20, fail_total=1),
    DemoSession("POC", -3, S.COMPLETED, ("instructor2",), 20, 12, fail_total=1),
    # ---- now
    DemoSession("UNMEM", -1, S.IN_PROGRESS, ("instructor1",), 12, 10, OFFICERS, venue=FIELD_VENUE),
    # ---- ahead
    DemoSession("PDN", 2, S.CANCELLED, ("instructor3",), 20, 6),
    DemoSession(
        "UOF", 3, S.OPEN, ("instructor3",), 16, 9, venue=FIELD_VENUE, logins=(("trainee", FIRST),)
    ),
    DemoSession("DDHH", 4, S.OPEN, ("instructor2",), 12, 16),
    DemoSession("CPTM", 6, S.OPEN, ("instructor1", "instructor2"), 24, 14),
    DemoSession(
        "ENG-B2", 9, S.OPEN, ("instructor3",), 15, 18, venue=LANGUAGE_VENUE,
        language=CourseSession.Language.ENGLISH, logins=(("trainee2", LAST),),
    ),
    DemoSession("UNPOL", 10, S.PLANNED, ("instructor1",), 16, 5, POLICE, waived=1),
]  # fmt: skip

WAIVER_REASON = (
    "Acreditó el CPTM en la Escuela de Operaciones de Paz de su institución (constancia "
    "EOP-0173); se registra aquí mientras se valida el certificado."
)


# What the training administrator does to two of the certificates once they are issued.
REVOCATION_REASON = (
    "Suplantación de identidad: otra persona presentó el examen de conocimientos en su lugar "
    "(acta de la Dirección de Evaluación DE/2026/031)."
)
REOPENING_REASON = (
    "Revisión del examen del módulo 3 a petición de la institución: una respuesta correcta se "
    "calificó como errónea."
)
REISSUE_REASON = "Calificación final corregida tras la revisión del examen del módulo 3."


@dataclass
class TrainingSeedReport:
    courses_created: int = 0
    sessions_created: int = 0
    enrolments_created: int = 0
    certificates_issued: int = 0


@transaction.atomic
def demo_training_seed(
    *,
    by,
    instructors: Mapping[str, object],
    logins: Mapping[str, Trainee | None],
) -> TrainingSeedReport:
    """Create the demo catalogue, then its sessions, around today, and the certificates of
    those whose results are final: issued (one revoked since, one reissued after a correction
    of the results, some expired).

    ``by`` (the training administrator) nominates; ``instructors`` and ``logins`` (the demo
    trainees with an account) are the people the sessions name, by username.

    The certificates' PDFs are rendered here, synchronously: seeding runs before any worker or
    broker is up, and nothing waits for one (what is queued after the commit, while no broker
    answers, is logged and dropped; the certificates are issued already).

    Idempotent: a course whose code exists is left as it is, and the sessions are scheduled
    only while none of the demo courses has a session yet: dates count from the day of
    seeding, so a later run would otherwise schedule the year again.
    """
    report = TrainingSeedReport()
    today = timezone.localdate()
    courses = {}
    for fields in demo_catalogue(today):
        course = Course.objects.filter(code=fields["code"]).first()
        if course is None:
            prerequisites = [courses[code] for code in fields.pop("prerequisites", ())]
            course = course_create(**fields, prerequisites=prerequisites)
            report.courses_created += 1
        courses[course.code] = course
    if CourseSession.objects.filter(course__in=courses.values()).exists():
        return report
    _Scheduler(today, courses, by, instructors, logins, report).run()
    return report


class _Scheduler:
    """Schedules DEMO_SESSIONS in date order, keeping track of who passed what and who is
    busy when, so that every nomination is one the services accept."""

    def __init__(self, today, courses, by, instructors, logins, report):
        self.today = today
        self.monday = today - datetime.timedelta(days=today.weekday())
        self.courses = courses
        self.by = by
        self.instructors = instructors
        self.report = report
        # Anyone already enrolled somewhere is left out: their dates are their own.
        free = list(Trainee.objects.filter(enrolments__isnull=True).order_by("pk"))
        free_pks = {t.pk for t in free}
        self.logins = {name: t for name, t in logins.items() if t and t.pk in free_pks}
        login_pks = {t.pk for t in self.logins.values()}
        self.pool = [t for t in free if t.pk not in login_pks]
        self.passed: dict[int, set[str]] = {}  # trainee pk -> codes of the courses passed
        self.finalised: list[tuple[CourseSession, object]] = []  # with the instructor who did
        self.busy: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
        self.numbers: dict[tuple[str, int], int] = {}

    def run(self) -> None:
        for spec in sorted(DEMO_SESSIONS, key=lambda s: s.week):
            self.schedule(spec)
        self.certify()

    # -------------------------------------------------------------- one session
    def schedule(self, spec: DemoSession) -> None:
        course = self.courses[spec.course]
        start = self.monday + datetime.timedelta(weeks=spec.week)
        end = _after_weekdays(start, max(course.hours // HOURS_A_DAY, 1))
        year = start.year
        self.numbers[(course.code, year)] = self.numbers.get((course.code, year), 0) + 1
        teachers = [self.instructors[name] for name in spec.instructors]
        session = session_create(
            code=f"{course.code}-{year}-{self.numbers[(course.code, year)]:02d}",
            course=course,
            start_date=start,
            end_date=end,
            venue=spec.venue,
            capacity=spec.capacity,
            language=spec.language,
            instructors=teachers,
        )
        self.report.sessions_created += 1

        rng = random.Random(session.code)  # noqa: S311 - demo data
        trainees, waived = self.nominees(spec, course, start, end, rng)
        if waived:
            # The administrator waives one prerequisite: the reason shows on the enrolment.
            enrolment_create_many(
                session=session, trainees=waived, by=self.by, override_reason=WAIVER_REASON
            )
        enrolment_create_many(session=session, trainees=trainees, by=self.by)
        self.report.enrolments_created += len(trainees) + len(waived)
        if spec.status in (S.PLANNED, S.OPEN, S.IN_PROGRESS):
            for trainee in trainees + waived:
                self.busy.setdefault(trainee.pk, []).append((start, end))

        if spec.status == S.PLANNED:
            return
        if spec.status == S.CANCELLED:
            session_transition(session=session, to=S.CANCELLED)
            return
        session = session_transition(session=session, to=S.OPEN)
        if spec.status == S.OPEN:
            return
        session = session_transition(session=session, to=S.IN_PROGRESS)
        if spec.status == S.IN_PROGRESS:
            self.take_the_first_days(session, teachers[0], rng)
            return
        self.finish(spec, session, trainees, teachers[0], rng)

    def nominees(self, spec, course, start, end, rng) -> tuple[list[Trainee], list[Trainee]]:
        """The demo logins where the spec puts them, and ``spec.size`` trainees drawn from
        those who may take the course on those dates."""
        required = {c.code for c in course.prerequisites.all()}

        def free(t: Trainee) -> bool:
            return (
                (not spec.ranks or t.rank_category in spec.ranks)
                and (not spec.un_categories or t.un_category in spec.un_categories)
                and course.code not in self.passed.get(t.pk, set())
                and not any(s <= end and start <= e for s, e in self.busy.get(t.pk, []))
            )

        candidates = [t for t in self.pool if free(t)]
        rng.shuffle(candidates)
        ready = [t for t in candidates if required <= self.passed.get(t.pk, set())]
        unready = [t for t in candidates if not required <= self.passed.get(t.pk, set())]
        drawn = ready[: spec.size]
        waived = unready[: spec.waived] if required else []
        first = [self.logins[n] for n, where in spec.logins if where != LAST and n in self.logins]
        last = [self.logins[n] for n, where in spec.logins if where == LAST and n in self.logins]
        return first + drawn + last, waived

    # -------------------------------------------------------------- a session in progress
    def take_the_first_days(self, session: CourseSession, instructor, rng) -> None:
        """Attendance up to yesterday, and the written exam marked for everyone and the next
        component for half: the instructor is half way through the gradebook."""
        seated = list(session.enrolments.filter(status=Enrolment.Status.CONFIRMED))
        days = [day for day in session.days if day < self.today]
        marks = {}
        for n, enrolment in enumerate(seated):
            for d, day in enumerate(days):
                status = "present"
                if n == 1 and d == len(days) - 1:
                    status = "excused"
                elif n == 2 and d == 1:
                    status = "absent"
                marks[(enrolment.pk, day)] = status
        if marks:
            attendance_save(session=session, by=instructor, marks=marks)
        components = list(session.course.components.all())
        scores = {}
        for n, enrolment in enumerate(seated):
            scores[(enrolment.pk, components[0].pk)] = _score(components[0], rng.uniform(0.6, 0.98))
            if n % 2 == 0 and len(components) > 1:
                scores[(enrolment.pk, components[1].pk)] = _score(
                    components[1], rng.uniform(0.65, 0.95)
                )
        gradebook_save(
            session=session, by=instructor, version=session.gradebook_version, scores=scores
        )

    # -------------------------------------------------------------- a session in the past
    def finish(self, spec, session, trainees, instructor, rng) -> None:
        """Record every day's attendance and every score so that each trainee gets the
        outcome the spec gives, then finalise the results."""
        seated = {e.trainee_id: e for e in session.enrolments.all()}
        outcomes = self.outcomes(spec, trainees, rng)
        for trainee in trainees:
            if outcomes[trainee.pk] == NO_SHOW:
                enrolment_withdraw(enrolment=seated[trainee.pk], no_show=True)
        course = session.course
        components = list(course.components.all())
        days = session.days
        marks, scores = {}, {}
        for trainee in trainees:
            outcome = outcomes[trainee.pk]
            if outcome == NO_SHOW:
                continue
            enrolment = seated[trainee.pk]
            for day, status in zip(days, _attendance(course, len(days), outcome, rng), strict=True):
                marks[(enrolment.pk, day)] = status
            for component, value in zip(components, _scores(components, outcome, rng), strict=True):
                scores[(enrolment.pk, component.pk)] = value
        attendance_save(session=session, by=instructor, marks=marks)
        gradebook_save(
            session=session, by=instructor, version=session.gradebook_version, scores=scores
        )
        session = session_finalise(session=session, by=instructor)
        self.finalised.append((session, instructor))
        for trainee_id in session.enrolments.filter(status=Enrolment.Status.PASSED).values_list(
            "trainee_id", flat=True
        ):
            self.passed.setdefault(trainee_id, set()).add(course.code)

    # -------------------------------------------------------------- the certificates
    def certify(self) -> None:
        """Issue the certificates that finalising the past sessions created, then revoke one
        and reissue another, as the training administrator would."""
        for session, _instructor in self.finalised:
            _dated_as_issued_when_it_ended(session)
        self.render(
            Certificate.objects.filter(
                enrolment__session__in=[session for session, _ in self.finalised],
                status=Certificate.Status.PENDING,
            )
        )
        self.revoke_one()
        self.correct_and_reissue_one()

    def render(self, certificates) -> None:
        """Render now what a PDF worker would render after the commit."""
        ids = list(certificates.order_by("serial").values_list("pk", flat=True))
        # The demo's holders are not emailed their certificates (the issued email finds them
        # sent): the addresses are made up, and a worker already running when the demo is
        # seeded would otherwise mail every one of them.
        Certificate.objects.filter(pk__in=ids).update(emailed_at=timezone.now())
        for certificate_id in ids:
            certificate_render(certificate_id=certificate_id)
        self.report.certificates_issued += len(ids)

    def finalised_session(self, course_code: str) -> tuple[CourseSession, object]:
        return next((s, i) for s, i in self.finalised if s.course.code == course_code)

    def revoke_one(self) -> None:
        """A certificate of the SEA prevention course, revoked: someone else sat the exam."""
        session, _instructor = self.finalised_session("PEAS")
        certificate = (
            Certificate.objects.filter(enrolment__session=session).order_by("-serial").first()
        )
        certificate_revoke(certificate=certificate, by=self.by, reason=REVOCATION_REASON)

    def correct_and_reissue_one(self) -> None:
        """The first CPTM's results reopened to correct an exam marked wrong (the second demo
        trainee's, when she took it), finalised again, and her certificate reissued with the
        corrected total: the old one is superseded by the new."""
        session, instructor = self.finalised_session("CPTM")
        passed = session.enrolments.filter(status=Enrolment.Status.PASSED).order_by("pk")
        trainee = self.logins.get("trainee2")
        enrolment = (trainee and passed.filter(trainee=trainee).first()) or passed.first()
        certificate = enrolment.certificates.get(status=Certificate.Status.ISSUED)
        exams = session.course.components.all()[0]  # the module exams
        score = Score.objects.get(enrolment=enrolment, component=exams).value

        session = session_results_reopen(session=session, by=self.by, reason=REOPENING_REASON)
        session = gradebook_save(
            session=session,
            by=instructor,
            version=session.gradebook_version,
            scores={(enrolment.pk, exams.pk): min(score + 5, exams.max_score)},
        )
        session_finalise(session=session, by=instructor)
        replacement = certificate_reissue(
            certificate=certificate, by=self.by, reason=REISSUE_REASON
        )
        self.render(Certificate.objects.filter(pk=replacement.pk))

    def outcomes(self, spec, trainees, rng) -> dict[int, str]:
        outcomes = {self.logins[n].pk: o for n, o in spec.logins if n in self.logins}
        others = [t for t in trainees if t.pk not in outcomes]
        rng.shuffle(others)
        failing = (
            [FAIL_TOTAL] * spec.fail_total
            + [FAIL_CRITICAL] * spec.fail_critical
            + [FAIL_ATTENDANCE] * spec.fail_attendance
            + [NO_SHOW] * spec.no_show
        )
        for trainee in others:
            outcomes[trainee.pk] = failing.pop() if failing else PASS
        return outcomes


def _dated_as_issued_when_it_ended(session: CourseSession) -> None:
    """Demo data only: the services date a certificate the day its session's results are
    finalised, which for every demo session is the day of seeding. A centre's certificates
    were issued as each session ended, and some have expired since; the demo's are dated so
    (before their PDFs are printed). They keep the serial numbers they were given, in the
    year of seeding."""
    months = session.course.validity_months
    Certificate.objects.filter(enrolment__session=session).update(
        issued_on=session.end_date,
        valid_until=months_later(session.end_date, months) if months else None,
    )


def _after_weekdays(start: datetime.date, weekdays: int) -> datetime.date:
    """The day on which ``weekdays`` working days from ``start`` (a Monday) are done."""
    weeks, rest = divmod(weekdays - 1, 5)
    return start + datetime.timedelta(weeks=weeks, days=rest)


def _score(component, fraction: float) -> Decimal:
    """A score of ``fraction`` of the component's maximum, in half points."""
    return Decimal(round(float(component.max_score) * fraction * 2)) / 2


def _scores(components, outcome: str, rng) -> list[Decimal]:
    """Scores that lead to ``outcome``: a pass is 82-98 % everywhere; a low total is
    40-60 % with the critical parts just passed; a critical fail is a high total with the
    first critical part just under its pass mark."""
    values = []
    critical_failed = False
    for c in components:
        at_pass = float(c.pass_mark / c.max_score)
        fails_here = outcome == FAIL_CRITICAL and c.critical and not critical_failed
        if fails_here:
            fraction, critical_failed = at_pass - rng.uniform(0.04, 0.08), True
        elif outcome == FAIL_TOTAL:
            fraction = at_pass if c.critical else rng.uniform(0.4, 0.6)
        elif outcome == FAIL_CRITICAL:
            fraction = rng.uniform(0.92, 1.0)
        else:
            fraction = rng.uniform(0.82, 0.98)
        value = min(_score(c, fraction), c.max_score)
        if c.critical and not fails_here:
            value = max(value, c.pass_mark)  # rounding to half points must not fail it
        values.append(value)
    _check(components, values, outcome)
    return values


def _attendance(course: Course, days: int, outcome: str, rng) -> list[str]:
    """Every day's mark: short of the course's minimum for an attendance fail; otherwise
    present, but for an excused day now and then where the minimum allows it."""
    needed = math.ceil(course.min_attendance_percent * days / 100)
    marks = ["present"] * days
    if outcome == FAIL_ATTENDANCE:
        missed = days - needed + 1
        for d in rng.sample(range(days), missed):
            marks[d] = rng.choice(["absent", "excused"])
    elif needed < days and rng.random() < 0.2:
        marks[rng.randrange(days)] = "excused"
    return marks


def _check(components, values, outcome: str) -> None:
    """Guard the catalogue's figures: the scores must give the outcome they were made for."""
    result = result_compute(
        pass_mark=components[0].course.pass_mark,
        min_attendance_percent=0,
        components=[
            ComponentRule(c.pk, c.weight, c.max_score, c.pass_mark, c.critical) for c in components
        ],
        scores={c.pk: v for c, v in zip(components, values, strict=True)},
        days_present=1,
        days_total=1,
    )
    # (total under the pass mark, a critical component failed)
    wanted = {FAIL_TOTAL: (True, False), FAIL_CRITICAL: (False, True)}.get(outcome, (False, False))
    if (result.total_short, bool(result.failed_critical)) != wanted:
        raise AssertionError(f"The demo scores {values} do not give “{outcome}”.")
