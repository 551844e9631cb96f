"""Certificates: created, pending, when a session's results are finalised, then rendered.

At finalisation a certificate gets what never changes again: its serial number, its
verification code, its issue date, how long it is valid and every field it prints. After the
commit a Celery task per certificate renders its PDF from that snapshot. The database, not
the broker, says what is left to do: a message lost to a Redis outage or a worker killed
mid-render leaves the row pending or rendering, and the sweeper queues it again.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from cecopam.dates import months_later
from courses.certificate_pdf import certificate_html, certificate_pdf
from courses.models import Certificate, CertificateSerial, CourseSession, Enrolment
from courses.verification_codes import verification_code_new

logger = logging.getLogger(__name__)

# Reasons kept in a certificate's history: stored in English, shown translated.
RENDERED = gettext_noop("PDF rendered")
RETRIED = gettext_noop("Render retried")


def certificate_serials_take(*, year: int, count: int) -> list[str]:
    """``count`` consecutive serial numbers of ``year`` (CECOPAM-2026-000123).

    Must run inside the caller's transaction: the year's counter stays locked until it
    commits, so concurrent finalisations queue here, and a rollback returns the numbers.
    """
    CertificateSerial.objects.get_or_create(year=year)
    counter = CertificateSerial.objects.select_for_update().get(year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"CECOPAM-{year}-{number:06d}" for number in range(first, counter.last + 1)]


def certificate_snapshot(enrolment: Enrolment, session: CourseSession) -> dict:
    """Every field a certificate prints, as the records stand now (frozen in the row)."""
    trainee, course = enrolment.trainee, session.course
    nationality = {}
    for language in ("es", "en"):
        with translation.override(language):
            nationality[language] = str(trainee.nationality.name)
    return {
        "holder": trainee.full_name,
        "rank": trainee.rank,
        "institution": trainee.institution.name,
        "nationality": trainee.nationality.code,
        "nationality_es": nationality["es"],
        "nationality_en": nationality["en"],
        "course_code": course.code,
        "course_title_es": course.title_es,
        "course_title_en": course.title_en,
        "hours": course.hours,
        "session_code": session.code,
        "start_date": session.start_date.isoformat(),
        "end_date": session.end_date.isoformat(),
        "total": str(enrolment.total),
    }


def certificates_create_for_session(*, session: CourseSession, by) -> list[Certificate]:
    """A pending certificate for each passed enrolment of the session that has none in force
    (finalising again after a reopening keeps the certificates already made). Runs inside
    session_finalise's transaction."""
    passed = list(
        session.enrolments.filter(status=Enrolment.Status.PASSED)
        .exclude(certificates__status__in=_IN_FORCE)
        .select_related("trainee__institution")
        .order_by("trainee__first_surname", "trainee__second_surname", "trainee__given_names")
    )
    if not passed:
        return []
    issued_on = timezone.localdate()
    months = session.course.validity_months
    valid_until = months_later(issued_on, months) if months else None
    serials = certificate_serials_take(year=issued_on.year, count=len(passed))
    certificates = [
        Certificate(
            enrolment=enrolment,
            serial=serial,
            code=verification_code_new(),
            issued_on=issued_on,
            valid_until=valid_until,
            snapshot={**certificate_snapshot(enrolment, session), "serial": serial},
        )
        for enrolment, serial in zip(passed, serials, strict=True)
    ]
    created = bulk_create_with_history(certificates, Certificate, default_user=by)
    certificates_queue([certificate.pk for certificate in created])
    return created


_IN_FORCE = [s for s in Certificate.Status.values if s != Certificate.Status.SUPERSEDED]


# ---------------------------------------------------------------------------- queueing
def certificates_queue(certificate_ids: Iterable[int]) -> None:
    """Ask a PDF worker to render these certificates once the current transaction commits
    (a worker must find the rows). A broker that cannot be reached is logged, not raised: the
    certificates stay pending and the sweeper queues them when the broker is back."""
    ids = list(certificate_ids)
    if ids:
        transaction.on_commit(lambda: _send_render_tasks(ids))


def _send_render_tasks(ids: list[int]) -> int:
    from courses.tasks import certificate_render_task

    for sent, certificate_id in enumerate(ids):
        try:
            certificate_render_task.apply_async(
                args=[certificate_id],
                retry_policy=_QUICK_RETRY,
            )
        except Exception as error:  # the broker is down: the rows are the record
            logger.warning(
                "Could not queue %d certificate(s) for rendering (%s); the sweeper will.",
                len(ids) - sent,
                error,
            )
            return sent
    return len(ids)


