"""The demo centre: the accounts that ``make run`` prints and the data ``seed_demo`` loads."""

import datetime
import random
import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cecopam.roles import Role
from cecopam.services import user_assign_role
from courses.demo import demo_training_seed
from readiness.seeding import readiness_reference_seed
from trainees.models import Clearance, Institution, LanguageSkill, Trainee
from trainees.services import (
    clearance_create,
    institution_get_or_create,
    language_skill_create,
    trainee_create,
)

DEMO_PASSWORD = "paz-y-entrenamiento"  # noqa: S105 - published demo password, demo data only

DEMO_LOGINS = [
    ("admin", _("training administrator")),
    ("instructor1", _("instructor")),
    ("instructor2", _("instructor")),
    ("instructor3", _("instructor")),
    ("trainee", _("trainee")),
    ("trainee2", _("trainee")),
]


# ------------------------------------------------------------------------------ the demo centre
# Everything below is generated from a fixed seed, and every row is looked up by its natural key
# before it is created, so that seeding twice changes nothing.


K = Institution.Kind
R = Trainee.RankCategory
U = Trainee.UNCategory


@dataclass(frozen=True)
class DemoInstitution:
    name: str
    short_name: str
    kind: str
    country: str
    headcount: int
    # (rank, rank category) pairs this institution's trainees are drawn from
    ranks: tuple[tuple[str, str], ...]


ARMY_RANKS = (
    ("Teniente", R.OFFICER),
    ("Capitán Segundo", R.OFFICER),
    ("Capitán Primero", R.OFFICER),
    ("Mayor", R.SENIOR_OFFICER),
    ("Teniente Coronel", R.SENIOR_OFFICER),
    ("Sargento Primero", R.NCO),
    ("Sargento Segundo", R.NCO),
    ("Cabo", R.ENLISTED),
)
NAVY_RANKS = (
    ("Teniente de Corbeta", R.OFFICER),
    ("Teniente de Fragata", R.OFFICER),
    ("Teniente de Navío", R.OFFICER),
    ("Capitán de Corbeta", R.SENIOR_OFFICER),
    ("Primer Maestre", R.NCO),
    ("Cabo", R.ENLISTED),
)
POLICE_RANKS = (
    ("Policía Segundo", R.POLICE),
    ("Policía Primero", R.POLICE),
    ("Suboficial", R.POLICE),
    ("Subinspector", R.POLICE),
    ("Inspector", R.POLICE),
)
FOREIGN_ARMY_RANKS = (
    ("Teniente", R.OFFICER),
    ("Capitán", R.OFFICER),
    ("Mayor", R.SENIOR_OFFICER),
    ("Sargento", R.NCO),
)
CIVILIAN_RANKS = (("", R.CIVILIAN),)

