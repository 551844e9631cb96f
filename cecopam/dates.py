"""Calendar arithmetic shared by the apps (certificates, readiness)."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta


def months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Jan + 1
    month is 28 or 29 Feb)."""
    return day + relativedelta(months=months)
