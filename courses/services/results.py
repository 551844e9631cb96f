"""Finalising a session's results, and reopening them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from courses.models import CourseSession, Enrolment, ResultsReopening
from courses.selectors import results_preview
from courses.services.certificates import certificates_create_for_session

RESULT_FIELDS = ["status", "total", "attendance_percent", "failed_critical", "updated_at"]


@transaction.atomic
def session_finalise(*, session: CourseSession, by) -> CourseSession:
    """Compute and freeze the result of every trainee with a seat; the session is completed,
    and each trainee who passed gets a pending certificate.

    Refused while any of them lacks a score. Afterwards scores and attendance are read-only
    until an administrator reopens the results.
    """
    session = (
        CourseSession.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=session.pk)
    )
    if session.results_final or session.status != CourseSession.Status.IN_PROGRESS:
        raise ValidationError(
            _(
                "Only a session in progress can have its results finalised; "
                "%(code)s is “%(status)s”."
            )
            % {"code": session.code, "status": session.get_status_display()}
        )
    # The same computation the finalise page previews.
    previews = results_preview(session=session)
    if not previews:
        raise ValidationError(
            _("No trainee holds a seat in this session: there is nothing to finalise.")
        )
    missing = [
        _("%(trainee)s: %(components)s")
        % {
            "trainee": preview.enrolment.trainee.full_name,
            "components": ", ".join(component.name for component in preview.missing),
        }
        for preview in previews
        if preview.missing
    ]
    if missing:
        raise ValidationError(
            [_("Scores are missing; enter them, or withdraw the trainee, then finalise."), *missing]
        )
    now = timezone.now()
    enrolments = []
    for preview in previews:
        enrolment, result = preview.enrolment, preview.result
        enrolment.status = Enrolment.Status.PASSED if result.passed else Enrolment.Status.FAILED
        enrolment.total = result.total
        enrolment.attendance_percent = result.attendance_percent
        enrolment.failed_critical = bool(result.failed_critical)
        enrolment.updated_at = now
        enrolments.append(enrolment)
    bulk_update_with_history(
        enrolments,
        Enrolment,
        fields=RESULT_FIELDS,
        default_user=by,
        default_change_reason=_("Results finalised"),
    )
    session.status = CourseSession.Status.COMPLETED
    session.results_finalised_at = now
    session.results_finalised_by = by
    session.save(
        update_fields=["status", "results_finalised_at", "results_finalised_by", "updated_at"]
    )
    # Same transaction: no passed result without its (pending) certificate.
    certificates_create_for_session(session=session, by=by)
    return session


@transaction.atomic
def session_results_reopen(*, session: CourseSession, by, reason: str) -> CourseSession:
    """Unfreeze a session's results (administrators): the session is in progress again, the
    results are cleared until finalised anew, and who reopened it and why is recorded."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the results are reopened.")})
    session = CourseSession.objects.select_for_update().get(pk=session.pk)
    if not session.results_final:
        raise ValidationError(_("The results of %(code)s are not final.") % {"code": session.code})
    ResultsReopening.objects.create(session=session, reopened_by=by, reason=reason.strip())
    enrolments = list(
        session.enrolments.filter(status__in=(Enrolment.Status.PASSED, Enrolment.Status.FAILED))
    )
    now = timezone.now()
    for enrolment in enrolments:
        enrolment.status = Enrolment.Status.CONFIRMED
        enrolment.total = enrolment.attendance_percent = None
        enrolment.failed_critical = False
        enrolment.updated_at = now
    bulk_update_with_history(
        enrolments,
        Enrolment,
        fields=RESULT_FIELDS,
        default_user=by,
        # simple_history keeps 100 characters of a reason; the full one is in ResultsReopening.
        default_change_reason=(_("Results reopened: %(reason)s") % {"reason": reason.strip()})[
            :100
        ],
    )
    session.status = CourseSession.Status.IN_PROGRESS
    session.results_finalised_at = None
    session.results_finalised_by = None
    session.save(
        update_fields=["status", "results_finalised_at", "results_finalised_by", "updated_at"]
    )
    return session