DEMO_INSTITUTIONS = [
    DemoInstitution("SEDENA – Ejército Mexicano", "SEDENA-Ejército", K.ARMY, "MX", 12, ARMY_RANKS),
    DemoInstitution(
        "SEDENA – Fuerza Aérea Mexicana", "SEDENA-FAM", K.AIR_FORCE, "MX", 5, ARMY_RANKS
    ),
    DemoInstitution("SEMAR – Armada de México", "SEMAR", K.NAVY, "MX", 8, NAVY_RANKS),
    DemoInstitution("Guardia Nacional", "GN", K.NATIONAL_GUARD, "MX", 6, POLICE_RANKS),
    DemoInstitution(
        "FGR – Policía Federal Ministerial", "PFM", K.FEDERAL_POLICE, "MX", 3, POLICE_RANKS
    ),
    DemoInstitution(
        "Secretaría de Relaciones Exteriores", "SRE", K.CIVILIAN, "MX", 2, CIVILIAN_RANKS
    ),
    DemoInstitution(
        "Ejército de Guatemala", "", K.FOREIGN_ARMED_FORCES, "GT", 3, FOREIGN_ARMY_RANKS
    ),
    DemoInstitution(
        "Fuerza Armada de El Salvador", "FAES", K.FOREIGN_ARMED_FORCES, "SV", 3, FOREIGN_ARMY_RANKS
    ),
    DemoInstitution(
        "Fuerzas Armadas de Honduras", "", K.FOREIGN_ARMED_FORCES, "HN", 2, FOREIGN_ARMY_RANKS
    ),
    DemoInstitution(
        "Policía Nacional de Colombia", "PONAL", K.FOREIGN_POLICE, "CO", 3, POLICE_RANKS
    ),
    DemoInstitution("Ejército del Perú", "", K.FOREIGN_ARMED_FORCES, "PE", 3, FOREIGN_ARMY_RANKS),
    DemoInstitution("Ejército de Chile", "", K.FOREIGN_ARMED_FORCES, "CL", 2, FOREIGN_ARMY_RANKS),
    DemoInstitution(
        "Gendarmería Nacional Argentina", "GNA", K.FOREIGN_POLICE, "AR", 2, POLICE_RANKS
    ),
    DemoInstitution(
        "Ejército Nacional de Uruguay", "", K.FOREIGN_ARMED_FORCES, "UY", 2, FOREIGN_ARMY_RANKS
    ),
    DemoInstitution(
        "Ejército de República Dominicana",
        "ERD",
        K.FOREIGN_ARMED_FORCES,
        "DO",
        2,
        FOREIGN_ARMY_RANKS,
    ),
    DemoInstitution("Guardia Civil", "", K.FOREIGN_POLICE, "ES", 2, POLICE_RANKS),
    DemoInstitution("Exército Brasileiro", "", K.FOREIGN_ARMED_FORCES, "BR", 2, FOREIGN_ARMY_RANKS),
]

WOMEN_NAMES = [
    "María Fernanda",
    "Ana Laura",
    "Guadalupe",
    "Daniela",
    "Karla Ivonne",
    "Alejandra",
    "Claudia",
    "Verónica",
    "Mariana",
    "Lucía",
    "Paola",
    "Itzel",
    "Ximena",
    "Rocío",
    "Andrea",
    "Gabriela",
    "Beatriz",
    "Carolina",
]
MEN_NAMES = [
    "José Luis",
    "Juan Carlos",
    "Miguel Ángel",
    "Francisco",
    "Jorge",
    "Luis Alberto",
    "Ricardo",
    "Alejandro",
    "Roberto",
    "Eduardo",
    "Fernando",
    "Óscar",
    "Héctor",
    "Raúl",
    "Sergio",
    "Andrés",
    "Diego",
    "Arturo",
    "Emiliano",
    "Gustavo",
    "Víctor Manuel",
    "Rodrigo",
    "Iván",
    "Martín",
]
SURNAMES = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
    "Jiménez",
    "Torres",
    "Díaz",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Moreno",
    "Castillo",
    "Romero",
    "Álvarez",
    "Méndez",
    "Chávez",
    "Rivera",
    "Juárez",
    "Ramos",
    "Domínguez",
    "Herrera",
    "Medina",
    "Castro",
    "Vargas",
    "Guzmán",
    "Velázquez",
    "Muñoz",
    "Rojas",
    "Contreras",
    "Salazar",
    "Luna",
    "Ortega",
    "Santiago",
    "Guerrero",
    "Bautista",
    "Cortés",
    "Estrada",
    "Núñez",
    "Ibarra",
]
BRAZILIAN_SURNAMES = ["da Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Almeida"]

STAFF = [
    # username, given names, surname(s), role
    ("admin", "Patricia", "Villaseñor Ochoa", Role.ADMINISTRATOR),
    ("instructor1", "Carlos", "Benítez Arriaga", Role.INSTRUCTOR),
    ("instructor2", "Leticia", "Zamora Quiroz", Role.INSTRUCTOR),
    ("instructor3", "Ernesto", "Lozano Peña", Role.INSTRUCTOR),
]
# The trainees (in generation order) who get a demo login.
TRAINEE_LOGINS = {0: "trainee", 1: "trainee2"}
# The demo trainee is a military observer, an officer: their portal shows readiness for every
# mission, ready for some and not for others.
LOGIN_UN_CATEGORIES = {"trainee": U.MILITARY_OBSERVER}
TODAY = datetime.date(2026, 11, 1)  # fixed, so that seeding on another day changes nothing


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _un_category(rank_category: str, kind: str, rng: random.Random) -> str:
    if rank_category == R.CIVILIAN:
        return U.CIVILIAN
    if rank_category == R.POLICE:
        return rng.choice([U.INDIVIDUAL_POLICE, U.INDIVIDUAL_POLICE, U.FORMED_POLICE_UNIT])
    if rank_category in (R.OFFICER, R.SENIOR_OFFICER):
        return rng.choice([U.STAFF_OFFICER, U.MILITARY_OBSERVER, U.CONTINGENT])
    return U.CONTINGENT


