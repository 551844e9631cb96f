"""Readiness in bulk: the facts gathered for the engine, the board's counts and filters, and a
fixed number of queries whatever the number of trainees."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from courses.models import Certificate, Course
from readiness.engine import Code, Verdict
from readiness.models import DeploymentProfile, Mission
from readiness.seeding import readiness_reference_seed
from readiness.selectors import readiness_board, readiness_of_trainee, readiness_rows
from tests.courses.helpers import a_course
from tests.readiness.population import population
from tests.trainees.helpers import a_trainee
from trainees.models import Clearance, LanguageSkill, Trainee

pytestmark = pytest.mark.django_db

ON = datetime.date(2027, 3, 1)
_NUMBERS = itertools.count(1)
OBSERVER = "Military Observer / Expert on Mission"
U = Trainee.UNCategory


@pytest.fixture
def minurso():
    return seed_minurso()


def seed_minurso():
    """The catalogue's readiness courses and the reference data; MINURSO and the military
    observers' profile."""
    for code in ("CPTM", "UNPOL", "UNMEM", "UNSOC", "UOF"):
        a_course(code, title_en=f"{code} course", title_es=f"Curso {code}")
    readiness_reference_seed()
    return Mission.objects.get(acronym="MINURSO"), DeploymentProfile.objects.get(name_en=OBSERVER)


def an_observer(n=0, **overrides):
    fields = {
        "un_category": U.MILITARY_OBSERVER,
        "date_of_birth": datetime.date(1990, 5, 5),
        "service_start_date": datetime.date(2010, 1, 1),
    }
    fields.update(overrides)
    return a_trainee(n, **fields)


def ready_observer(n=0, *, french="B2", **overrides):
    """An observer who meets every requirement of the seeded profile for MINURSO on ON."""
    trainee = an_observer(n, **overrides)
    if french:
        LanguageSkill.objects.create(trainee=trainee, language="fr", level=french)
    for kind in (
        Clearance.Kind.MEDICAL_MS3,
        Clearance.Kind.HR_CERTIFICATION,
        Clearance.Kind.HR_SELF_ATTESTATION,
        Clearance.Kind.DRIVING_LICENCE,
    ):
        granted(trainee, kind, valid_until=datetime.date(2029, 1, 1))
    granted(trainee, Clearance.Kind.PASSPORT, valid_until=datetime.date(2032, 1, 1))
    for code in ("CPTM", "UNMEM"):
        certificate(trainee, code, valid_until=datetime.date(2029, 1, 1))
    return trainee


def granted(trainee, kind, *, valid_until, issued_on=datetime.date(2026, 1, 10), **fields):
    return Clearance.objects.create(
        trainee=trainee,
        kind=kind,
        status=fields.pop("status", Clearance.Status.GRANTED),
        issued_on=issued_on,
        valid_until=valid_until,
        reference=f"{kind}-{trainee.pk}-{valid_until}",
    )


def certificate(trainee, code, *, valid_until, issued_on=datetime.date(2026, 2, 1), **fields):
    """A certificate of course ``code`` for the trainee, through a passed enrolment of a
    session of its own (written directly: what counts here is only what it says)."""
    from courses.models import CourseSession, Enrolment

    course = Course.objects.get(code=code)
    number = next(_NUMBERS)
    session = CourseSession.objects.create(
        code=f"{code}-T-{number}",
        course=course,
        start_date=issued_on - datetime.timedelta(days=5),
        end_date=issued_on - datetime.timedelta(days=1),
        venue="CECOPAM",
        capacity=5,
        language="es",
        status="completed",
    )
    enrolment = Enrolment.objects.create(
        trainee=trainee, session=session, status="passed", requested_at=session.created_at
    )
    return Certificate.objects.create(
        enrolment=enrolment,
        serial=f"CECOPAM-T-{number:06d}",
        code=f"T{number:011d}",
        status=fields.pop("status", Certificate.Status.ISSUED),
        issued_on=issued_on,
        valid_until=valid_until,
        snapshot={},
    )


def verdict_of(trainee, mission, profile, on=ON):
    (row,) = readiness_rows(
        trainees=Trainee.objects.filter(pk=trainee.pk),
        requirements=profile.requirements(),
        mission=mission.facts(),
        on=on,
    )
    return row.readiness


# ------------------------------------------------------------------ the facts


def test_an_observer_with_everything_is_ready(minurso):
    mission, profile = minurso
    trainee = ready_observer()
    assert verdict_of(trainee, mission, profile).verdict == Verdict.READY


