"""A large, varied population for readiness, written in bulk (the services would take hours
for 100,000 people): used by the query-count tests and by bench/readiness.py.

Each trainee gets, at random but reproducibly from the seed, a French and an English level,
clearances of every kind (some expired, some lapsing, some refused), and certificates of the
given courses (some expired, some revoked), so that every verdict and most findings occur.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from courses.models import Certificate, Course, CourseSession, Enrolment
from trainees.models import Clearance, Institution, LanguageSkill, Trainee

BATCH = 5_000
LEVELS = ["A2", "B1", "B2", "C1"]


def population(
    count: int, *, courses: list[Course], on: datetime.date, seed: int = 1, start: int = 0
) -> None:
    """``count`` military observers, with their languages, clearances and certificates of
    ``courses``, as they might stand on ``on``."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    institutions = [
        Institution.objects.get_or_create(
            name=name, country=country, defaults={"kind": kind, "short_name": name[:10]}
        )[0]
        for name, country, kind in (
            ("SEDENA – Ejército Mexicano", "MX", "army"),
            ("SEMAR – Armada de México", "MX", "navy"),
            ("Ejército de Guatemala", "GT", "foreign_armed_forces"),
            ("Ejército del Perú", "PE", "foreign_armed_forces"),
        )
    ]
    sessions = {
        course.pk: CourseSession.objects.create(
            code=f"{course.code}-POP-{seed}-{start}",
            course=course,
            start_date=on - datetime.timedelta(days=400),
            end_date=on - datetime.timedelta(days=396),
            venue="CECOPAM",
            capacity=count,
            language="es",
            status=CourseSession.Status.COMPLETED,
        )
        for course in courses
    }
    now = timezone.now()
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        trainees = Trainee.objects.bulk_create(
            [_trainee(rng, start + offset + i, institutions, on) for i in range(size)]
        )
        languages, clearances, enrolments = [], [], []
        for trainee in trainees:
            for language in ("fr", "en"):
                if rng.random() < 0.8:
                    languages.append(
                        LanguageSkill(trainee=trainee, language=language, level=rng.choice(LEVELS))
                    )
            for kind in Clearance.Kind.values:
                if rng.random() < 0.9:
                    clearances.append(_clearance(rng, trainee, kind, on))
            for course in courses:
                if rng.random() < 0.85:
                    enrolments.append(
                        Enrolment(
                            trainee=trainee,
                            session=sessions[course.pk],
                            status=Enrolment.Status.PASSED,
                            requested_at=now,
                        )
                    )
        LanguageSkill.objects.bulk_create(languages)
        Clearance.objects.bulk_create(clearances)
        enrolments = Enrolment.objects.bulk_create(enrolments)
        Certificate.objects.bulk_create(
            [_certificate(rng, enrolment, on) for enrolment in enrolments]
        )


def _trainee(rng: random.Random, n: int, institutions, on: datetime.date) -> Trainee:
    institution = institutions[n % len(institutions)]
    born = on - datetime.timedelta(days=rng.randint(22 * 365, 50 * 365))
    return Trainee(
        given_names=f"Persona{n}",
        first_surname=rng.choice(["García", "López", "Martínez", "Quispe", "Pérez"]),
        second_surname=rng.choice(["", "Ramírez", "Torres", "Flores"]),
        sex=rng.choice(["F", "M", "M"]),
        date_of_birth=born,
        nationality=institution.country.code,
        institution=institution,
        rank="Capitán",
        rank_category=rng.choice(["officer", "officer", "senior_officer", "nco"]),
        service_number=f"P-{n:07d}",
        service_start_date=born + datetime.timedelta(days=rng.randint(18 * 365, 24 * 365)),
        un_category=Trainee.UNCategory.MILITARY_OBSERVER,
    )


def _clearance(rng: random.Random, trainee: Trainee, kind: str, on: datetime.date) -> Clearance:
    issued = on - datetime.timedelta(days=rng.randint(30, 900))
    valid_until = on + datetime.timedelta(days=rng.randint(-200, 900))
    status = Clearance.Status.GRANTED if rng.random() < 0.95 else Clearance.Status.REFUSED
    return Clearance(
        trainee=trainee,
        kind=kind,
        status=status,
        issued_on=issued,
        valid_until=max(valid_until, issued + datetime.timedelta(days=1)),
        reference=f"R-{trainee.pk}-{kind}"[:50],
    )


def _certificate(rng: random.Random, enrolment: Enrolment, on: datetime.date) -> Certificate:
    issued = on - datetime.timedelta(days=rng.randint(30, 700))
    number = enrolment.pk
    status = Certificate.Status.ISSUED if rng.random() < 0.97 else Certificate.Status.REVOKED
    return Certificate(
        enrolment=enrolment,
        serial=f"CECOPAM-P-{number:09d}",
        code=f"{number:012d}",
        status=status,
        issued_on=issued,
        valid_until=issued + datetime.timedelta(days=rng.randint(365, 1100)),
        snapshot={},
    )
