"""Readiness in bulk: the verdict of 100,000 military observers for MINURSO, against merely
reading the rows it is made from.

Runs against a throwaway test database. The catalogue's readiness courses and the reference
data (missions, profiles) are created as the tests create them, then 100,000 observers with
their languages, clearances and certificates are written in bulk
(``tests.readiness.population``). What is timed is ``readiness_rows`` for the observers'
profile and MINURSO on one date, every row listed: its four queries (the trainees, their
languages, their clearances, their certificates), the facts gathered per trainee and the
engine's verdict for each. The baseline is the same four queries, their rows read with
``values_list`` into Python and dropped, nothing evaluated: the script checks that it sends
the very SQL the selector sends. Their ratio, measured in the same run, is the figure that
travels between machines.

The two take turns over several rounds (which goes first alternates), each from a collected
heap, after a warm-up of each; the medians are compared.

Prints one line per figure, ``name: value (target)``. Slowness never fails the script; only
errors do (a wrong number of rows, SQL that differs from the selector's, an exception).
"""

import datetime
import gc
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cecopam.settings.test")

import django  # noqa: E402

django.setup()

from _scratch_database import run_with_scratch_database  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PEOPLE = 100_000
ON = datetime.date(2027, 3, 1)
ROUNDS = 5  # each measure, taking turns; medians compared
OBSERVER = "Military Observer / Expert on Mission"
TARGET_VS_READING_ROWS = 2.0  # readiness time / reading its rows, at most


def seed():
    """The readiness courses, the reference data and the population; MINURSO and the
    observers' profile (its courses prefetched: ``requirements()`` runs no query)."""
    from courses.models import Course
    from readiness.models import DeploymentProfile, Mission
    from readiness.seeding import readiness_reference_seed
    from tests.courses.helpers import a_course
    from tests.readiness.population import population

    for code in ("CPTM", "UNPOL", "UNMEM", "UNSOC", "UOF"):
        a_course(code, title_en=f"{code} course", title_es=f"Curso {code}")
    readiness_reference_seed()
    profile = DeploymentProfile.objects.prefetch_related("required_courses").get(name_en=OBSERVER)
    courses = list(Course.objects.filter(deployment_profiles=profile))
    population(PEOPLE, courses=courses, on=ON)
    return Mission.objects.get(acronym="MINURSO"), profile


def readiness(mission, profile) -> int:
    from readiness.selectors import deployment_pool, readiness_rows

    rows = list(
        readiness_rows(
            trainees=deployment_pool(profile),
            requirements=profile.requirements(),
            mission=mission.facts(),
            on=ON,
        )
    )
    return len(rows)


def reading_rows(mission, profile) -> int:
    """The four queries ``readiness_rows`` runs (see ``trainee_facts``), their rows read and
    dropped."""
    from courses.models import Certificate
    from readiness.engine import ReadinessEvaluator
    from readiness.selectors import (
        _TRAINEE_FIELDS,
        QUALIFYING_CERTIFICATES,
        deployment_pool,
    )
    from trainees.models import Clearance, LanguageSkill

    requirements = profile.requirements()
    kinds = ReadinessEvaluator(
        requirements=requirements, mission=mission.facts(), on=ON
    ).clearance_kinds
    trainees = deployment_pool(profile)
    pool = trainees.order_by().values("pk")
    # Filtered in the same steps as the selector, so that the SQL is the same to the letter.
    languages = (
        LanguageSkill.objects.filter(trainee__in=pool)
        .filter(language__in=list(mission.facts().languages))
        .values_list("trainee_id", "language", "level")
    )
    clearances = (
        Clearance.objects.filter(
            trainee__in=pool, status=Clearance.Status.GRANTED, issued_on__lte=ON
        )
        .filter(kind__in=list(kinds))
        .values_list("trainee_id", "kind", "issued_on", "valid_until")
    )
    certificates = (
        Certificate.objects.filter(
            enrolment__trainee__in=pool, status__in=QUALIFYING_CERTIFICATES, issued_on__lte=ON
        )
        .filter(enrolment__session__course_id__in=[c.id for c in requirements.required_courses])
        .values_list("enrolment__trainee_id", "enrolment__session__course_id", "valid_until")
    )
    # In the selector's order: its facts first, then the trainees as it lists them.
    read = 0
    for queryset in (languages, clearances, certificates, trainees.values_list(*_TRAINEE_FIELDS)):
        read = len(list(queryset))
    return read


def same_sql(mission, profile) -> None:
    """The baseline must send what the selector sends, no more, no less."""
    with CaptureQueriesContext(connection) as selector:
        readiness(mission, profile)
    with CaptureQueriesContext(connection) as baseline:
        reading_rows(mission, profile)
    sent = [q["sql"] for q in selector.captured_queries]
    read = [q["sql"] for q in baseline.captured_queries]
    if sent != read:
        raise RuntimeError(f"the baseline's SQL is not the selector's:\n{sent}\n{read}")


def timed(measure, *args) -> float:
    gc.collect()
    start = time.perf_counter()
    count = measure(*args)
    elapsed = time.perf_counter() - start
    if count != PEOPLE:
        raise RuntimeError(f"{measure.__name__} read {count} trainees, expected {PEOPLE}")
    return elapsed


def run() -> None:
    start = time.perf_counter()
    mission, profile = seed()
    seeding = time.perf_counter() - start

    same_sql(mission, profile)  # a warm-up of each, too
    seconds = {readiness: [], reading_rows: []}
    for round_ in range(ROUNDS):
        order = [readiness, reading_rows] if round_ % 2 == 0 else [reading_rows, readiness]
        for measure in order:
            seconds[measure].append(timed(measure, mission, profile))
    evaluated = statistics.median(seconds[readiness])
    read = statistics.median(seconds[reading_rows])

    print(f"readiness_100k_seconds: {evaluated:.2f} s (target: informational)")
    print(
        f"readiness_100k_vs_reading_rows: {evaluated / read:.2f}× "
        f"(target ≤ {TARGET_VS_READING_ROWS:g}×; reading the rows {read:.2f} s)"
    )
    print(f"readiness_100k_seeding_seconds: {seeding:.1f} s (target: informational)")


def main() -> None:
    run_with_scratch_database(run)


if __name__ == "__main__":
    main()
