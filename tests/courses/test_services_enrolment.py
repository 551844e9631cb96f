"""Enrolment: seats, the waitlist, withdrawals, clashes of dates and prerequisites."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from courses.models import CourseSession, Enrolment
from courses.services import (
    attendance_save,
    enrolment_create,
    enrolment_create_many,
    enrolment_withdraw,
    gradebook_save,
    session_finalise,
    session_transition,
)
from tests.courses.helpers import a_course, a_session, seated
from tests.trainees.helpers import a_trainee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are read in English here (msgids); Spanish is the translators' business."""
    with translation.override("en"):
        yield


E = Enrolment.Status


def status_of(enrolment) -> str:
    return Enrolment.objects.get(pk=enrolment.pk).status


def waitlist(session) -> list[int]:
    return list(
        session.enrolments.filter(status=E.WAITLISTED)
        .order_by("requested_at", "pk")
        .values_list("trainee_id", flat=True)
    )


def passed_session_of(course, trainee, by, code):
    """``trainee`` passed a session of ``course``, through the gradebook and the results."""
    session = a_session(
        course=course,
        code=code,
        status="open",
        start_date=datetime.date(2025, 1, 6),
        end_date=datetime.date(2025, 1, 6),
    )
    enrolment = enrolment_create(session=session, trainee=trainee, by=by)
    session = session_transition(session=session, to=CourseSession.Status.IN_PROGRESS)
    attendance_save(session=session, by=by, marks={(enrolment.pk, session.start_date): "present"})
    scores = {(enrolment.pk, c.pk): c.max_score for c in course.components.all()}
    gradebook_save(session=session, by=by, version=0, scores=scores)
    session_finalise(session=session, by=by)
    assert status_of(enrolment) == E.PASSED
    return enrolment


# ------------------------------------------------------------------ seats and the waitlist
def test_an_open_session_seats_up_to_its_capacity_then_waitlists_in_order(administrator):
    session = a_session(status="open", capacity=2)
    enrolments = seated(session, 5, by=administrator)
    assert [e.status for e in enrolments] == [E.CONFIRMED] * 2 + [E.WAITLISTED] * 3
    assert session.enrolments.filter(status=E.CONFIRMED).count() == 2
    assert waitlist(session) == [e.trainee_id for e in enrolments[2:]]
    assert all(e.nominated_by == administrator for e in enrolments)


def test_a_planned_session_takes_nominations_beyond_its_capacity():
    session = a_session(capacity=1)
    enrolments = seated(session, 3)
    assert [e.status for e in enrolments] == [E.NOMINATED] * 3


def test_a_withdrawal_gives_the_seat_to_the_first_of_the_waitlist():
    session = a_session(status="open", capacity=2)
    first, _second, third, fourth = seated(session, 4)
    enrolment_withdraw(enrolment=first)
    assert status_of(first) == E.WITHDRAWN
    assert status_of(third) == E.CONFIRMED
    assert status_of(fourth) == E.WAITLISTED
    assert waitlist(session) == [fourth.trainee_id]


def test_withdrawing_from_the_waitlist_seats_no_one_and_keeps_the_order():
    session = a_session(status="open", capacity=1)
    _first, second, third = seated(session, 3)
    enrolment_withdraw(enrolment=second)
    assert status_of(second) == E.WITHDRAWN
    assert waitlist(session) == [third.trainee_id]
    assert session.enrolments.filter(status=E.CONFIRMED).count() == 1


def test_a_no_show_frees_the_seat_for_the_waitlist():
    session = a_session(status="open", capacity=1)
    first, second = seated(session, 2)
    session_transition(session=session, to=CourseSession.Status.IN_PROGRESS)
    enrolment_withdraw(enrolment=first, no_show=True)
    assert status_of(first) == E.NO_SHOW
    assert status_of(second) == E.CONFIRMED