@dataclass
class SeedReport:
    users_created: int = 0
    institutions_created: int = 0
    trainees_created: int = 0
    courses_created: int = 0
    sessions_created: int = 0
    enrolments_created: int = 0
    certificates_issued: int = 0
    missions_created: int = 0
    profiles_created: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.users_created,
                self.institutions_created,
                self.trainees_created,
                self.courses_created,
                self.sessions_created,
                self.enrolments_created,
                self.certificates_issued,
                self.missions_created,
                self.profiles_created,
            )
        )


@transaction.atomic
def demo_seed() -> SeedReport:
    """Create the demo centre: staff accounts, institutions, about 60 trainees, their
    training (courses.demo: the catalogue, sessions from last year to the coming months, and
    the certificates of those past), and the readiness reference data (the UN missions and the
    deployment profiles).

    Idempotent: what exists already (looked up by username, institution name and country, or
    nationality + institution + service number; courses by code) is left exactly as it is,
    and the sessions are scheduled once.
    """
    report = SeedReport()
    staff = {
        username: _demo_user(report, username, given, surnames, role)
        for username, given, surnames, role in STAFF
    }

    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    index = 0
    observers = 0  # military observers generated so far, the demo login aside
    for spec in DEMO_INSTITUTIONS:
        before = Institution.objects.count()
        institution = institution_get_or_create(
            name=spec.name, kind=spec.kind, country=spec.country, short_name=spec.short_name
        )
        report.institutions_created += Institution.objects.count() - before
        for n in range(spec.headcount):
            # Every fourth person a woman, near the centre's real mix.
            woman = index % 4 == 1
            given = rng.choice(WOMEN_NAMES if woman else MEN_NAMES)
            pool = BRAZILIAN_SURNAMES if spec.country == "BR" else SURNAMES
            first, second = rng.sample(pool, 2)
            rank, rank_category = rng.choice(spec.ranks)
            age = rng.randint(25, 50)
            born = TODAY - datetime.timedelta(days=365 * age + rng.randint(0, 364))
            started = born + datetime.timedelta(days=365 * rng.randint(18, 23))
            service_number = f"{spec.country}{spec.kind[:2].upper()}-{10000 + index * 37 + n}"
            un_category = _un_category(rank_category, spec.kind, rng)
            email = (
                f"{_ascii(given.split()[0])}.{_ascii(first).replace(' ', '')}{index}@example.org"
            )
            login = TRAINEE_LOGINS.get(index)
            un_category = LOGIN_UN_CATEGORIES.get(login, un_category)
            cast = None
            if login in LOGIN_UN_CATEGORIES:
                cast = MIXED
            elif un_category == U.MILITARY_OBSERVER:
                cast = OBSERVER_CASTS[observers] if observers < len(OBSERVER_CASTS) else None
                observers += 1
            index += 1
            if Trainee.objects.filter(
                nationality=spec.country, institution=institution, service_number=service_number
            ).exists():
                continue
            user = (
                _demo_user(report, login, given, f"{first} {second}", Role.TRAINEE, email=email)
                if login
                else None
            )
            trainee = trainee_create(
                given_names=given,
                first_surname=first,
                second_surname=second,
                sex=Trainee.Sex.FEMALE if woman else Trainee.Sex.MALE,
                date_of_birth=born,
                nationality=spec.country,
                institution=institution,
                rank=rank,
                rank_category=rank_category,
                service_number=service_number,
                service_start_date=started,
                un_category=un_category,
                email=email,
                phone=f"+52 55 {5000 + index:04d} {1000 + index * 7:04d}",
                user=user,
            )
            report.trainees_created += 1
            if cast:
                _demo_observer_facts(trainee, cast)
            else:
                _demo_languages_and_clearances(trainee)

    training = demo_training_seed(
        by=staff["admin"],
        instructors={name: user for name, user in staff.items() if name.startswith("instructor")},
        logins={
            login: Trainee.objects.filter(user__username=login).first()
            for login in TRAINEE_LOGINS.values()
        },
    )
    report.courses_created = training.courses_created
    report.sessions_created = training.sessions_created
    report.enrolments_created = training.enrolments_created
    report.certificates_issued = training.certificates_issued
    readiness = readiness_reference_seed()  # the profiles name catalogue courses: after them
    report.missions_created = len(readiness.missions_created)
    report.profiles_created = len(readiness.profiles_created)
    return report


