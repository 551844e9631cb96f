"""The demo centre's training: a catalogue and a year of sessions that show every case."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cecopam.celery import app
from cecopam.demo import demo_seed
from courses.models import (
    AssessmentComponent,
    Attendance,
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    ResultsReopening,
    Score,
)
from courses.selectors import (
    attendance_grid,
    gradebook_grid,
    session_enrolments,
    session_list_for_user,
    training_history,
)
from tests.courses.pdfs import pdf_text
from trainees.models import Trainee

pytestmark = pytest.mark.django_db

S = CourseSession.Status
E = Enrolment.Status
C = Certificate.Status


@pytest.fixture
def no_broker(tmp_path):
    """Celery's broker pointed at a Redis that is not there, as when ``make run`` seeds the
    demo before it starts Redis."""
    previous = app.conf.broker_url
    app.conf.broker_url = f"redis+socket://{tmp_path / 'no-redis-here.sock'}"
    # Connections come from a pool made for the broker's URL: a new one for the new URL.
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.pool.force_close_all()
        app.conf.broker_url = previous
        app._pool = None
        app.amqp._producer_pool = None


def test_the_catalogue_has_a_course_in_every_category_with_weights_adding_to_100(
    quick_pdfs,
):
    demo_seed()
    courses = list(Course.objects.prefetch_related("components", "prerequisites"))
    assert {c.category for c in courses} == set(Course.Category.values)
    for course in courses:
        components = list(course.components.all())
        assert sum(c.weight for c in components) == 100, course.code
        assert course.title_es and course.title_en and course.description, course.code
        assert course.learning_outcomes.count("\n") >= 1, course.code
        assert Decimal(70) <= course.pass_mark <= Decimal(80), course.code
        assert 80 <= course.min_attendance_percent <= 100, course.code
    by_code = {c.code: c for c in courses}
    assert [c.critical for c in by_code["UOF"].components.all()] == [False, True]
    assert any(len(c.components.all()) == 3 for c in courses)
    cptm = by_code["CPTM"]
    for code in ("UNSOC", "UNMEM", "UNPOL"):
        assert list(by_code[code].prerequisites.all()) == [cptm]
    for code in ("CPTM", "UNSOC", "UNMEM"):
        assert by_code[code].un_recognition_reference.startswith("ITS/DPO recognition")
        assert by_code[code].un_recognition_expires_on > timezone.localdate()
    # Thematic certificates may not expire; the UN ones do.
    assert by_code["POC"].validity_months is None
    assert by_code["CPTM"].validity_months == 36


def test_past_sessions_have_final_results_with_passes_and_every_kind_of_fail(quick_pdfs):
    demo_seed()
    today = timezone.localdate()
    completed = list(CourseSession.objects.filter(status=S.COMPLETED).select_related("course"))
    assert len(completed) >= 5
    assert all(s.end_date < today and s.results_final for s in completed)

    results = list(
        Enrolment.objects.filter(session__in=completed).select_related("session__course")
    )
    passed = [e for e in results if e.status == E.PASSED]
    failed = [e for e in results if e.status == E.FAILED]
    assert len(passed) > 3 * len(failed) > 0

    def pass_mark(e):
        return e.session.course.pass_mark

    def attendance_short(e):
        return e.attendance_percent < e.session.course.min_attendance_percent

    # A critical component failed although the total would pass.
    assert any(e.failed_critical and e.total >= pass_mark(e) for e in failed)
    # Attendance alone: the scores pass.
    assert any(
        attendance_short(e) and e.total >= pass_mark(e) and not e.failed_critical for e in failed
    )
    # The total alone.
    assert any(
        e.total < pass_mark(e) and not e.failed_critical and not attendance_short(e) for e in failed
    )
    assert all(e.total >= pass_mark(e) and not attendance_short(e) for e in passed)
    assert any(e.status == E.NO_SHOW for e in results)


def test_instructor1_teaches_a_session_in_progress_with_attendance_and_partial_scores(
    client, quick_pdfs
):
    demo_seed()
    today = timezone.localdate()
    instructor1 = get_user_model().objects.get(username="instructor1")
    [session] = session_list_for_user(user=instructor1, status=S.IN_PROGRESS)
    assert session.start_date < today <= session.end_date
    client.force_login(instructor1)
    assert session.code in client.get(reverse("instructor-home")).content.decode()

    rows = attendance_grid(session=session)
    assert len(rows) >= 8
    taken = [day < today for day in session.days]
    for row in rows:
        assert [mark is not None for mark in row.cells] == taken
    marks = {mark for row in rows for mark in row.cells}
    assert {"present", "absent", "excused"} <= marks

    gradebook = gradebook_grid(session=session)
    assert all(row.cells[0] is not None for row in gradebook)
    assert any(None in row.cells for row in gradebook)
    assert not session.results_final


def test_sessions_ahead_are_open_with_a_waitlist_planned_with_nominations_or_cancelled(
    quick_pdfs,
):
    demo_seed()
    today = timezone.localdate()
    administrator = get_user_model().objects.get(username="admin")
    ahead = list(session_list_for_user(user=administrator).filter(start_date__gt=today))

    waiting = [s for s in ahead if s.status == S.OPEN and s.waitlisted]
    assert waiting
    assert all(s.seats_taken == s.capacity for s in waiting)
    planned = [s for s in ahead if s.status == S.PLANNED]
    assert planned
    nominated = [e for s in planned for e in session_enrolments(session=s)]
    assert nominated and all(e.status == E.NOMINATED for e in nominated)
    # One was nominated without the CPTM, the administrator giving the reason.
    assert any(e.prerequisite_override_by == administrator for e in nominated)
    [cancelled] = [s for s in ahead if s.status == S.CANCELLED]
    assert {e.status for e in session_enrolments(session=cancelled)} == {E.WITHDRAWN}
    codes = [s.code for s in CourseSession.objects.all()]
    assert all(code.rsplit("-", 2)[1].isdigit() for code in codes)
    assert len(set(codes)) == len(codes)


def test_the_demo_trainee_has_passed_failed_and_upcoming_courses(client, quick_pdfs):
    demo_seed()
    today = timezone.localdate()
    trainee = Trainee.objects.get(user__username="trainee")
    history = list(training_history(trainee=trainee))
    assert any(e.status == E.PASSED and e.session.course.code == "CPTM" for e in history)
    assert any(e.status == E.FAILED for e in history)
    assert any(e.status == E.CONFIRMED and e.session.start_date > today for e in history)

    client.force_login(trainee.user)
    page = client.get(reverse("portal")).content.decode()
    for enrolment in history:
        assert enrolment.session.code in page


COURSE_MODELS = (
    Course,
    AssessmentComponent,
    CourseSession,
    Enrolment,
    Attendance,
    Score,
    ResultsReopening,
    Certificate,
)


def counts():
    return {
        model.__name__: (
            model.objects.count(),
            model.history.count() if hasattr(model, "history") else None,
        )
        for model in COURSE_MODELS
    }


def test_seeding_again_changes_nothing_even_on_a_later_day(quick_pdfs):
    first = demo_seed()
    seeded = counts()
    assert (
        first.courses_created,
        first.sessions_created,
        first.enrolments_created,
        first.certificates_issued,
    ) == (
        seeded["Course"][0],
        seeded["CourseSession"][0],
        seeded["Enrolment"][0],
        seeded["Certificate"][0],
    )
    assert not demo_seed().changed
    assert counts() == seeded

    a_month_later = timezone.localdate() + datetime.timedelta(days=31)
    with mock.patch("django.utils.timezone.localdate", return_value=a_month_later):
        assert not demo_seed().changed
    assert counts() == seeded


def test_past_sessions_have_certificates_issued_some_expired_one_revoked_one_reissued(client):
    demo_seed()  # the PDFs printed for real
    today = timezone.localdate()
    administrator = get_user_model().objects.get(username="admin")
    certificates = list(
        Certificate.objects.select_related("enrolment__session", "enrolment__trainee__user")
    )

    # One certificate in force for every pass, rendered, dated the day its session ended.
    in_force = [c for c in certificates if c.status != C.SUPERSEDED]
    passes = Enrolment.objects.filter(status=E.PASSED).values_list("pk", flat=True)
    assert sorted(c.enrolment_id for c in in_force) == sorted(passes)
    assert {c.status for c in certificates} == {C.ISSUED, C.REVOKED, C.SUPERSEDED}
    assert all(c.pdf and len(c.sha256) == 64 for c in certificates)
    assert all(
        c.issued_on == c.enrolment.session.end_date for c in certificates if not c.supersedes_id
    )

    standing = {c.pk: c.standing(today) for c in certificates}
    expired = [c for c in certificates if standing[c.pk] == Certificate.Standing.EXPIRED]
    assert expired and all(c.valid_until < today for c in expired)
    assert any(  # a reminder is due soon
        today < c.valid_until <= today + datetime.timedelta(days=90)
        for c in certificates
        if standing[c.pk] == Certificate.Standing.VALID and c.valid_until
    )
    [revoked] = [c for c in certificates if c.status == C.REVOKED]
    assert revoked.revocation_reason and revoked.revoked_by == administrator
    [old] = [c for c in certificates if c.status == C.SUPERSEDED]
    new = old.superseded_by
    assert standing[new.pk] == Certificate.Standing.VALID
    assert (new.enrolment_id, new.valid_until) == (old.enrolment_id, old.valid_until)
    assert Decimal(new.snapshot["total"]) > Decimal(old.snapshot["total"])  # the correction
    assert new.enrolment.trainee.user.username == "trainee2"

    # The demo trainee's portal shows the certificates in force, and their PDFs are real.
    held = [
        c
        for c in certificates
        if c.enrolment.trainee.user and c.enrolment.trainee.user.username == "trainee"
    ]
    assert any(standing[c.pk] == Certificate.Standing.VALID for c in held)
    client.force_login(held[0].enrolment.trainee.user)
    page = client.get(reverse("portal")).text
    assert all(c.serial in page for c in held)
    with held[0].pdf.open("rb") as stored:
        text = pdf_text(stored.read()).replace("\n", " ")
    assert held[0].snapshot["holder"] in text and held[0].serial in text


def test_seeding_before_redis_runs_issues_the_certificates_all_the_same(
    no_broker, quick_pdfs, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        report = demo_seed()

    # After the commit the certificates were offered to the broker, which was not there.
    assert queued and "Could not queue" in caplog.text
    assert report.certificates_issued == Certificate.objects.count() > 100
    assert not Certificate.objects.exclude(status__in=[C.ISSUED, C.REVOKED, C.SUPERSEDED])
