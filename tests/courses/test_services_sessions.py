"""Sessions: their statuses, and what each move does to the enrolments; editing a session."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.utils import translation

from courses.models import CourseSession, Enrolment
from courses.services import (
    attendance_save,
    enrolment_create,
    enrolment_withdraw,
    gradebook_save,
    session_finalise,
    session_results_reopen,
    session_save,
    session_transition,
)
from tests.courses.helpers import a_session, seated
from tests.trainees.helpers import a_trainee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are read in English here (msgids); Spanish is the translators' business."""
    with translation.override("en"):
        yield


S = CourseSession.Status
E = Enrolment.Status
LEGAL = {
    (S.PLANNED, S.OPEN),
    (S.PLANNED, S.CANCELLED),
    (S.OPEN, S.PLANNED),
    (S.OPEN, S.IN_PROGRESS),
    (S.OPEN, S.CANCELLED),
    (S.IN_PROGRESS, S.CANCELLED),
}
ILLEGAL = sorted((a, b) for a in S.values for b in S.values if (a, b) not in LEGAL)

SessionForm = modelform_factory(
    CourseSession,
    fields=["code", "course", "start_date", "end_date", "venue", "capacity", "language"],
)


def session_in(status: str, by) -> CourseSession:
    """A session in ``status``, reached as people reach it (completed: through its results)."""
    if status != S.COMPLETED:
        return a_session(status=status)
    session = a_session(status="open")
    [enrolment] = seated(session, 1)
    session = session_transition(session=session, to=S.IN_PROGRESS)
    scores = {(enrolment.pk, c.pk): c.max_score for c in session.course.components.all()}
    gradebook_save(session=session, by=by, version=0, scores=scores)
    return session_finalise(session=session, by=by)


def statuses(session) -> list[str]:
    return list(session.enrolments.order_by("requested_at", "pk").values_list("status", flat=True))


def edit(session, **changes) -> SessionForm:
    data = {
        "code": session.code,
        "course": session.course_id,
        "start_date": session.start_date,
        "end_date": session.end_date,
        "venue": session.venue,
        "capacity": session.capacity,
        "language": session.language,
        **changes,
    }
    form = SessionForm(data, instance=CourseSession.objects.get(pk=session.pk))
    assert form.is_valid(), form.errors
    return form


# ------------------------------------------------------------------ transitions
def test_a_session_goes_from_planned_to_open_to_in_progress():
    session = a_session()
    assert session.status == S.PLANNED
    for status in (S.OPEN, S.IN_PROGRESS):
        session = session_transition(session=session, to=status)
        session.refresh_from_db()
        assert session.status == status


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
def test_every_allowed_move_is_made(current, target):
    session = a_session(status=current)
    session_transition(session=session, to=target)
    session.refresh_from_db()
    assert session.status == target


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_every_other_move_is_refused_and_the_status_stays(current, target, administrator):
    session = session_in(current, administrator)
    assert session.status == current
    with pytest.raises(ValidationError) as refused:
        session_transition(session=session, to=target)
    assert "cannot become" in refused.value.messages[0]
    session.refresh_from_db()
    assert session.status == current


def test_a_status_that_does_not_exist_is_refused_with_a_message():
    session = a_session()
    with pytest.raises(ValidationError) as refused:
        session_transition(session=session, to="postponed")
    assert "postponed" in refused.value.messages[0]
    session.refresh_from_db()
    assert session.status == S.PLANNED


def test_opening_seats_the_nominated_in_nomination_order_and_waitlists_the_rest():
    session = a_session(capacity=3)
    first = seated(session, 2, start=0)
    then = seated(session, 3, start=10)
    assert statuses(session) == [E.NOMINATED] * 5
    session_transition(session=session, to=S.OPEN)
    confirmed = session.enrolments.filter(status=E.CONFIRMED)
    assert {e.trainee_id for e in confirmed} == {e.trainee_id for e in [*first, then[0]]}
    waitlist = session.enrolments.filter(status=E.WAITLISTED).order_by("requested_at", "pk")
    assert [e.trainee_id for e in waitlist] == [e.trainee_id for e in then[1:]]


