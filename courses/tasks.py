"""Celery tasks of the courses app: thin wrappers that pass ids to the services.

The PDF task runs on the ``pdf`` queue (CELERY_TASK_ROUTES), acknowledged late: a worker
killed mid-render leaves the message to be delivered again, and the service's state check
makes the second delivery harmless.
"""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from cecopam.operations import task_run_recorded
from courses.services.certificate_mail import (
    certificate_expiry_reminders_send,
    certificate_issued_email_send,
)
from courses.services.certificates import (
    certificate_render,
    certificate_render_failed,
    certificates_sweep,
)


@shared_task(bind=True, name="courses.tasks.certificate_render", max_retries=None)
def certificate_render_task(self, certificate_id: int) -> str | None:
    """Render one certificate, recording this worker's node name on it. A failure is
    recorded on the row and retried with a growing delay until the row says failed
    (CERTIFICATE_RENDER_MAX_ATTEMPTS)."""
    try:
        certificate = certificate_render(
            certificate_id=certificate_id, worker=self.request.hostname or ""
        )
    except Exception as exc:  # SoftTimeLimitExceeded included: recorded, then retried
        certificate = certificate_render_failed(
            certificate_id=certificate_id, error=f"{type(exc).__name__}: {exc}"
        )
        if certificate is not None and certificate.status == certificate.Status.PENDING:
            raise self.retry(exc=exc, countdown=min(5 * 2**self.request.retries, 300)) from exc
        raise
    return certificate.status if certificate else None


@shared_task(bind=True, name="courses.tasks.certificates_sweep")
def certificates_sweep_task(self) -> int:
    """Queue again what is stuck; each run is recorded for the operations page."""
    with task_run_recorded(self.name) as run:
        run.count = certificates_sweep()
    return run.count


@shared_task(
    name="courses.tasks.certificate_issued_email",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=5,
)
def certificate_issued_email_task(certificate_id: int) -> bool:
    return certificate_issued_email_send(certificate_id=certificate_id)


@shared_task(name="courses.tasks.certificate_expiry_reminders")
def certificate_expiry_reminders_task() -> int:
    return certificate_expiry_reminders_send()