SPANISH_SPEAKING = {"MX", "GT", "SV", "HN", "CO", "PE", "CL", "AR", "UY", "DO", "ES"}
L = LanguageSkill.Language
C = Clearance.Kind


def _demo_languages_and_clearances(trainee: Trainee) -> None:
    """Languages and clearances in every state: valid, expiring soon, expired and missing.

    Dates count from the day of seeding (a demo's clearances should look current), and each
    trainee's come from a generator seeded with their service number, so that they do not
    depend on the order in which trainees are created.
    """
    rng = random.Random(trainee.service_number)  # noqa: S311 - demo data
    today = timezone.localdate()
    native = L.SPANISH if trainee.nationality.code in SPANISH_SPEAKING else L.PORTUGUESE
    skills = [(native, "C2")]
    if native != L.SPANISH:
        skills.append((L.SPANISH, rng.choice(["B1", "B2"])))
    if rng.random() < 0.75:
        skills.append((L.ENGLISH, rng.choice(["A2", "B1", "B1", "B2", "B2", "C1"])))
    if rng.random() < 0.25:
        skills.append((L.FRENCH, rng.choice(["A2", "B1", "B2"])))
    for language, level in skills:
        tested = today - datetime.timedelta(days=rng.randint(30, 900))
        language_skill_create(trainee=trainee, language=language, level=level, tested_on=tested)

    def lapse(kind: str, years: int) -> None:
        # Mostly valid; some expire within 90 days, some already have: every badge shows up.
        roll = rng.random()
        if roll < 0.15:
            valid_until = today - datetime.timedelta(days=rng.randint(5, 400))
        elif roll < 0.35:
            valid_until = today + datetime.timedelta(days=rng.randint(3, 85))
        else:
            valid_until = today + datetime.timedelta(days=rng.randint(120, 365 * years))
        _demo_clearance(trainee, kind, valid_until, years, rng)

    armed = trainee.rank_category != Trainee.RankCategory.CIVILIAN
    # Observers deploy unarmed: their medical is MS3.
    unarmed = not armed or trainee.un_category == Trainee.UNCategory.MILITARY_OBSERVER
    if rng.random() < 0.9:  # one in ten has no passport on file yet: "missing"
        lapse(C.PASSPORT, 10)
    if rng.random() < 0.85:
        lapse(C.MEDICAL_MS3 if unarmed else C.MEDICAL_MS2, 1)
    if rng.random() < 0.8:
        lapse(C.HR_CERTIFICATION, 2)
        lapse(C.HR_SELF_ATTESTATION, 2)
    if trainee.rank_category in (
        Trainee.RankCategory.OFFICER,
        Trainee.RankCategory.SENIOR_OFFICER,
        Trainee.RankCategory.POLICE,
    ):
        lapse(C.DRIVING_LICENCE, 5)
    if trainee.rank_category == Trainee.RankCategory.POLICE and rng.random() < 0.6:
        lapse(C.POLICE_AMS, 2)
    if armed and trainee.rank_category != Trainee.RankCategory.POLICE:
        lapse(C.WEAPONS_HANDLING, 1)


def _demo_clearance(
    trainee: Trainee, kind: str, valid_until: datetime.date, years: int, rng: random.Random
) -> None:
    """A granted clearance of ``kind`` that lasts ``years`` and ends on ``valid_until``."""
    issued_on = valid_until - datetime.timedelta(days=365 * years)
    reference = f"{kind[:3].upper()}-{rng.randint(100000, 999999)}"
    if kind == C.PASSPORT:
        reference = f"{trainee.nationality.code}{rng.randint(10000000, 99999999)}"
    details = rng.choice(["", "", "Apto sin restricciones.", "Usa lentes correctivos."])
    clearance_create(
        trainee=trainee,
        kind=kind,
        issued_on=issued_on,
        valid_until=valid_until,
        reference=reference,
        details=details if kind in (C.MEDICAL_MS2, C.MEDICAL_MS3) else "",
    )