def test_the_order_of_a_batch_of_nominations_is_kept_when_the_session_opens():
    session = a_session(capacity=1)
    trainees = [a_trainee(n) for n in (5, 3, 9)]
    for trainee in trainees:
        enrolment_create(session=session, trainee=trainee, by=None)
    session_transition(session=session, to=S.OPEN)
    assert session.enrolments.get(status=E.CONFIRMED).trainee == trainees[0]
    waitlist = session.enrolments.filter(status=E.WAITLISTED).order_by("requested_at", "pk")
    assert [e.trainee for e in waitlist] == trainees[1:]


def test_cancelling_withdraws_every_active_enrolment_and_keeps_it_in_the_history():
    session = a_session(capacity=2, status="open")
    enrolments = seated(session, 3)
    enrolment_withdraw(enrolment=enrolments[0], no_show=True)
    assert sorted(statuses(session)) == sorted([E.NO_SHOW, E.CONFIRMED, E.CONFIRMED])
    extra = seated(session, 1, start=50)[0]
    assert Enrolment.objects.get(pk=extra.pk).status == E.WAITLISTED

    session_transition(session=session, to=S.CANCELLED)

    assert sorted(statuses(session)) == sorted([E.NO_SHOW, *[E.WITHDRAWN] * 3])
    for enrolment in [*enrolments[1:], extra]:
        assert Enrolment.history.filter(id=enrolment.pk).latest().status == E.WITHDRAWN


def test_cancelling_a_planned_session_withdraws_the_nominated():
    session = a_session()
    seated(session, 2)
    session_transition(session=session, to=S.CANCELLED)
    assert statuses(session) == [E.WITHDRAWN, E.WITHDRAWN]


def test_an_open_session_goes_back_to_planned_only_while_no_one_holds_a_seat():
    session = a_session(status="open")
    [enrolment] = seated(session, 1)
    with pytest.raises(ValidationError) as refused:
        session_transition(session=session, to=S.PLANNED)
    assert "hold seats" in refused.value.messages[0]
    session.refresh_from_db()
    assert session.status == S.OPEN
    assert statuses(session) == [E.CONFIRMED]

    enrolment_withdraw(enrolment=enrolment)
    session_transition(session=session, to=S.PLANNED)
    session.refresh_from_db()
    assert session.status == S.PLANNED


def test_a_waitlist_also_keeps_a_session_from_going_back_to_planned():
    session = a_session(status="open", capacity=1)
    first, second = seated(session, 2)
    enrolment_withdraw(enrolment=first)
    assert Enrolment.objects.get(pk=second.pk).status == E.CONFIRMED
    with pytest.raises(ValidationError):
        session_transition(session=session, to=S.PLANNED)


# ------------------------------------------------------------------ session_save
def test_a_new_session_is_saved_from_its_form():
    existing = a_session()
    form = SessionForm(
        {
            "code": "UOF-2026-09",
            "course": existing.course_id,
            "start_date": "2026-09-07",
            "end_date": "2026-09-11",
            "venue": "CECOPAM",
            "capacity": 12,
            "language": "en",
        }
    )
    assert form.is_valid(), form.errors
    session = session_save(form=form)
    session.refresh_from_db()
    assert (session.code, session.capacity, session.status) == ("UOF-2026-09", 12, S.PLANNED)


def test_a_capacity_under_the_seats_taken_is_refused_and_nothing_changes():
    session = a_session(status="open", capacity=5)
    seated(session, 4)
    with pytest.raises(ValidationError) as refused:
        session_save(form=edit(session, capacity=3, venue="Elsewhere"))
    assert "capacity" in refused.value.message_dict
    assert "4" in refused.value.message_dict["capacity"][0]
    session.refresh_from_db()
    assert (session.capacity, session.venue) == (5, "CECOPAM, Campo Militar 1-A")


def test_a_capacity_equal_to_the_seats_taken_is_accepted():
    session = a_session(status="open", capacity=5)
    seated(session, 4)
    session_save(form=edit(session, capacity=4))
    session.refresh_from_db()
    assert session.capacity == 4