def test_only_a_trainee_with_a_seat_can_be_a_no_show():
    session = a_session(status="open", capacity=1)
    _first, second = seated(session, 2)
    with pytest.raises(ValidationError) as refused:
        enrolment_withdraw(enrolment=second, no_show=True)
    assert "no-show" in refused.value.messages[0]
    assert status_of(second) == E.WAITLISTED

    planned = a_session(
        code="UOF-2026-02",
        course=session.course,
        start_date=datetime.date(2026, 5, 4),
        end_date=datetime.date(2026, 5, 8),
    )
    [nominated] = seated(planned, 1, start=10)
    with pytest.raises(ValidationError):
        enrolment_withdraw(enrolment=nominated, no_show=True)
    assert status_of(nominated) == E.NOMINATED


def test_a_withdrawn_enrolment_cannot_be_withdrawn_again():
    session = a_session(status="open")
    [enrolment] = seated(session, 1)
    enrolment_withdraw(enrolment=enrolment)
    with pytest.raises(ValidationError) as refused:
        enrolment_withdraw(enrolment=enrolment)
    assert "nothing to withdraw" in refused.value.messages[0]


def test_withdrawing_a_nominee_from_a_planned_session():
    session = a_session()
    [enrolment] = seated(session, 1)
    enrolment_withdraw(enrolment=enrolment)
    assert status_of(enrolment) == E.WITHDRAWN


# ------------------------------------------------------------------ refusals
def test_a_trainee_already_enrolled_is_refused():
    session = a_session(status="open", capacity=1)
    [_seated, waiting] = seated(session, 2)
    for enrolment in (_seated, waiting):
        with pytest.raises(ValidationError) as refused:
            enrolment_create(session=session, trainee=enrolment.trainee, by=None)
        assert "already enrolled" in refused.value.messages[0]
        assert enrolment.trainee.full_name in refused.value.messages[0]
    assert session.enrolments.count() == 2
    assert status_of(waiting) == E.WAITLISTED


def test_re_enrolling_after_a_withdrawal_works_and_joins_the_end_of_the_waitlist():
    session = a_session(status="open", capacity=1)
    first, _second = seated(session, 2)
    enrolment_withdraw(enrolment=first)  # the second takes the seat
    third = seated(session, 1, start=10)[0]
    again = enrolment_create(session=session, trainee=first.trainee, by=None)
    assert again.pk == first.pk
    assert status_of(again) == E.WAITLISTED
    assert waitlist(session) == [third.trainee_id, first.trainee_id]


def test_re_enrolling_after_a_withdrawal_takes_a_free_seat():
    session = a_session(status="open", capacity=1)
    [enrolment] = seated(session, 1)
    enrolment_withdraw(enrolment=enrolment)
    assert enrolment_create(session=session, trainee=enrolment.trainee, by=None).status == (
        E.CONFIRMED
    )


def test_sessions_that_share_a_day_clash():
    course = a_course()
    monday_to_friday = a_session(course=course, code="UOF-A", status="open")
    friday_on = a_session(
        course=course,
        code="UOF-B",
        status="open",
        start_date=datetime.date(2026, 3, 6),
        end_date=datetime.date(2026, 3, 10),
    )
    [enrolment] = seated(monday_to_friday, 1)
    with pytest.raises(ValidationError) as refused:
        enrolment_create(session=friday_on, trainee=enrolment.trainee, by=None)
    assert "UOF-A" in refused.value.messages[0]
    assert "2026-03-02" in refused.value.messages[0]
    assert not friday_on.enrolments.exists()


def test_a_session_inside_another_clashes_even_when_planned():
    course = a_course()
    long = a_session(course=course, code="UOF-A")
    inside = a_session(
        course=course,
        code="UOF-B",
        status="open",
        start_date=datetime.date(2026, 3, 3),
        end_date=datetime.date(2026, 3, 4),
    )
    [enrolment] = seated(long, 1)
    with pytest.raises(ValidationError):
        enrolment_create(session=inside, trainee=enrolment.trainee, by=None)


def test_adjacent_sessions_do_not_clash():
    course = a_course()
    first = a_session(course=course, code="UOF-A", status="open")
    next_day = a_session(
        course=course,
        code="UOF-B",
        status="open",
        start_date=datetime.date(2026, 3, 7),
        end_date=datetime.date(2026, 3, 7),
    )
    [enrolment] = seated(first, 1)
    assert enrolment_create(session=next_day, trainee=enrolment.trainee, by=None).status == (
        E.CONFIRMED
    )


