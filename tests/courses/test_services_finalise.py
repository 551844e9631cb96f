"""Finalising a session's results, and reopening them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from courses.models import CourseSession, Enrolment, ResultsReopening
from courses.services import (
    attendance_save,
    enrolment_withdraw,
    gradebook_save,
    session_finalise,
    session_results_reopen,
    session_transition,
)
from tests.courses.helpers import a_session, seated

pytestmark = pytest.mark.django_db

E = Enrolment.Status
S = CourseSession.Status


@pytest.fixture(autouse=True)
def english():
    """Messages are read in English here (msgids); Spanish is the translators' business."""
    with translation.override("en"):
        yield


def record(session, by, rows):
    """Attendance and scores for each (enrolment, days present, written, practical) row; the
    other days of the session are marked excused."""
    written, practical = session.course.components.all()
    marks, scores = {}, {}
    for enrolment, present, written_score, practical_score in rows:
        for n, day in enumerate(session.days):
            marks[(enrolment.pk, day)] = "present" if n < present else "excused"
        for component, value in ((written, written_score), (practical, practical_score)):
            scores[(enrolment.pk, component.pk)] = None if value is None else Decimal(value)
    attendance_save(session=session, by=by, marks=marks)
    version = CourseSession.objects.get(pk=session.pk).gradebook_version
    gradebook_save(session=session, by=by, version=version, scores=scores)


@pytest.fixture
def cohort(instructor):
    """The Use of Force course (pass mark 70, attendance 90 %, practical test critical), a
    session of five days with four seated trainees, one waitlisted and one withdrawn."""
    session = a_session(status="open", capacity=4)
    enrolments = seated(session, 6)
    enrolment_withdraw(enrolment=enrolments[5])
    session = session_transition(session=session, to=S.IN_PROGRESS)
    return session, enrolments


def reloaded(enrolment) -> Enrolment:
    return Enrolment.objects.get(pk=enrolment.pk)


def test_finalising_gives_each_seated_trainee_a_result_and_completes_the_session(
    cohort, instructor
):
    session, (ana, beto, caro, dani, waiting, withdrawn) = cohort
    record(
        session,
        instructor,
        [
            (ana, 5, 80, 90),  # 32 + 54 = 86: passed
            (beto, 5, 100, 65),  # 40 + 39 = 79, but the critical practical test failed
            (caro, 5, 60, 70),  # 24 + 42 = 66: under the pass mark
            (dani, 4, 100, 100),  # 100, but 4 days of 5 is 80 % (an excused day is not there)
        ],
    )
    session_finalise(session=session, by=instructor)

    results = {
        e.pk: (e.status, e.total, e.attendance_percent, e.failed_critical)
        for e in map(reloaded, [ana, beto, caro, dani])
    }
    assert results == {
        ana.pk: (E.PASSED, Decimal("86.00"), Decimal("100.00"), False),
        beto.pk: (E.FAILED, Decimal("79.00"), Decimal("100.00"), True),
        caro.pk: (E.FAILED, Decimal("66.00"), Decimal("100.00"), False),
        dani.pk: (E.FAILED, Decimal("100.00"), Decimal("80.00"), False),
    }
    for enrolment, status in ((waiting, E.WAITLISTED), (withdrawn, E.WITHDRAWN)):
        enrolment = reloaded(enrolment)
        assert (enrolment.status, enrolment.total, enrolment.attendance_percent) == (
            status,
            None,
            None,
        )
    session.refresh_from_db()
    assert session.status == S.COMPLETED
    assert session.results_finalised_by == instructor
    assert session.results_finalised_at is not None
    assert session.results_final
    latest = Enrolment.history.filter(id=ana.pk).latest()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        E.PASSED,
        instructor,
        "Results finalised",
    )


def test_a_no_show_gets_no_result(cohort, instructor):
    session, (ana, beto, caro, dani, waiting, _withdrawn) = cohort
    enrolment_withdraw(enrolment=beto, no_show=True)  # the waitlisted trainee takes the seat
    record(session, instructor, [(e, 5, 100, 100) for e in (ana, caro, dani, waiting)])
    session_finalise(session=session, by=instructor)
    assert reloaded(beto).status == E.NO_SHOW
    assert reloaded(beto).total is None
    assert reloaded(waiting).status == E.PASSED


def test_missing_scores_are_refused_naming_who_and_which_components(cohort, instructor):
    session, (ana, beto, caro, dani, *_rest) = cohort
    record(
        session,
        instructor,
        [(ana, 5, 80, 90), (beto, 5, None, 80), (caro, 5, None, None), (dani, 5, 70, 70)],
    )
    with pytest.raises(ValidationError) as refused:
        session_finalise(session=session, by=instructor)
    messages = refused.value.messages
    assert "missing" in messages[0]
    assert messages[1:] == [
        f"{beto.trainee.full_name}: Written exam",
        f"{caro.trainee.full_name}: Written exam, Practical scenario",
    ]
    session.refresh_from_db()
    assert session.status == S.IN_PROGRESS
    assert not session.results_final
    assert {reloaded(e).status for e in (ana, beto, caro, dani)} == {E.CONFIRMED}