# ------------------------------------------------------------------------------ readiness
# What the military observers hold, so that the readiness board for MINURSO (observers, French
# or English B2) has every verdict on whatever day the demo is seeded: ready; ready, but
# something lapses within 90 days; and not ready, some for the language test alone. The
# observers' courses (CPTM and UNMEM) come from courses.demo, which trains all of them. The
# casts go to the observers in the order they are generated; those past the list, and every
# other trainee, get random facts (_demo_languages_and_clearances).
READY, EXPIRING, ONLY_LANGUAGE, MIXED = "ready", "expiring", "only_language", "mixed"
OBSERVER_CASTS = (READY, ONLY_LANGUAGE, READY, EXPIRING, READY, ONLY_LANGUAGE, EXPIRING)
# Each kind's length in years, as _demo_languages_and_clearances gives it.
OBSERVER_CLEARANCES = {
    C.PASSPORT: 10,
    C.MEDICAL_MS3: 1,
    C.HR_CERTIFICATION: 2,
    C.HR_SELF_ATTESTATION: 2,
    C.DRIVING_LICENCE: 5,
    C.WEAPONS_HANDLING: 1,
}
# French or English at B2 for the ready; B1 in both for those short of the language test
# alone; and for the demo trainee French B2 but English B1: ready for the French-speaking
# missions (and, in Spanish, Colombia), not for the English-speaking ones.
OBSERVER_LANGUAGES = {
    READY: ((L.ENGLISH, "B2"), (L.FRENCH, "B2")),
    EXPIRING: ((L.ENGLISH, "C1"),),
    ONLY_LANGUAGE: ((L.ENGLISH, "B1"), (L.FRENCH, "B1")),
    MIXED: ((L.ENGLISH, "B1"), (L.FRENCH, "B2")),
}


def _demo_observer_facts(trainee: Trainee, cast: str) -> None:
    """The languages and clearances of a military observer cast as ``cast``: everything the
    observers' profile asks is valid for months (a passport for the 18 months after the
    deployment and a year more), but for one clearance that lapses within 90 days (EXPIRING)
    or the level of the language test (ONLY_LANGUAGE, MIXED)."""
    rng = random.Random(trainee.service_number)  # noqa: S311 - demo data
    today = timezone.localdate()
    native = L.SPANISH if trainee.nationality.code in SPANISH_SPEAKING else L.PORTUGUESE
    skills = [(native, "C2"), *OBSERVER_LANGUAGES[cast]]
    if native != L.SPANISH:
        skills.append((L.SPANISH, "B2"))
    for language, level in skills:
        tested = today - datetime.timedelta(days=rng.randint(30, 700))
        language_skill_create(trainee=trainee, language=language, level=level, tested_on=tested)

    lapsing = rng.choice([C.MEDICAL_MS3, C.HR_SELF_ATTESTATION, C.DRIVING_LICENCE])
    for kind, years in OBSERVER_CLEARANCES.items():
        days = rng.randint(150, 365 * years - 30)  # issued a month ago or more
        if kind == C.PASSPORT:
            days = rng.randint(900, 365 * years - 30)
        elif cast == EXPIRING and kind == lapsing:
            days = rng.randint(20, 80)
        _demo_clearance(trainee, kind, today + datetime.timedelta(days=days), years, rng)


def _demo_user(
    report: SeedReport, username: str, given: str, surnames: str, role: Role, email: str = ""
):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(
        username=username,
        first_name=given,
        last_name=surnames,
        email=email or f"{username}@cecopam.example.org",
        is_staff=role is Role.ADMINISTRATOR,
        is_superuser=role is Role.ADMINISTRATOR,
    )
    user.set_password(DEMO_PASSWORD)
    user.full_clean()
    user.save()
    user_assign_role(user=user, role=role)
    report.users_created += 1
    return user