def test_a_withdrawn_enrolment_in_a_cancelled_session_does_not_block_the_same_dates():
    course = a_course()
    cancelled = a_session(course=course, code="UOF-A", status="open")
    [enrolment] = seated(cancelled, 1)
    session_transition(session=cancelled, to=CourseSession.Status.CANCELLED)
    assert status_of(enrolment) == E.WITHDRAWN
    same_dates = a_session(course=course, code="UOF-B", status="open")
    assert enrolment_create(session=same_dates, trainee=enrolment.trainee, by=None).status == (
        E.CONFIRMED
    )


def test_a_prerequisite_not_passed_is_refused_naming_the_course(administrator):
    cptm = a_course("CPTM", category="cptm")
    session = a_session(course=a_course(prerequisites=[cptm]), status="open")
    trainee = a_trainee()
    with pytest.raises(ValidationError) as refused:
        enrolment_create(session=session, trainee=trainee, by=administrator)
    assert "CPTM" in refused.value.messages[0]
    assert not session.enrolments.exists()


def test_a_prerequisite_passed_is_accepted(administrator):
    cptm = a_course("CPTM", category="cptm")
    trainee = a_trainee()
    passed_session_of(cptm, trainee, administrator, code="CPTM-2025-01")
    session = a_session(course=a_course(prerequisites=[cptm]), status="open")
    enrolment = enrolment_create(session=session, trainee=trainee, by=administrator)
    assert enrolment.status == E.CONFIRMED
    assert enrolment.prerequisite_override_by is None
    assert enrolment.prerequisite_override_reason == ""


def test_a_prerequisite_withdrawn_from_does_not_count(administrator):
    cptm = a_course("CPTM", category="cptm")
    earlier = a_session(
        course=cptm,
        code="CPTM-2025-01",
        status="open",
        start_date=datetime.date(2025, 1, 6),
        end_date=datetime.date(2025, 1, 10),
    )
    [withdrawn] = seated(earlier, 1)
    enrolment_withdraw(enrolment=withdrawn)
    session = a_session(course=a_course(prerequisites=[cptm]), status="open")
    with pytest.raises(ValidationError):
        enrolment_create(session=session, trainee=withdrawn.trainee, by=administrator)


def test_an_administrator_waives_a_prerequisite_with_a_reason_and_it_is_recorded(administrator):
    cptm = a_course("CPTM", category="cptm")
    session = a_session(course=a_course(prerequisites=[cptm]), status="open")
    trainee = a_trainee()
    enrolment = enrolment_create(
        session=session,
        trainee=trainee,
        by=administrator,
        override_reason="  CPTM taken at CAECOPAZ, Argentina, 2025  ",
    )
    enrolment.refresh_from_db()
    assert enrolment.status == E.CONFIRMED
    assert enrolment.prerequisite_override_by == administrator
    assert enrolment.prerequisite_override_reason == "CPTM taken at CAECOPAZ, Argentina, 2025"
    history = Enrolment.history.filter(id=enrolment.pk).latest()
    assert history.prerequisite_override_by_id == administrator.pk
    assert history.history_user == administrator


def test_a_reason_is_not_recorded_when_nothing_is_waived(administrator):
    session = a_session(status="open")
    enrolment = enrolment_create(
        session=session, trainee=a_trainee(), by=administrator, override_reason="Just in case"
    )
    assert enrolment.prerequisite_override_by is None
    assert enrolment.prerequisite_override_reason == ""


def test_a_blank_reason_waives_nothing(administrator):
    cptm = a_course("CPTM", category="cptm")
    session = a_session(course=a_course(prerequisites=[cptm]), status="open")
    with pytest.raises(ValidationError):
        enrolment_create(
            session=session, trainee=a_trainee(), by=administrator, override_reason="   "
        )
    assert not session.enrolments.exists()


