"""The demo centre's training: a catalogue and a year of sessions that show every case."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cecopam.demo import demo_seed
from courses.models import (
    AssessmentComponent,
    Attendance,
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
from trainees.models import Trainee

pytestmark = pytest.mark.django_db

S = CourseSession.Status
E = Enrolment.Status


def test_the_catalogue_has_a_course_in_every_category_with_weights_adding_to_100():
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


def test_past_sessions_have_final_results_with_passes_and_every_kind_of_fail():
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


def test_instructor1_teaches_a_session_in_progress_with_attendance_and_partial_scores(client):
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


def test_sessions_ahead_are_open_with_a_waitlist_planned_with_nominations_or_cancelled():
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


def test_the_demo_trainee_has_passed_failed_and_upcoming_courses(client):
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
)


def counts():
    return {
        model.__name__: (
            model.objects.count(),
            model.history.count() if hasattr(model, "history") else None,
        )
        for model in COURSE_MODELS
    }


def test_seeding_again_changes_nothing_even_on_a_later_day():
    first = demo_seed()
    seeded = counts()
    assert (first.courses_created, first.sessions_created, first.enrolments_created) == (
        seeded["Course"][0],
        seeded["CourseSession"][0],
        seeded["Enrolment"][0],
    )
    assert not demo_seed().changed
    assert counts() == seeded

    a_month_later = timezone.localdate() + datetime.timedelta(days=31)
    with mock.patch("django.utils.timezone.localdate", return_value=a_month_later):
        assert not demo_seed().changed
    assert counts() == seeded
