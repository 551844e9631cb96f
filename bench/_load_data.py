"""The centre that bench/load.py serves: some five years of work, written in bulk.

10,000 trainees (with their languages and clearances), the demo's course catalogue, 1,000
sessions (four a week: past ones completed, the last weeks running, open or planned),
50,000 enrolments and a certificate, with its verification code and printed snapshot, for
every pass (some 35,000, a few revoked, the older ones expired), the readiness reference
data, and an administrator.

The services would take an hour for this: rows go in with ``bulk_create``, without history
records, attendance or scores, which none of the pages under load reads. What the pages read
is made as the services make it: the snapshot by ``certificate_snapshot``, the serials per
year with their counters, the search text by the trainees' own bulk write. The dates count
from today, so that the certificates and clearances stand today as they would in a real
centre; everything else comes from a seeded random generator and is the same on every run.
Each trainee is in one session of each block of 200 (a block is 50 weeks), so nobody is in
two sessions on overlapping dates; prerequisites and who may take which course are not
checked: this is load, not a story.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from cecopam.dates import months_later
from cecopam.demo import DEMO_INSTITUTIONS, MEN_NAMES, SURNAMES, WOMEN_NAMES
from cecopam.roles import Role
from cecopam.services import user_assign_role
from courses.demo import demo_catalogue
from courses.models import Certificate, CertificateSerial, Course, CourseSession, Enrolment
from courses.services import course_create
from courses.services.certificates import certificate_snapshot
from courses.verification_codes import ALPHABET, LENGTH
from readiness.models import DeploymentProfile, Mission
from readiness.seeding import readiness_reference_seed
from trainees.models import Clearance, Institution, LanguageSkill, Trainee

TRAINEES = 10_000
SESSIONS = 1_000
PER_SESSION = 50  # 50,000 enrolments
SESSIONS_A_WEEK = 4
BLOCK = TRAINEES // PER_SESSION  # sessions that seat every trainee once: 200, or 50 weeks
FUTURE_WEEKS = 12  # the last weeks of sessions are still to come (or running)
BATCH = 5_000
MINIMUM_CERTIFICATES = 30_000

# The board under load: who of the military observers is ready for MINURSO in three months.
BOARD_MISSION = "MINURSO"
BOARD_PROFILE = "Military Observer / Expert on Mission"
BOARD_DAYS_AHEAD = 90

# Courses a session teaches, by weight: every profile asks for the core training (CPTM).
COURSE_WEIGHTS = {"CPTM": 6, "UNMEM": 3, "UNSOC": 3, "UNPOL": 2, "UOF": 3, "ENG-B2": 2}
SPANISH_SPEAKING = {"MX", "GT", "SV", "HN", "CO", "PE", "CL", "AR", "UY", "DO", "ES"}
LEVELS = ["A2", "B1", "B2", "B2", "C1"]
R = Trainee.RankCategory
U = Trainee.UNCategory
S = CourseSession.Status
E = Enrolment.Status


@dataclass(frozen=True)
class LoadData:
    administrator: object  # a user in the administrators' group
    certificate: Certificate  # issued and valid today: the verification page's
    mission: Mission
    profile: DeploymentProfile
    on: datetime.date  # the board's deployment date
    counts: dict[str, int]


def load_data_seed(*, seed: int = 1) -> LoadData:
    """Write the whole centre; return what the pages under load are asked about."""
    rng = random.Random(seed)  # noqa: S311 (bench data, not secrets)
    today = timezone.localdate()
    on = today + datetime.timedelta(days=BOARD_DAYS_AHEAD)
    administrator = get_user_model().objects.create_user(
        "bench.admin", first_name="Bench", last_name="Administrator"
    )
    user_assign_role(user=administrator, role=Role.ADMINISTRATOR)

    courses = _catalogue(today)
    readiness_reference_seed()  # its profiles name catalogue courses: after them
    trainees = _trainees(rng, today, on)
    sessions = _sessions(rng, today, courses)
    enrolments = _enrolments(rng, sessions, trainees, by=administrator)
    _certificates(rng, enrolments, by=administrator)

    counts = {
        "trainees": Trainee.objects.count(),
        "sessions": CourseSession.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "certificates": Certificate.objects.count(),
    }
    if counts["certificates"] < MINIMUM_CERTIFICATES:
        raise RuntimeError(f"only {counts['certificates']} certificates were written")
    valid = (
        Certificate.objects.filter(status=Certificate.Status.ISSUED, valid_until__gte=today)
        .order_by("serial")
        .first()
    )
    if valid is None:
        raise RuntimeError("no certificate is valid today")
    return LoadData(
        administrator=administrator,
        certificate=valid,
        mission=Mission.objects.get(acronym=BOARD_MISSION),
        profile=DeploymentProfile.objects.get(name_en=BOARD_PROFILE),
        on=on,
        counts=counts,
    )


def _catalogue(today: datetime.date) -> dict[str, Course]:
    """The demo centre's courses, through the service."""
    courses: dict[str, Course] = {}
    for fields in demo_catalogue(today):
        prerequisites = [courses[code] for code in fields.pop("prerequisites", ())]
        course = course_create(**fields, prerequisites=prerequisites)
        courses[course.code] = course
    return courses