def test_only_granted_clearances_issued_by_the_date_count_and_the_longest_is_kept(minurso):
    mission, profile = minurso
    trainee = ready_observer()
    Clearance.objects.filter(trainee=trainee, kind=Clearance.Kind.MEDICAL_MS3).delete()
    # Refused, pending, and granted only after the date: none of them counts.
    granted(trainee, "medical_ms3", valid_until=datetime.date(2030, 1, 1), status="refused")
    granted(trainee, "medical_ms3", valid_until=datetime.date(2030, 1, 2), status="pending")
    granted(
        trainee, "medical_ms3", valid_until=datetime.date(2030, 1, 3), issued_on=ON.replace(day=2)
    )
    readiness = verdict_of(trainee, mission, profile)
    assert [(f.code, f.subject) for f in readiness.findings] == [
        (Code.CLEARANCE_MISSING, "medical_ms3")
    ]
    # Of two granted ones, the one lasting longer decides: an expired one changes nothing.
    granted(trainee, "medical_ms3", valid_until=datetime.date(2026, 12, 31))
    granted(trainee, "medical_ms3", valid_until=datetime.date(2028, 12, 31))
    assert verdict_of(trainee, mission, profile).verdict == Verdict.READY


def test_revoked_superseded_and_later_certificates_do_not_qualify(minurso):
    mission, profile = minurso
    trainee = ready_observer()
    Certificate.objects.filter(
        enrolment__trainee=trainee, enrolment__session__course__code="UNMEM"
    ).delete()
    certificate(trainee, "UNMEM", valid_until=datetime.date(2030, 1, 1), status="revoked")
    certificate(trainee, "UNMEM", valid_until=datetime.date(2030, 1, 1), status="superseded")
    certificate(
        trainee, "UNMEM", valid_until=datetime.date(2030, 1, 1), issued_on=ON.replace(day=2)
    )
    readiness = verdict_of(trainee, mission, profile)
    assert [(f.code, f.subject) for f in readiness.findings] == [(Code.COURSE_MISSING, "UNMEM")]
    # A certificate whose PDF is still being printed is a pass all the same.
    certificate(trainee, "UNMEM", valid_until=datetime.date(2030, 1, 1), status="pending")
    assert verdict_of(trainee, mission, profile).verdict == Verdict.READY


def test_the_best_certificate_of_a_course_decides(minurso):
    mission, profile = minurso
    trainee = ready_observer()
    certificate(trainee, "CPTM", valid_until=datetime.date(2027, 1, 1))  # expired by ON
    assert verdict_of(trainee, mission, profile).verdict == Verdict.READY
    Certificate.objects.filter(
        valid_until=datetime.date(2029, 1, 1), enrolment__session__course__code="CPTM"
    ).delete()
    readiness = verdict_of(trainee, mission, profile)
    assert [(f.code, f.on) for f in readiness.findings] == [
        (Code.COURSE_EXPIRED, datetime.date(2027, 1, 1))
    ]


# ------------------------------------------------------------------ the board


def test_the_board_counts_filters_and_finds_who_lacks_only_french(minurso):
    mission, profile = minurso
    ready_observer(0)
    only_french = ready_observer(1, french="B1", given_names="Ana", sex="F")
    no_french = ready_observer(2, french=None)
    Clearance.objects.filter(trainee=no_french, kind="driving_licence").delete()
    expiring = ready_observer(3, nationality="GT")
    Clearance.objects.filter(trainee=expiring, kind="driving_licence").update(
        valid_until=ON + datetime.timedelta(days=30)
    )
    an_observer(4, un_category=U.INDIVIDUAL_POLICE)  # not in this profile's pool

    board = readiness_board(mission=mission, profile=profile, on=ON)
    assert board.total == 4
    assert board.counts == {Verdict.READY: 1, Verdict.READY_EXPIRING: 1, Verdict.NOT_READY: 2}
    assert board.by_nationality["GT"] == {Verdict.READY_EXPIRING: 1}
    assert board.by_sex["F"] == {Verdict.NOT_READY: 1}
    assert board.lacking["language"] == 2
    assert board.lacking["clearance:driving_licence"] == 1
    with translation.override("en"):
        requirements = readiness_board(mission=mission, profile=profile, on=ON).requirements
    assert ("language", "French or English test, B2 or above") in requirements

    lacking_french = readiness_board(mission=mission, profile=profile, on=ON, lacks="language")
    assert {r.trainee_id for r in lacking_french.rows} == {only_french.pk, no_french.pk}
    only = readiness_board(mission=mission, profile=profile, on=ON, lacks="language", only=True)
    assert [r.trainee_id for r in only.rows] == [only_french.pk]
    assert only.counts == board.counts  # the filters narrow the list, not the counts
    expiring_rows = readiness_board(
        mission=mission, profile=profile, on=ON, verdict=Verdict.READY_EXPIRING
    ).rows
    assert [r.trainee_id for r in expiring_rows] == [expiring.pk]


def test_a_closed_mission_makes_everyone_not_ready(minurso):
    _, profile = minurso
    ready_observer()
    minusma = Mission.objects.get(acronym="MINUSMA")
    board = readiness_board(mission=minusma, profile=profile, on=ON)
    assert board.counts == {Verdict.NOT_READY: 1}
    assert board.lacking["mission"] == 1


