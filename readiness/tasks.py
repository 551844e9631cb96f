"""Celery tasks of the readiness app: thin wrappers around the services."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from cecopam.operations import task_run_recorded
from readiness.digest import weekly_digest_send


@shared_task(
    bind=True,
    name="readiness.tasks.weekly_digest",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    max_retries=5,
)
def weekly_digest_task(self) -> int:
    """Daily: send this week's digest unless it went out already. Every run is recorded for
    the operations page, one that sends nothing too; a failed one before it is retried."""
    with task_run_recorded(self.name) as run:
        run.count = weekly_digest_send()
    return run.count
