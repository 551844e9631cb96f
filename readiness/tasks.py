"""Celery tasks of the readiness app: thin wrappers around the services."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from readiness.digest import weekly_digest_send


@shared_task(
    name="readiness.tasks.weekly_digest",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    max_retries=5,
)
def weekly_digest_task() -> int:
    return weekly_digest_send()
