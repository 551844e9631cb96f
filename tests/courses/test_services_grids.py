"""The attendance sheet and the gradebook: what is saved, what is refused, and at what cost."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from courses.models import Attendance, CourseSession, Score
from courses.services import (
    attendance_save,
    gradebook_save,
    session_finalise,
    session_transition,
)
from tests.courses.helpers import a_course, a_session, seated

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY, FRIDAY = (
    datetime.date(2026, 3, 2),
    datetime.date(2026, 3, 3),
    datetime.date(2026, 3, 6),
)


@pytest.fixture(autouse=True)
def english():
    """Messages are read in English here (msgids); Spanish is the translators' business."""
    with translation.override("en"):
        yield


def in_progress(count: int = 2, *, course=None, code="UOF-2026-01", start: int = 0, **fields):
    """A session in progress with ``count`` trainees seated; returns it and their enrolments."""
    session = a_session(course=course, code=code, status="open", capacity=max(count, 1), **fields)
    enrolments = seated(session, count, start=start)
    return session_transition(session=session, to=CourseSession.Status.IN_PROGRESS), enrolments


def components(session):
    return list(session.course.components.all())


def full_marks(session, enrolments):
    return {(e.pk, c.pk): c.max_score for e in enrolments for c in components(session)}


def saved_scores(session) -> dict:
    return {
        (s.enrolment_id, s.component_id): s.value
        for s in Score.objects.filter(enrolment__session=session)
    }


def saved_marks(session) -> dict:
    return {
        (a.enrolment_id, a.day): a.status
        for a in Attendance.objects.filter(enrolment__session=session)
    }


def version_of(session) -> int:
    return CourseSession.objects.get(pk=session.pk).gradebook_version


def six_components():
    return [
        {
            "name_es": f"Parte {n}",
            "name_en": f"Part {n}",
            "weight": Decimal(weight),
            "max_score": Decimal(10),
            "pass_mark": Decimal(6),
            "critical": n == 1,
        }
        for n, weight in enumerate([20, 20, 15, 15, 15, 15], start=1)
    ]


# ------------------------------------------------------------------ attendance
def test_attendance_is_recorded_and_changed(instructor):
    session, (ana, beto) = in_progress()
    attendance_save(
        session=session,
        by=instructor,
        marks={(ana.pk, MONDAY): "present", (beto.pk, MONDAY): "absent", (ana.pk, FRIDAY): None},
    )
    assert saved_marks(session) == {(ana.pk, MONDAY): "present", (beto.pk, MONDAY): "absent"}
    attendance_save(session=session, by=instructor, marks={(beto.pk, MONDAY): "excused"})
    assert saved_marks(session) == {(ana.pk, MONDAY): "present", (beto.pk, MONDAY): "excused"}
    record = Attendance.objects.get(enrolment=beto, day=MONDAY)
    assert record.recorded_by == instructor
    assert [h.status for h in record.history.order_by("history_date", "history_id")] == [
        "absent",
        "excused",
    ]


def test_an_empty_cell_leaves_the_mark_as_it_was(instructor):
    session, (ana, _beto) = in_progress()
    attendance_save(session=session, by=instructor, marks={(ana.pk, MONDAY): "present"})
    attendance_save(session=session, by=instructor, marks={(ana.pk, MONDAY): None})
    assert saved_marks(session) == {(ana.pk, MONDAY): "present"}


def test_a_mark_that_does_not_exist_is_refused_naming_the_trainee_and_day_and_nothing_is_saved(
    instructor,
):
    session, (ana, beto) = in_progress()
    with pytest.raises(ValidationError) as refused:
        attendance_save(
            session=session,
            by=instructor,
            marks={(ana.pk, MONDAY): "present", (beto.pk, TUESDAY): "late"},
        )
    [message] = refused.value.messages
    assert beto.trainee.full_name in message
    assert "late" in message
    assert formats.date_format(TUESDAY, "SHORT_DATE_FORMAT") in message
    assert saved_marks(session) == {}


@pytest.mark.parametrize(
    "day",
    [datetime.date(2026, 3, 1), datetime.date(2026, 3, 7), datetime.date(2026, 3, 9)],
    ids=["before", "saturday", "after"],
)
def test_a_day_the_session_does_not_have_is_refused(instructor, day):
    session, (ana, _beto) = in_progress()
    with pytest.raises(ValidationError) as refused:
        attendance_save(
            session=session,
            by=instructor,
            marks={(ana.pk, MONDAY): "present", (ana.pk, day): "present"},
        )
    assert "reload" in refused.value.messages[0]
    assert saved_marks(session) == {}


