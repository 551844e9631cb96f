"""What the readiness board shows of a ``Board``, shared by its page, its exports and the
``readiness_report`` command so that they say the same thing: each person's findings with the
blocking ones first, the earliest lapse, the verdict counts with their share of the pool, and
the breakdowns with readable labels.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django_countries import countries

from readiness.engine import Finding, Readiness, Verdict
from readiness.selectors import Board
from trainees.models import Trainee

# The Bootstrap colour of each verdict, on badges, cards and bars.
VERDICT_STYLES = {
    Verdict.READY: "success",
    Verdict.READY_EXPIRING: "warning",
    Verdict.NOT_READY: "danger",
}


def findings_in_order(readiness: Readiness) -> list[Finding]:
    """Blocking findings first (what keeps the person home), then what lapses soon, each in
    the order the engine checks them."""
    return [*readiness.blocking, *readiness.lapsing]


def earliest_lapse(readiness: Readiness) -> datetime.date | None:
    """The first day something of theirs lapses within the lapse window (as a roster keeps)."""
    return min((f.on for f in readiness.lapsing if f.on), default=None)


def verdict_counts(counts: Counter) -> dict[str, int]:
    """Every verdict's count, zeros included, keyed by its stored value."""
    return {verdict.value: counts.get(verdict, 0) for verdict in Verdict}


@dataclass(frozen=True)
class VerdictCount:
    verdict: Verdict
    count: int
    percent: int  # of the pool, rounded

    @property
    def label(self) -> str:
        return str(self.verdict.label)

    @property
    def style(self) -> str:
        return VERDICT_STYLES[self.verdict]


def verdict_summary(board: Board) -> list[VerdictCount]:
    """The three counts with their share of the whole pool (not only the filtered rows)."""
    total = board.total
    return [
        VerdictCount(
            verdict=verdict,
            count=count,
            percent=round(100 * count / total) if total else 0,
        )
        for verdict, count in ((v, board.counts.get(v, 0)) for v in Verdict)
    ]


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    ready: int
    ready_expiring: int
    not_ready: int

    @property
    def total(self) -> int:
        return self.ready + self.ready_expiring + self.not_ready


@dataclass(frozen=True)
class Breakdown:
    slug: str  # names the tab in the page
    tab: str
    title: str
    rows: list[BreakdownRow]


def breakdowns(board: Board) -> list[Breakdown]:
    """The counts by nationality (country names), institution and sex, largest group first."""
    return [
        Breakdown(
            "nationality",
            _("By nationality"),
            _("Nationality"),
            _rows(board.by_nationality, countries.name),
        ),
        Breakdown(
            "institution",
            _("By institution"),
            _("Institution"),
            _rows(board.by_institution, str),
        ),
        Breakdown("sex", _("By sex"), _("Sex"), _rows(board.by_sex, _sex_label)),
    ]


def _rows(groups: dict[str, Counter], label) -> list[BreakdownRow]:
    rows = [
        BreakdownRow(key=key, label=str(label(key) or key), **verdict_counts(counts))
        for key, counts in groups.items()
    ]
    return sorted(rows, key=lambda row: (-row.total, row.label.casefold()))


def _sex_label(value: str) -> str:
    try:
        return str(Trainee.Sex(value).label)
    except ValueError:
        return value


@dataclass(frozen=True)
class LackedRequirement:
    key: str
    label: str
    lacking: int  # how many lack it
    lacking_only: int  # how many lack it and nothing else


def most_lacked(board: Board) -> list[LackedRequirement]:
    """The requirements that keep people from being ready, the most lacked first."""
    labels = dict(board.requirements)
    return [
        LackedRequirement(
            key=key,
            label=labels.get(key, key),
            lacking=count,
            lacking_only=board.lacking_only.get(key, 0),
        )
        for key, count in sorted(board.lacking.items(), key=lambda item: (-item[1], item[0]))
    ]
