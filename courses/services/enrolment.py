"""Enrolment: nominating trainees to a session, the waitlist, and withdrawals."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cecopam.roles import user_is_administrator
from courses.models import CourseSession, Enrolment
from courses.selectors import prerequisites_missing
from courses.services.seats import seats_free, waitlist_promote
from trainees.models import Trainee

Status = Enrolment.Status
OPEN_TO_ENROLMENT = (CourseSession.Status.PLANNED, CourseSession.Status.OPEN)


def _refusal(
    session: CourseSession, trainee: Trainee, *, missing: list, by, override_reason: str
) -> str | None:
    """Why this trainee, who lacks the ``missing`` prerequisite courses, cannot be enrolled in
    this session, or None."""
    current = next((e for e in trainee.enrolments.all() if e.session_id == session.pk), None)
    if current is not None and current.status in Enrolment.ACTIVE:
        return _("already enrolled (%(status)s).") % {"status": current.get_status_display()}
    clash = (
        Enrolment.objects.filter(
            trainee=trainee,
            status__in=Enrolment.ACTIVE,
            session__start_date__lte=session.end_date,
            session__end_date__gte=session.start_date,
        )
        .exclude(session=session)
        .select_related("session")
        .first()
    )
    if clash is not None:
        return _("already enrolled in %(code)s, from %(start)s to %(end)s, on the same dates.") % {
            "code": clash.session.code,
            "start": clash.session.start_date.isoformat(),
            "end": clash.session.end_date.isoformat(),
        }
    if missing and not override_reason.strip():
        return _(
            "lacks the prerequisite %(courses)s (a passed session of it). "
            "An administrator can waive it, giving the reason."
        ) % {"courses": ", ".join(course.code for course in missing)}
    if missing and not user_is_administrator(by):
        return _("lacks the prerequisite %(courses)s, and only an administrator can waive it.") % {
            "courses": ", ".join(course.code for course in missing)
        }
    return None


def _enrol(
    session: CourseSession, trainee: Trainee, *, by, override_reason: str, waived: bool
) -> Enrolment:
    if session.status == CourseSession.Status.PLANNED:
        status = Status.NOMINATED
    else:
        status = Status.CONFIRMED if seats_free(session=session) else Status.WAITLISTED
    # A withdrawn trainee who comes back keeps their row (one per trainee and session) and
    # goes to the end of the queue.
    enrolment = next(
        (e for e in trainee.enrolments.all() if e.session_id == session.pk), None
    ) or Enrolment(trainee=trainee, session=session)
    enrolment.status = status
    enrolment.nominated_by = by
    enrolment.requested_at = timezone.now()
    enrolment.prerequisite_override_by = by if waived else None
    enrolment.prerequisite_override_reason = override_reason.strip() if waived else ""
    enrolment.total = enrolment.attendance_percent = None
    enrolment.failed_critical = False
    if by is not None:
        # The history says who enrolled them, in a request or not (an import, a shell).
        enrolment._history_user = by
    enrolment.save()
    return enrolment


def _lock(session: CourseSession, trainees: Iterable[Trainee]) -> tuple[CourseSession, list]:
    session = (
        CourseSession.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=session.pk)
    )
    if session.status not in OPEN_TO_ENROLMENT:
        raise ValidationError(
            _("Session %(code)s is “%(status)s”: it takes no more enrolments.")
            % {"code": session.code, "status": session.get_status_display()}
        )
    # Locking the trainees too keeps two sessions on the same dates from both taking one.
    pks = [t.pk for t in trainees]
    locked = {
        t.pk: t
        # Always in the same order, so that two requests queue instead of deadlocking.
        for t in Trainee.objects.select_for_update()
        .filter(pk__in=pks)
        .order_by("pk")
        .prefetch_related("enrolments")
    }
    return session, [locked[pk] for pk in dict.fromkeys(pks) if pk in locked]


@transaction.atomic
def enrolment_create_many(
    *, session: CourseSession, trainees: Iterable[Trainee], by, override_reason: str = ""
) -> list[Enrolment]:
    """Enrol trainees in a session, in the order given, all or none.

    In a planned session they are nominated; in an open one each takes a free seat or the
    next place in the waitlist. A trainee already enrolled, enrolled in a session on the same
    dates, or missing a prerequisite (unless ``override_reason`` waives it and ``by``, recorded
    with it, is an administrator) is refused: a ValidationError lists every refusal and
    nothing is saved. Safe under concurrent requests: the session's row is locked while seats
    are counted, and the trainees' rows while their other sessions are checked.
    """
    session, trainees = _lock(session, trainees)
    if not trainees:
        raise ValidationError(_("Choose at least one trainee."))
    missing = {
        t.pk: prerequisites_missing(trainee=t, course=session.course, on=session.start_date)
        for t in trainees
    }
    refusals = []
    for trainee in trainees:
        message = _refusal(
            session, trainee, missing=missing[trainee.pk], by=by, override_reason=override_reason
        )
        if message is not None:
            refusals.append(f"{trainee.full_name}: {message}")
    if refusals:
        raise ValidationError(refusals)
    enrolments = []
    for trainee in trainees:
        waived = bool(missing[trainee.pk])
        enrolments.append(
            _enrol(session, trainee, by=by, override_reason=override_reason, waived=waived)
        )
    return enrolments


def enrolment_create(
    *, session: CourseSession, trainee: Trainee, by, override_reason: str = ""
) -> Enrolment:
    """Enrol one trainee (see enrolment_create_many)."""
    [enrolment] = enrolment_create_many(
        session=session, trainees=[trainee], by=by, override_reason=override_reason
    )
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, no_show: bool = False) -> Enrolment:
    """Withdraw a trainee, or mark them a no-show; a seat they held goes to the first of the
    waitlist."""
    session = CourseSession.objects.select_for_update().get(pk=enrolment.session_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status not in Enrolment.ACTIVE:
        raise ValidationError(
            _("This enrolment is “%(status)s”: there is nothing to withdraw.")
            % {"status": enrolment.get_status_display()}
        )
    if session.results_final or session.status == CourseSession.Status.CANCELLED:
        raise ValidationError(_("The session is closed: its enrolments can no longer change."))
    if no_show and enrolment.status != Status.CONFIRMED:
        raise ValidationError(_("Only a trainee who holds a seat can be marked a no-show."))
    enrolment.status = Status.NO_SHOW if no_show else Status.WITHDRAWN
    enrolment.save(update_fields=["status", "updated_at"])
    if session.status in (CourseSession.Status.OPEN, CourseSession.Status.IN_PROGRESS):
        waitlist_promote(session=session)
    return enrolment