def test_a_larger_capacity_promotes_the_waitlist_in_order():
    session = a_session(status="open", capacity=2)
    enrolments = seated(session, 5)
    assert statuses(session) == [E.CONFIRMED] * 2 + [E.WAITLISTED] * 3
    session_save(form=edit(session, capacity=4))
    assert statuses(session) == [E.CONFIRMED] * 4 + [E.WAITLISTED]
    assert Enrolment.objects.get(pk=enrolments[4].pk).status == E.WAITLISTED


def test_a_larger_capacity_of_a_planned_session_seats_no_one_yet():
    session = a_session(capacity=1)
    seated(session, 3)
    session_save(form=edit(session, capacity=10))
    assert statuses(session) == [E.NOMINATED] * 3


def test_saving_a_form_does_not_undo_a_move_made_since_it_was_built():
    session = a_session(status="open", capacity=3)
    form = edit(session, venue="Aula 2")  # an administrator edits the venue …
    session_transition(session=session, to=S.IN_PROGRESS)  # … while the session starts
    session_save(form=form)
    session.refresh_from_db()
    assert (session.venue, session.status) == ("Aula 2", S.IN_PROGRESS)


def test_saving_a_form_keeps_the_gradebook_version_saved_since(instructor):
    session = a_session(status="in_progress")
    form = edit(session, venue="Aula 3")
    gradebook_save(session=session, by=instructor, version=0, scores={})
    session_save(form=form)
    session.refresh_from_db()
    assert (session.venue, session.gradebook_version) == ("Aula 3", 1)
    assert session.gradebook_saved_by == instructor


def test_moving_the_dates_of_a_session_is_saved():
    session = a_session()
    session_save(
        form=edit(session, start_date=datetime.date(2026, 4, 6), end_date=datetime.date(2026, 4, 8))
    )
    session.refresh_from_db()
    assert (session.start_date, session.end_date) == (
        datetime.date(2026, 4, 6),
        datetime.date(2026, 4, 8),
    )
    assert len(session.days) == 3


def test_reopened_results_keep_their_seats_against_a_smaller_capacity(administrator):
    session = a_session(status="open", capacity=2)
    enrolments = seated(session, 2)
    session = session_transition(session=session, to=S.IN_PROGRESS)
    scores = {
        (e.pk, c.pk): c.max_score for e in enrolments for c in session.course.components.all()
    }
    gradebook_save(session=session, by=administrator, version=0, scores=scores)
    session_finalise(session=session, by=administrator)
    session = session_results_reopen(session=session, by=administrator, reason="Corrección")
    with pytest.raises(ValidationError) as refused:
        session_save(form=edit(session, capacity=1))
    assert "2" in refused.value.message_dict["capacity"][0]
    session.refresh_from_db()
    assert session.capacity == 2


@pytest.mark.parametrize("status", [S.COMPLETED, S.CANCELLED])
def test_a_completed_or_cancelled_session_can_no_longer_be_edited(administrator, status):
    session = session_in(status, administrator)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        session_save(form=edit(session, venue="Otra sede"))
    assert CourseSession.objects.get(pk=session.pk).venue == session.venue


def test_the_dates_are_fixed_once_attendance_is_taken(administrator, instructor):
    session = a_session(status="open")
    [enrolment] = seated(session, 1)
    session = session_transition(session=session, to=S.IN_PROGRESS)
    session = session_save(form=edit(session, end_date=datetime.date(2026, 3, 5)))  # no marks yet
    attendance_save(
        session=session, by=instructor, marks={(enrolment.pk, session.days[0]): "present"}
    )
    with pytest.raises(ValidationError, match="dates can no longer change"):
        session_save(form=edit(session, end_date=datetime.date(2026, 3, 6)))
    session_save(form=edit(session, venue="Aula 3"))  # other fields still change
    session = CourseSession.objects.get(pk=session.pk)
    assert (session.end_date, session.venue) == (datetime.date(2026, 3, 5), "Aula 3")
