"""Writing sessions: scheduling them and moving them through their statuses."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import Attendance, Course, CourseSession, Enrolment
from courses.services.seats import seats_allocate, waitlist_promote

Status = CourseSession.Status
# Enrolments that hold a seat (a result keeps it: reopening the results seats them again).
SEATED = (Enrolment.Status.CONFIRMED, Enrolment.Status.PASSED, Enrolment.Status.FAILED)

# The moves a person can make. COMPLETED is reached by finalising the results, and left only
# by reopening them (courses.services.results).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.PLANNED: (Status.OPEN, Status.CANCELLED),
    Status.OPEN: (Status.PLANNED, Status.IN_PROGRESS, Status.CANCELLED),
    Status.IN_PROGRESS: (Status.CANCELLED,),
    Status.COMPLETED: (),
    Status.CANCELLED: (),
}


@transaction.atomic
def session_create(
    *,
    code: str,
    course: Course,
    start_date: datetime.date,
    end_date: datetime.date,
    venue: str,
    capacity: int,
    language: str = "es",
    instructors: Iterable = (),
    status: str = Status.PLANNED,
) -> CourseSession:
    """Schedule a session of a course."""
    session = CourseSession(
        code=code,
        course=course,
        start_date=start_date,
        end_date=end_date,
        venue=venue,
        capacity=capacity,
        language=language,
        status=status,
    )
    session.full_clean()
    session.save()
    session.instructors.set(instructors)
    return session


@transaction.atomic
def session_save(*, form) -> CourseSession:
    """Save a session form (valid). A larger capacity promotes the waitlist; a capacity under
    the seats already taken is refused, and so is any change to a completed or cancelled
    session, or to the dates once attendance is taken. Fields the form does not hold keep
    their current values."""
    session = form.instance
    if session.pk:
        locked = CourseSession.objects.select_for_update().get(pk=session.pk)
        if locked.status in (Status.COMPLETED, Status.CANCELLED):
            raise ValidationError(
                _("A session that is “%(status)s” can no longer be changed.")
                % {"status": locked.get_status_display()}
            )
        dates_moved = (session.start_date, session.end_date) != (
            locked.start_date,
            locked.end_date,
        )
        if dates_moved and Attendance.objects.filter(enrolment__session=locked).exists():
            raise ValidationError(
                _(
                    "Attendance has been taken on the session's days: its dates can no longer "
                    "change."
                )
            )
        # The form writes the whole row: what it does not edit (the status, the results, the
        # gradebook's version) is taken as it is now, not as it was when the form was built.
        for model_field in CourseSession._meta.concrete_fields:
            if model_field.name not in form.fields:
                setattr(session, model_field.attname, getattr(locked, model_field.attname))
        confirmed = locked.enrolments.filter(status__in=SEATED).count()
        if session.capacity < confirmed:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(count)d trainees already hold a seat: the capacity cannot be less. "
                        "Withdraw trainees first."
                    )
                    % {"count": confirmed}
                }
            )
    session = form.save()
    if session.status in (Status.OPEN, Status.IN_PROGRESS):
        waitlist_promote(session=session)
    return session


@transaction.atomic
def session_transition(*, session: CourseSession, to: str) -> CourseSession:
    """Move a session to another status, if that move is allowed.

    Opening a session gives the nominated trainees their seats in the order they were
    nominated (the rest are waitlisted); cancelling it withdraws everyone still enrolled.
    """
    session = CourseSession.objects.select_for_update().get(pk=session.pk)
    if to not in Status.values:
        raise ValidationError(_("“%(target)s” is not a status of a session.") % {"target": to})
    if to not in TRANSITIONS.get(session.status, ()):
        raise ValidationError(
            _("A session that is “%(current)s” cannot become “%(target)s”.")
            % {"current": session.get_status_display(), "target": Status(to).label}
        )
    if (
        to == Status.PLANNED
        and session.enrolments.exclude(
            status__in=(Enrolment.Status.NOMINATED, Enrolment.Status.WITHDRAWN)
        ).exists()
    ):
        raise ValidationError(
            _("Trainees already hold seats in this session: it cannot go back to planned.")
        )
    session.status = to
    session.save(update_fields=["status", "updated_at"])
    if to == Status.OPEN:
        seats_allocate(session=session)
    elif to == Status.CANCELLED:
        for enrolment in session.enrolments.filter(status__in=Enrolment.ACTIVE):
            enrolment.status = Enrolment.Status.WITHDRAWN
            enrolment.save(update_fields=["status", "updated_at"])
    return session
