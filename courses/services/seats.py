"""Seats: who gets one, and who moves up from the waitlist. The callers hold the session's
row lock (select_for_update), so two requests never hand out the same seat."""

from __future__ import annotations

from courses.models import CourseSession, Enrolment


def seats_free(*, session: CourseSession) -> int:
    taken = session.enrolments.filter(status=Enrolment.Status.CONFIRMED).count()
    return max(session.capacity - taken, 0)


def _fill(session: CourseSession, waiting) -> list[Enrolment]:
    free = seats_free(session=session)
    moved = list(waiting.order_by("requested_at", "pk")[:free]) if free else []
    for enrolment in moved:
        enrolment.status = Enrolment.Status.CONFIRMED
        enrolment.save(update_fields=["status", "updated_at"])
    return moved


def waitlist_promote(*, session: CourseSession) -> list[Enrolment]:
    """Give the free seats to the waitlist, first come first served."""
    return _fill(session, session.enrolments.filter(status=Enrolment.Status.WAITLISTED))


def seats_allocate(*, session: CourseSession) -> None:
    """When a session opens: seats to the nominated in order, the rest to the waitlist."""
    _fill(session, session.enrolments.filter(status=Enrolment.Status.NOMINATED))
    for enrolment in session.enrolments.filter(status=Enrolment.Status.NOMINATED):
        enrolment.status = Enrolment.Status.WAITLISTED
        enrolment.save(update_fields=["status", "updated_at"])