# ---------------------------------------------------------------------------- trainees
def _trainees(rng: random.Random, today: datetime.date, on: datetime.date) -> list[Trainee]:
    institutions = [
        (
            Institution.objects.create(
                name=spec.name, short_name=spec.short_name, kind=spec.kind, country=spec.country
            ),
            spec,
        )
        for spec in DEMO_INSTITUTIONS
    ]
    weights = [spec.headcount for _, spec in institutions]
    trainees: list[Trainee] = []
    for offset in range(0, TRAINEES, BATCH):
        batch = Trainee.objects.bulk_create(
            [
                _trainee(rng, n, *rng.choices(institutions, weights)[0], today=today)
                for n in range(offset, min(offset + BATCH, TRAINEES))
            ]
        )
        languages, clearances = [], []
        for trainee in batch:
            languages.extend(_languages(rng, trainee))
            clearances.extend(_clearances(rng, trainee, on))
        LanguageSkill.objects.bulk_create(languages)
        Clearance.objects.bulk_create(clearances)
        trainees.extend(batch)
    return trainees


def _trainee(
    rng: random.Random, n: int, institution: Institution, spec, *, today: datetime.date
) -> Trainee:
    rank, rank_category = rng.choice(spec.ranks)
    sex = "F" if rng.random() < 0.22 else "M"
    born = today - datetime.timedelta(days=rng.randint(22 * 365, 55 * 365))
    return Trainee(
        given_names=rng.choice(WOMEN_NAMES if sex == "F" else MEN_NAMES),
        first_surname=rng.choice(SURNAMES),
        second_surname=rng.choice(SURNAMES),
        sex=sex,
        date_of_birth=born,
        nationality=spec.country,
        institution=institution,
        rank=rank,
        rank_category=rank_category,
        service_number=f"L-{n:07d}",
        service_start_date=born + datetime.timedelta(days=rng.randint(18 * 365, 21 * 365)),
        un_category=_un_category(rng, rank_category),
    )


def _un_category(rng: random.Random, rank_category: str) -> str:
    if rank_category == R.CIVILIAN:
        return U.CIVILIAN
    if rank_category == R.POLICE:
        return rng.choice([U.INDIVIDUAL_POLICE, U.INDIVIDUAL_POLICE, U.FORMED_POLICE_UNIT])
    if rank_category in (R.OFFICER, R.SENIOR_OFFICER):
        return rng.choice([U.MILITARY_OBSERVER, U.MILITARY_OBSERVER, U.STAFF_OFFICER, U.CONTINGENT])
    return U.CONTINGENT


def _languages(rng: random.Random, trainee: Trainee) -> list[LanguageSkill]:
    levels = {"es": "C2"} if trainee.nationality.code in SPANISH_SPEAKING else {}
    if rng.random() < 0.75:
        levels["en"] = rng.choice(LEVELS)
    if rng.random() < 0.35:
        levels["fr"] = rng.choice(LEVELS)
    return [
        LanguageSkill(trainee=trainee, language=language, level=level)
        for language, level in levels.items()
    ]


def _clearances(rng: random.Random, trainee: Trainee, on: datetime.date) -> list[Clearance]:
    """Most kinds, held by most: some expired, some lapsing around the board's date, a few
    refused."""
    clearances = []
    for kind in Clearance.Kind.values:
        if rng.random() < 0.08:
            continue
        issued = on - datetime.timedelta(days=rng.randint(120, 1_100))
        valid_until = on + datetime.timedelta(days=rng.randint(-200, 1_500))
        clearances.append(
            Clearance(
                trainee=trainee,
                kind=kind,
                status=Clearance.Status.GRANTED
                if rng.random() < 0.95
                else Clearance.Status.REFUSED,
                issued_on=issued,
                valid_until=max(valid_until, issued + datetime.timedelta(days=30)),
                reference=f"{kind[:3].upper()}-{trainee.service_number}",
            )
        )
    return clearances


