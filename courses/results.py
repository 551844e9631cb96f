"""The result rules, as pure functions: a weighted total, critical components, attendance.

A trainee passes when the weighted total reaches the course's pass mark, every critical
component is passed on its own, and attendance reaches the course's minimum. A missing score
counts as zero; a day without a record counts as not present; an excused absence is recorded
but is not attendance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ComponentRule:
    id: int
    weight: Decimal  # percent of the total
    max_score: Decimal
    pass_mark: Decimal  # out of max_score
    critical: bool


@dataclass(frozen=True)
class Result:
    total: Decimal  # out of 100, to the hundredth
    attendance_percent: Decimal  # to the hundredth
    passed: bool
    total_short: bool  # the total is under the pass mark
    attendance_short: bool
    failed_critical: tuple[int, ...]  # ids of the critical components not passed


def weighted_total(components: Iterable[ComponentRule], scores: Mapping[int, Decimal]) -> Decimal:
    """The weighted total out of 100, rounded half up to the hundredth."""
    total = sum(
        (scores.get(c.id, Decimal(0)) / c.max_score * c.weight for c in components), Decimal(0)
    )
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def attendance_percent(days_present: int, days_total: int) -> Decimal:
    """Days present over the session's days, rounded half up to the hundredth; a session
    without a day to attend is missed by no one: 100 %."""
    if not days_total:
        return Decimal(100).quantize(CENT)
    return (Decimal(days_present * 100) / days_total).quantize(CENT, rounding=ROUND_HALF_UP)


def result_compute(
    *,
    pass_mark: Decimal,
    min_attendance_percent: int,
    components: Iterable[ComponentRule],
    scores: Mapping[int, Decimal],
    days_present: int,
    days_total: int,
) -> Result:
    components = list(components)
    total = weighted_total(components, scores)
    failed_critical = tuple(
        c.id for c in components if c.critical and scores.get(c.id, Decimal(0)) < c.pass_mark
    )
    # Compared in whole numbers, so that 9 days of 10 meets 90 % exactly.
    attendance_short = days_present * 100 < min_attendance_percent * days_total
    attendance = attendance_percent(days_present, days_total)
    total_short = total < pass_mark
    return Result(
        total=total,
        attendance_percent=attendance,
        passed=not (total_short or attendance_short or failed_critical),
        total_short=total_short,
        attendance_short=attendance_short,
        failed_critical=failed_critical,
    )