def certificates_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue again every certificate left pending or rendering for longer than
    CERTIFICATE_SWEEP_AFTER_SECONDS (its message was lost, or its worker died). Their
    ``updated_at`` is touched, so that one still waiting in the queue is not sent again
    before that much time has passed once more. Returns how many were queued."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.CERTIFICATE_SWEEP_AFTER_SECONDS)
    stuck = Certificate.objects.filter(
        status__in=[Certificate.Status.PENDING, Certificate.Status.RENDERING],
        updated_at__lt=cutoff,
    )
    ids = list(stuck.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    Certificate.objects.filter(pk__in=ids).update(updated_at=now)
    return _send_render_tasks(ids)


# ---------------------------------------------------------------------------- rendering
def certificate_render(*, certificate_id: int, worker: str = "") -> Certificate | None:
    """Render a certificate's PDF from its snapshot and store it with its SHA-256 and the
    ``worker`` that printed it (the Celery node name; blank outside a worker): the
    certificate is issued, and its holder's email is queued after the commit.

    Idempotent: only a pending or rendering certificate is rendered (rendering: its worker
    died, or a duplicate message is running it now); an issued, failed, revoked or
    superseded one is returned untouched. Of two renders of the same certificate, the second
    to finish finds it issued and stores nothing. A certificate claimed
    CERTIFICATE_RENDER_MAX_ATTEMPTS times without finishing is marked failed instead.
    A rendering error propagates, the certificate left rendering: the caller records it with
    ``certificate_render_failed``."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.status not in _RENDERABLE:
            return certificate
        if certificate.render_attempts >= settings.CERTIFICATE_RENDER_MAX_ATTEMPTS:
            certificate.status = Certificate.Status.FAILED
            certificate.last_error = certificate.last_error or _(
                "The render did not finish after %(n)d attempts (the worker stopped)."
            ) % {"n": certificate.render_attempts}
            certificate.save(update_fields=["status", "last_error", "updated_at"])
            return certificate
        # The claim writes no history record: "rendering" lasts a render, and the history
        # shows what the certificate became (issued, or failed with its error).
        certificate.status = Certificate.Status.RENDERING
        certificate.render_attempts += 1
        certificate.updated_at = timezone.now()
        Certificate.objects.filter(pk=certificate_id).update(
            status=certificate.status,
            render_attempts=certificate.render_attempts,
            updated_at=certificate.updated_at,
        )

    # The slow part holds no lock and no transaction.
    pdf = certificate_pdf(
        certificate_html(
            snapshot=certificate.snapshot,
            code=certificate.code,
            issued_on=certificate.issued_on,
            valid_until=certificate.valid_until,
        )
    )

    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status != Certificate.Status.RENDERING:
            return certificate  # issued by a twin render, or revoked meanwhile
        # A file already under this name was left by a render killed before its commit:
        # nothing refers to it, and this certificate's file takes its place.
        name = certificate.pdf.field.generate_filename(certificate, f"{certificate.serial}.pdf")
        if certificate.pdf.storage.exists(name):
            certificate.pdf.storage.delete(name)
        certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(pdf), save=False)
        certificate.sha256 = hashlib.sha256(pdf).hexdigest()
        certificate.rendered_by = worker[: Certificate._meta.get_field("rendered_by").max_length]
        certificate.status = Certificate.Status.ISSUED
        certificate.last_error = ""
        certificate._change_reason = RENDERED
        certificate.save()
        if certificate.emailed_at is None:
            transaction.on_commit(lambda: _send_issued_email(certificate.pk))
    return certificate


def certificate_render_failed(*, certificate_id: int, error: str) -> Certificate | None:
    """Record a render that raised: the certificate goes back to pending for another attempt
    or, after CERTIFICATE_RENDER_MAX_ATTEMPTS, is marked failed with the error for an
    administrator to see and retry. Returns the certificate."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.status != Certificate.Status.RENDERING:
            return certificate
        out_of_attempts = certificate.render_attempts >= settings.CERTIFICATE_RENDER_MAX_ATTEMPTS
        certificate.status = (
            Certificate.Status.FAILED if out_of_attempts else Certificate.Status.PENDING
        )
        certificate.last_error = error[:2000]
        certificate.save(update_fields=["status", "last_error", "updated_at"])
        return certificate


@transaction.atomic
def certificate_retry(*, certificate: Certificate, by) -> Certificate:
    """Render a failed certificate again (administrators), with a fresh set of attempts; it
    is queued after the commit."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status != Certificate.Status.FAILED:
        raise ValidationError(_("Only a certificate whose rendering failed can be retried."))
    certificate.status = Certificate.Status.PENDING
    certificate.render_attempts = 0
    certificate._history_user = by
    certificate._change_reason = RETRIED
    certificate.save()
    certificates_queue([certificate.pk])
    return certificate


def _send_issued_email(certificate_id: int) -> None:
    from courses.tasks import certificate_issued_email_task

    try:
        certificate_issued_email_task.apply_async(args=[certificate_id], retry_policy=_QUICK_RETRY)
    except Exception as error:
        logger.warning("Could not queue the email of certificate %s (%s).", certificate_id, error)


_RENDERABLE = (Certificate.Status.PENDING, Certificate.Status.RENDERING)
# One quick retry when sending a message: a broker that does not answer must not hold up
# the request (or the seeding) that queues it; the sweeper resends what did not go.
_QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