def board_queries(mission, profile) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        board = readiness_board(mission=mission, profile=profile, on=ON)
    return len(captured.captured_queries), board.total


def test_the_board_runs_the_same_queries_for_100_and_for_5000_trainees(minurso):
    mission, profile = minurso
    courses = list(Course.objects.filter(code__in=["CPTM", "UNMEM"]))
    population(100, courses=courses, on=ON)
    few, total = board_queries(mission, profile)
    assert total == 100
    population(4_900, courses=courses, on=ON, seed=2, start=100)
    many, total = board_queries(mission, profile)
    assert total == 5_000
    # The profile's courses, the trainees, their languages, clearances and certificates.
    assert many == few == 5
    counts = readiness_board(mission=mission, profile=profile, on=ON).counts
    assert all(counts[v] > 0 for v in Verdict.values), counts


def test_a_trainee_sees_each_profile_of_their_category_for_each_active_mission(minurso):
    trainee = ready_observer()
    with CaptureQueriesContext(connection) as captured:
        results = readiness_of_trainee(trainee=trainee, on=ON)
    # Profiles, their courses, the missions; the trainee's languages, clearances, certificates.
    assert len(captured.captured_queries) == 6
    # The record page and the portal prefetch languages and clearances; the profiles and
    # missions are in the cache by now: only the certificates are read.
    trainee = Trainee.objects.prefetch_related("languages", "clearances").get(pk=trainee.pk)
    with CaptureQueriesContext(connection) as captured:
        assert readiness_of_trainee(trainee=trainee, on=ON) == results
    assert len(captured.captured_queries) == 1
    missions = {m.acronym for _, m, _ in results}
    assert "MINUSMA" not in missions  # closed: not offered
    assert {p.name_en for p, _, _ in results} == {OBSERVER}
    by_mission = {m.acronym: r for _, m, r in results}
    assert by_mission["MINURSO"].verdict == Verdict.READY
    # UNTSO works in English only, which this observer has not been tested in.
    assert {f.code for f in by_mission["UNTSO"].findings} == {Code.LANGUAGE_MISSING}


def test_one_trainee_s_readiness_agrees_with_the_board_for_everyone(minurso):
    """The portal and the record page judge one person from their own rows; the board judges
    thousands in bulk. On a varied population (refused and future clearances, revoked and
    expired certificates) both say the same of each person."""
    mission, profile = minurso
    population(300, courses=list(profile.required_courses.all()), on=ON)
    board = {
        row.trainee_id: row.readiness
        for row in readiness_rows(
            trainees=Trainee.objects.all(),
            requirements=profile.requirements(),
            mission=mission.facts(),
            on=ON,
        )
    }
    assert len({readiness.verdict for readiness in board.values()}) == 3
    for trainee in Trainee.objects.prefetch_related("languages", "clearances"):
        [own] = [
            readiness
            for p, m, readiness in readiness_of_trainee(trainee=trainee, on=ON)
            if p == profile and m == mission
        ]
        assert own == board[trainee.pk], trainee


def test_a_trainee_s_readiness_follows_changes_to_profiles_missions_and_courses(minurso):
    mission, profile = minurso
    trainee = ready_observer()

    def verdict():
        results = readiness_of_trainee(trainee=trainee, on=ON)
        return {m.acronym: r for p, m, r in results if p == profile}["MINURSO"]

    assert verdict().verdict == Verdict.READY
    profile.min_language_level = "C1"
    profile.save()
    assert {f.code for f in verdict().findings} == {Code.LANGUAGE_BELOW}
    profile.min_language_level = "B2"
    profile.save()
    profile.required_courses.add(Course.objects.get(code="UOF"))
    assert {f.code for f in verdict().findings} == {Code.COURSE_MISSING}
    profile.required_courses.remove(Course.objects.get(code="UOF"))
    assert verdict().verdict == Verdict.READY
    mission.status = Mission.Status.CLOSED
    mission.closed_on = datetime.date(2027, 1, 31)
    mission.save()
    assert "MINURSO" not in {m.acronym for _, m, _ in readiness_of_trainee(trainee=trainee, on=ON)}


def test_without_redis_profiles_can_be_saved_and_readiness_is_read_from_the_rows(
    minurso, settings, tmp_path
):
    """``make run`` seeds missions and profiles before its Redis starts; a Redis outage must
    not stop an administrator saving a profile or a trainee's page showing readiness."""
    mission, profile = minurso
    trainee = ready_observer()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"unix://{tmp_path / 'no-redis-here.sock'}",
        }
    }

    profile.min_language_level = "C1"
    profile.save()
    mission.save()

    results = readiness_of_trainee(trainee=trainee, on=ON)
    found = {m.acronym: r for p, m, r in results if p == profile}["MINURSO"]
    assert {f.code for f in found.findings} == {Code.LANGUAGE_BELOW}
