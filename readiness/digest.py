"""The administrators' weekly digest of what lapses in the next 90 days (``forecast``).

Sent once per week (the week starting on Monday): a WeeklyDigest row is claimed first, the
message sent next, and the claim given back if sending fails, so a second run, a retry or two
beat instances at once send it once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cecopam.mail import bilingual_message
from cecopam.roles import Role
from readiness.forecast import expiry_forecast
from readiness.models import WeeklyDigest

LISTED = 50  # lapses written out in the message; the page has them all


def weekly_digest_send(*, today: datetime.date | None = None) -> int:
    """Email this week's digest to every active administrator with an email address, unless
    it went out already this week. Returns how many it was sent to."""
    today = today or timezone.localdate()
    week = today - datetime.timedelta(days=today.weekday())
    recipients = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ADMINISTRATOR.group_name)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return 0
    forecast = expiry_forecast(start=today)
    try:
        with transaction.atomic():
            claim = WeeklyDigest.objects.create(
                week=week,
                sent_at=timezone.now(),
                recipients=len(recipients),
                lapses=len(forecast.lapses),
            )
    except IntegrityError:
        return 0  # sent already this week
    forecast_url = settings.SITE_BASE_URL.rstrip("/") + reverse("readiness:forecast")

    def context(language: str) -> dict:
        # Read again in each language: course titles and clearance names are written out.
        forecast = expiry_forecast(start=today)
        return {
            "forecast": forecast,
            "lapses": forecast.lapses[:LISTED],
            "more": max(len(forecast.lapses) - LISTED, 0),
            "people": len(forecast.by_trainee),
            "forecast_url": forecast_url,
        }

    try:
        bilingual_message(
            templates="readiness/email/weekly_digest",
            context=context,
            to=recipients,
        ).send()
    except BaseException:
        claim.delete()
        raise
    return len(recipients)