@pytest.mark.parametrize("who", ["instructor", "nobody"])
def test_only_an_administrator_can_waive_a_prerequisite(who, request):
    by = request.getfixturevalue("instructor") if who == "instructor" else None
    cptm = a_course("CPTM", category="cptm")
    session = a_session(course=a_course(prerequisites=[cptm]), status="open")
    with pytest.raises(ValidationError) as refused:
        enrolment_create(session=session, trainee=a_trainee(), by=by, override_reason="Urgent")
    assert "only an administrator" in refused.value.messages[0]
    assert not session.enrolments.exists()


@pytest.mark.parametrize("status", ["in_progress", "cancelled"])
def test_a_session_that_started_or_was_cancelled_takes_no_enrolment(status):
    session = a_session(status=status)
    with pytest.raises(ValidationError) as refused:
        enrolment_create(session=session, trainee=a_trainee(), by=None)
    assert session.code in refused.value.messages[0]
    assert not session.enrolments.exists()


def test_a_completed_session_takes_no_enrolment(administrator):
    cptm = a_course("CPTM", category="cptm")
    enrolment = passed_session_of(cptm, a_trainee(), administrator, code="CPTM-2025-01")
    with pytest.raises(ValidationError) as refused:
        enrolment_create(session=enrolment.session, trainee=a_trainee(1), by=administrator)
    assert "CPTM-2025-01" in refused.value.messages[0]
    assert enrolment.session.enrolments.count() == 1


# ------------------------------------------------------------------ many at once
def test_enrolling_many_is_all_or_nothing_and_lists_every_refusal():
    course = a_course()
    session = a_session(course=course, status="open", capacity=10)
    elsewhere = a_session(course=course, code="UOF-B", status="open")
    [already] = seated(session, 1, start=0)
    [busy] = seated(elsewhere, 1, start=1)
    fine = [a_trainee(n) for n in (2, 3)]
    with pytest.raises(ValidationError) as refused:
        enrolment_create_many(
            session=session,
            trainees=[fine[0], already.trainee, busy.trainee, fine[1]],
            by=None,
        )
    messages = refused.value.messages
    assert len(messages) == 2
    assert already.trainee.full_name in messages[0] and "already enrolled" in messages[0]
    assert busy.trainee.full_name in messages[1] and "UOF-B" in messages[1]
    assert list(session.enrolments.values_list("trainee_id", flat=True)) == [already.trainee_id]


def test_enrolling_many_keeps_the_order_given():
    session = a_session(status="open", capacity=1)
    trainees = [a_trainee(n) for n in (4, 1, 3)]
    enrolments = enrolment_create_many(session=session, trainees=trainees, by=None)
    assert [e.trainee for e in enrolments] == trainees
    assert [e.status for e in enrolments] == [E.CONFIRMED, E.WAITLISTED, E.WAITLISTED]
    assert waitlist(session) == [trainees[1].pk, trainees[2].pk]


def test_enrolling_no_one_is_refused():
    session = a_session(status="open")
    with pytest.raises(ValidationError) as refused:
        enrolment_create_many(session=session, trainees=[], by=None)
    assert "at least one trainee" in refused.value.messages[0]


# ------------------------------------------------------------------ history
def test_every_change_of_an_enrolment_is_in_its_history(administrator):
    session = a_session(capacity=1)
    first, second = seated(session, 2, by=administrator)
    session = session_transition(session=session, to=CourseSession.Status.OPEN)
    enrolment_withdraw(enrolment=first)
    enrolment_create(session=session, trainee=first.trainee, by=administrator)

    def story(enrolment):
        return list(
            Enrolment.history.filter(id=enrolment.pk)
            .order_by("history_date", "history_id")
            .values_list("status", flat=True)
        )

    assert story(first) == [E.NOMINATED, E.CONFIRMED, E.WITHDRAWN, E.WAITLISTED]
    assert story(second) == [E.NOMINATED, E.WAITLISTED, E.CONFIRMED]
    created = Enrolment.history.filter(id=first.pk).earliest()
    assert created.history_type == "+"
    assert created.history_user == administrator