def test_attendance_for_another_sessions_trainee_is_refused(instructor):
    course = a_course()
    session, (ana, _beto) = in_progress(course=course)
    other, (stranger,) = in_progress(
        1,
        course=course,
        code="UOF-B",
        start=10,
        start_date=datetime.date(2026, 4, 6),
        end_date=datetime.date(2026, 4, 10),
    )
    with pytest.raises(ValidationError):
        attendance_save(
            session=session,
            by=instructor,
            marks={(ana.pk, MONDAY): "present", (stranger.pk, MONDAY): "present"},
        )
    assert saved_marks(session) == {}
    assert saved_marks(other) == {}


def test_attendance_is_taken_only_once_the_session_is_in_progress(instructor):
    session = a_session(status="open")
    [ana] = seated(session, 1)
    with pytest.raises(ValidationError) as refused:
        attendance_save(session=session, by=instructor, marks={(ana.pk, MONDAY): "present"})
    assert "in progress" in refused.value.messages[0]
    assert saved_marks(session) == {}


# ------------------------------------------------------------------ gradebook
def test_scores_are_recorded_and_the_version_moves_on(instructor):
    session, (ana, beto) = in_progress()
    written, practical = components(session)
    gradebook_save(
        session=session,
        by=instructor,
        version=0,
        scores={(ana.pk, written.pk): Decimal("85.5"), (beto.pk, practical.pk): Decimal(0)},
    )
    assert saved_scores(session) == {
        (ana.pk, written.pk): Decimal("85.5"),
        (beto.pk, practical.pk): Decimal(0),
    }
    session.refresh_from_db()
    assert session.gradebook_version == 1
    assert session.gradebook_saved_by == instructor
    assert session.gradebook_saved_at is not None
    assert Score.objects.get(enrolment=ana).recorded_by == instructor


def test_a_score_at_the_maximum_is_accepted(instructor):
    session, enrolments = in_progress()
    gradebook_save(
        session=session, by=instructor, version=0, scores=full_marks(session, enrolments)
    )
    assert set(saved_scores(session).values()) == {Decimal(100)}


@pytest.mark.parametrize("value", [Decimal("100.01"), Decimal(-1), Decimal("-0.01")])
def test_a_score_outside_0_to_the_maximum_is_refused_naming_trainee_and_component(
    instructor, value
):
    session, (ana, beto) = in_progress()
    written, practical = components(session)
    with pytest.raises(ValidationError) as refused:
        gradebook_save(
            session=session,
            by=instructor,
            version=0,
            scores={(ana.pk, written.pk): Decimal(80), (beto.pk, practical.pk): value},
        )
    [message] = refused.value.messages
    assert beto.trainee.full_name in message
    assert "Practical scenario" in message
    assert str(value) in message
    assert "100" in message
    assert saved_scores(session) == {}
    assert version_of(session) == 0


def test_every_score_out_of_range_is_listed(instructor):
    session, (ana, beto) = in_progress()
    written, practical = components(session)
    with pytest.raises(ValidationError) as refused:
        gradebook_save(
            session=session,
            by=instructor,
            version=0,
            scores={(ana.pk, written.pk): Decimal(101), (beto.pk, practical.pk): Decimal(250)},
        )
    assert len(refused.value.messages) == 2
    assert "Written exam" in refused.value.messages[0]
    assert "Practical scenario" in refused.value.messages[1]


def test_a_score_for_another_sessions_trainee_or_course_is_refused(instructor):
    session, (ana, _beto) = in_progress()
    other_course = a_course("DIH", category="ihl")
    other, (stranger,) = in_progress(
        1,
        course=other_course,
        code="DIH-2026-01",
        start=10,
        start_date=datetime.date(2026, 4, 6),
        end_date=datetime.date(2026, 4, 10),
    )
    written = components(session)[0]
    foreign_component = components(other)[0]
    for cell in [(stranger.pk, written.pk), (ana.pk, foreign_component.pk)]:
        with pytest.raises(ValidationError) as refused:
            gradebook_save(
                session=session,
                by=instructor,
                version=0,
                scores={(ana.pk, written.pk): Decimal(50), cell: Decimal(50)},
            )
        assert "reload" in refused.value.messages[0]
    assert saved_scores(session) == {}
    assert saved_scores(other) == {}
    assert version_of(session) == 0