def test_a_cleared_score_counts_as_missing(cohort, instructor):
    session, (ana, beto, caro, dani, *_rest) = cohort
    record(session, instructor, [(e, 5, 80, 80) for e in (ana, beto, caro, dani)])
    written = session.course.components.first()
    version = CourseSession.objects.get(pk=session.pk).gradebook_version
    gradebook_save(
        session=session, by=instructor, version=version, scores={(dani.pk, written.pk): None}
    )
    with pytest.raises(ValidationError) as refused:
        session_finalise(session=session, by=instructor)
    assert refused.value.messages[1:] == [f"{dani.trainee.full_name}: Written exam"]


@pytest.mark.parametrize("status", ["planned", "open", "cancelled"])
def test_only_a_session_in_progress_is_finalised(status, instructor):
    session = a_session(status=status)
    with pytest.raises(ValidationError) as refused:
        session_finalise(session=session, by=instructor)
    assert session.code in refused.value.messages[0]
    session.refresh_from_db()
    assert session.status == status
    assert not session.results_final


def test_finalised_results_are_not_finalised_twice(cohort, instructor):
    session, enrolments = cohort
    record(session, instructor, [(e, 5, 100, 100) for e in enrolments[:4]])
    session_finalise(session=session, by=instructor)
    first = CourseSession.objects.get(pk=session.pk).results_finalised_at
    with pytest.raises(ValidationError):
        session_finalise(session=session, by=instructor)
    assert CourseSession.objects.get(pk=session.pk).results_finalised_at == first


def test_a_session_without_seated_trainees_has_nothing_to_finalise(instructor):
    session = a_session(status="in_progress")
    with pytest.raises(ValidationError) as refused:
        session_finalise(session=session, by=instructor)
    assert "nothing to finalise" in refused.value.messages[0]
    assert CourseSession.objects.get(pk=session.pk).status == S.IN_PROGRESS


# ------------------------------------------------------------------ reopening
@pytest.fixture
def finalised(cohort, instructor):
    session, enrolments = cohort
    record(
        session,
        instructor,
        [(enrolments[0], 5, 100, 100), *[(e, 5, 50, 50) for e in enrolments[1:4]]],
    )
    return session_finalise(session=session, by=instructor), enrolments


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_reopening_needs_a_reason(finalised, administrator, reason):
    session, enrolments = finalised
    with pytest.raises(ValidationError) as refused:
        session_results_reopen(session=session, by=administrator, reason=reason)
    assert "reason" in refused.value.message_dict
    session.refresh_from_db()
    assert session.status == S.COMPLETED
    assert session.results_final
    assert not ResultsReopening.objects.exists()
    assert reloaded(enrolments[0]).status == E.PASSED


def test_reopening_records_who_and_why_clears_the_results_and_resumes_the_session(
    finalised, administrator
):
    session, enrolments = finalised
    session_results_reopen(
        session=session, by=administrator, reason="  Practical test re-marked after appeal  "
    )
    reopening = ResultsReopening.objects.get()
    assert (reopening.session, reopening.reopened_by, reopening.reason) == (
        session,
        administrator,
        "Practical test re-marked after appeal",
    )
    session.refresh_from_db()
    assert session.status == S.IN_PROGRESS
    assert not session.results_final
    assert session.results_finalised_by is None
    for enrolment in map(reloaded, enrolments[:4]):
        assert (enrolment.status, enrolment.total, enrolment.attendance_percent) == (
            E.CONFIRMED,
            None,
            None,
        )
        assert not enrolment.failed_critical
    assert reloaded(enrolments[4]).status == E.WAITLISTED
    assert reloaded(enrolments[5]).status == E.WITHDRAWN
    latest = Enrolment.history.filter(id=enrolments[0].pk).latest()
    assert latest.history_user == administrator
    assert "Practical test re-marked" in latest.history_change_reason


def test_results_that_are_not_final_cannot_be_reopened(cohort, administrator):
    session, _enrolments = cohort
    with pytest.raises(ValidationError) as refused:
        session_results_reopen(session=session, by=administrator, reason="Why not")
    assert "not final" in refused.value.messages[0]
    assert not ResultsReopening.objects.exists()


def test_after_reopening_scores_change_and_finalising_again_gives_new_results(
    finalised, administrator, instructor
):
    session, enrolments = finalised
    beto = enrolments[1]
    assert reloaded(beto).status == E.FAILED
    session_results_reopen(session=session, by=administrator, reason="Appeal upheld")
    written, practical = session.course.components.all()
    version = CourseSession.objects.get(pk=session.pk).gradebook_version
    gradebook_save(
        session=session,
        by=instructor,
        version=version,
        scores={(beto.pk, written.pk): Decimal(90), (beto.pk, practical.pk): Decimal(80)},
    )
    session_finalise(session=session, by=administrator)
    beto = reloaded(beto)
    assert (beto.status, beto.total, beto.failed_critical) == (E.PASSED, Decimal("84.00"), False)
    assert reloaded(enrolments[0]).status == E.PASSED
    session.refresh_from_db()
    assert session.status == S.COMPLETED
    assert session.results_finalised_by == administrator
    assert session.reopenings.count() == 1


def test_a_reopening_reason_longer_than_the_history_keeps_it_whole(finalised, administrator):
    session, _enrolments = finalised
    reason = "Re-marked: " + "the examiner's sheet was misread. " * 10
    session_results_reopen(session=session, by=administrator, reason=reason)
    assert ResultsReopening.objects.get().reason == reason.strip()


def test_attendance_is_taken_on_weekdays_only():
    session = a_session(start_date=datetime.date(2026, 3, 6), end_date=datetime.date(2026, 3, 9))
    assert session.days == [datetime.date(2026, 3, 6), datetime.date(2026, 3, 9)]