# ---------------------------------------------------------------------------- training
def _sessions(
    rng: random.Random, today: datetime.date, courses: dict[str, Course]
) -> list[CourseSession]:
    """Four sessions a week, Monday to Friday, ending FUTURE_WEEKS weeks from now."""
    monday = today - datetime.timedelta(days=today.weekday())
    first = monday - datetime.timedelta(weeks=SESSIONS // SESSIONS_A_WEEK - FUTURE_WEEKS)
    codes, weights = list(COURSE_WEIGHTS), list(COURSE_WEIGHTS.values())
    codes += [code for code in courses if code not in COURSE_WEIGHTS]
    weights += [1] * (len(codes) - len(weights))
    numbers: Counter[tuple[str, int]] = Counter()
    sessions = []
    for n in range(SESSIONS):
        course = courses[rng.choices(codes, weights)[0]]
        start = first + datetime.timedelta(weeks=n // SESSIONS_A_WEEK)
        end = start + datetime.timedelta(days=4)
        numbers[course.code, start.year] += 1
        status = _session_status(start, end, today)
        finalised = status == S.COMPLETED
        sessions.append(
            CourseSession(
                code=f"{course.code}-{start.year}-{numbers[course.code, start.year]:02d}",
                course=course,
                start_date=start,
                end_date=end,
                venue="CECOPAM, Campo Militar 1-A",
                capacity=PER_SESSION + 10,
                language="en" if course.code == "ENG-B2" else "es",
                status=status,
                results_finalised_at=_at(end, hour=16) if finalised else None,
            )
        )
    return CourseSession.objects.bulk_create(sessions)


def _session_status(start: datetime.date, end: datetime.date, today: datetime.date) -> str:
    if end < today:
        return S.COMPLETED
    if start <= today:
        return S.IN_PROGRESS
    return S.OPEN if start <= today + datetime.timedelta(weeks=6) else S.PLANNED


def _enrolments(
    rng: random.Random, sessions: list[CourseSession], trainees: list[Trainee], *, by
) -> list[Enrolment]:
    """Each block of BLOCK sessions seats every trainee once, in a shuffled order."""
    enrolments = []
    for block in range(0, len(sessions), BLOCK):
        seated = rng.sample(trainees, len(trainees))
        for position, session in enumerate(sessions[block : block + BLOCK]):
            for trainee in seated[position * PER_SESSION : (position + 1) * PER_SESSION]:
                enrolments.append(_enrolment(rng, session, trainee, by=by))
    return Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)


def _enrolment(rng: random.Random, session: CourseSession, trainee: Trainee, *, by) -> Enrolment:
    total = attendance = None
    if session.status == S.COMPLETED:
        status = rng.choices([E.PASSED, E.FAILED, E.NO_SHOW, E.WITHDRAWN], [80, 10, 4, 6])[0]
        if status in (E.PASSED, E.FAILED):
            low, high = (70, 100) if status == E.PASSED else (35, 69)
            total = Decimal(rng.randint(low * 100, high * 100)) / 100
            attendance = Decimal(100)
    elif session.status == S.IN_PROGRESS:
        status = E.CONFIRMED
    elif session.status == S.OPEN:
        status = rng.choices([E.CONFIRMED, E.WAITLISTED], [9, 1])[0]
    else:
        status = E.NOMINATED
    return Enrolment(
        trainee=trainee,
        session=session,
        status=status,
        nominated_by=by,
        requested_at=_at(session.start_date - datetime.timedelta(days=rng.randint(20, 60))),
        total=total,
        attendance_percent=attendance,
    )


def _certificates(rng: random.Random, enrolments: list[Enrolment], *, by) -> None:
    """A certificate for every pass, issued when its session's results were finalised, with
    the year's next serial; 2 % revoked since."""
    passed = sorted(
        (e for e in enrolments if e.status == E.PASSED),
        key=lambda e: (e.session.end_date, e.session.code, e.pk),
    )
    codes: set[str] = set()
    last_serial: Counter[int] = Counter()
    certificates = []
    for enrolment in passed:
        session = enrolment.session
        issued_on = session.end_date
        months = session.course.validity_months
        last_serial[issued_on.year] += 1
        serial = f"CECOPAM-{issued_on.year}-{last_serial[issued_on.year]:06d}"
        revoked = rng.random() < 0.02
        certificates.append(
            Certificate(
                enrolment=enrolment,
                serial=serial,
                code=_new_code(rng, codes),
                status=Certificate.Status.REVOKED if revoked else Certificate.Status.ISSUED,
                issued_on=issued_on,
                valid_until=months_later(issued_on, months) if months else None,
                snapshot={**certificate_snapshot(enrolment, session), "serial": serial},
                revoked_at=_at(issued_on + datetime.timedelta(days=30)) if revoked else None,
                revoked_by=by if revoked else None,
                revocation_reason="Datos del titular corregidos." if revoked else "",
            )
        )
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    CertificateSerial.objects.bulk_create(
        CertificateSerial(year=year, last=last) for year, last in last_serial.items()
    )


def _new_code(rng: random.Random, taken: set[str]) -> str:
    """A verification code of the real form (12 characters of Crockford's base32), from the
    seeded generator and unique among those already made."""
    while (code := "".join(rng.choices(ALPHABET, k=LENGTH))) in taken:
        pass
    taken.add(code)
    return code


def _at(day: datetime.date, *, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