def test_a_stale_gradebook_is_refused_naming_who_saved_it_and_nothing_is_overwritten(
    instructor, other_instructor
):
    session, (ana, _beto) = in_progress()
    written = components(session)[0]
    # Both open the gradebook at version 0; Irma saves first.
    gradebook_save(
        session=session, by=other_instructor, version=0, scores={(ana.pk, written.pk): Decimal(90)}
    )
    with pytest.raises(ValidationError) as refused:
        gradebook_save(
            session=session, by=instructor, version=0, scores={(ana.pk, written.pk): Decimal(40)}
        )
    message = refused.value.messages[0]
    assert other_instructor.get_full_name() in message
    saved_at = CourseSession.objects.get(pk=session.pk).gradebook_saved_at
    assert formats.date_format(timezone.localtime(saved_at), "DATETIME_FORMAT") in message
    assert saved_scores(session) == {(ana.pk, written.pk): Decimal(90)}
    assert version_of(session) == 1
    # Reloaded at version 1, the change goes through.
    gradebook_save(
        session=session, by=instructor, version=1, scores={(ana.pk, written.pk): Decimal(40)}
    )
    assert saved_scores(session) == {(ana.pk, written.pk): Decimal(40)}


def test_clearing_a_score_keeps_the_row_empty_and_its_history(instructor, other_instructor):
    session, (ana, _beto) = in_progress()
    written = components(session)[0]
    gradebook_save(
        session=session, by=instructor, version=0, scores={(ana.pk, written.pk): Decimal(75)}
    )
    gradebook_save(
        session=session, by=other_instructor, version=1, scores={(ana.pk, written.pk): None}
    )
    score = Score.objects.get(enrolment=ana, component=written)
    assert score.value is None
    assert score.recorded_by == other_instructor
    history = list(score.history.order_by("history_date", "history_id"))
    assert [h.value for h in history] == [Decimal(75), None]
    assert [h.history_user for h in history] == [instructor, other_instructor]


def test_clearing_a_cell_that_was_never_filled_writes_nothing(instructor):
    session, (ana, _beto) = in_progress()
    written = components(session)[0]
    gradebook_save(session=session, by=instructor, version=0, scores={(ana.pk, written.pk): None})
    assert saved_scores(session) == {}


def test_scores_are_taken_only_once_the_session_is_in_progress(instructor):
    session = a_session(status="open")
    [ana] = seated(session, 1)
    written = components(session)[0]
    with pytest.raises(ValidationError):
        gradebook_save(
            session=session, by=instructor, version=0, scores={(ana.pk, written.pk): Decimal(1)}
        )
    assert saved_scores(session) == {}


def test_both_grids_are_read_only_once_the_results_are_final(instructor):
    session, enrolments = in_progress(1)
    gradebook_save(
        session=session, by=instructor, version=0, scores=full_marks(session, enrolments)
    )
    attendance_save(
        session=session,
        by=instructor,
        marks={(enrolments[0].pk, day): "present" for day in session.days},
    )
    session_finalise(session=session, by=instructor)
    written = components(session)[0]
    with pytest.raises(ValidationError) as refused:
        gradebook_save(
            session=session,
            by=instructor,
            version=1,
            scores={(enrolments[0].pk, written.pk): Decimal(10)},
        )
    assert "read-only" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        attendance_save(
            session=session, by=instructor, marks={(enrolments[0].pk, MONDAY): "absent"}
        )
    assert "read-only" in refused.value.messages[0]
    assert set(saved_scores(session).values()) == {Decimal(100)}
    assert set(saved_marks(session).values()) == {"present"}


# ------------------------------------------------------------------ a fixed number of queries
def grid_queries(trainees: int, code: str, by, *, start: int) -> tuple[int, int, int, int]:
    """Queries of: a first gradebook save, a second one changing every cell, a first
    attendance save, a second one changing every cell; ``trainees`` × 6 components × 5 days."""
    session, enrolments = in_progress(
        trainees, course=a_course(code, components=six_components()), code=f"{code}-01", start=start
    )
    parts = components(session)
    counts = []
    for version, value in enumerate([Decimal(7), Decimal("8.5")]):
        scores = {(e.pk, c.pk): value for e in enrolments for c in parts}
        with CaptureQueriesContext(connection) as queries:
            gradebook_save(session=session, by=by, version=version, scores=scores)
        counts.append(len(queries))
    for mark in ["present", "absent"]:
        marks = {(e.pk, day): mark for e in enrolments for day in session.days}
        with CaptureQueriesContext(connection) as queries:
            attendance_save(session=session, by=by, marks=marks)
        counts.append(len(queries))
    assert len(saved_scores(session)) == trainees * 6
    assert set(saved_scores(session).values()) == {Decimal("8.5")}
    assert len(saved_marks(session)) == trainees * 5
    assert set(saved_marks(session).values()) == {"absent"}
    return tuple(counts)


def test_saving_the_grids_of_60_trainees_takes_as_many_queries_as_for_10(instructor):
    many = grid_queries(60, "BIG", instructor, start=0)
    few = grid_queries(10, "SMALL", instructor, start=100)
    assert many == few
