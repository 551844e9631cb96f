"""Gender parity: the share of women among the personnel the centre trained, and among those
ready to deploy, by UN personnel category, against the UN Uniformed Gender Parity Strategy
2018–2028. Reporting only: no verdict ever depends on it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from readiness.engine import Verdict
from readiness.models import DeploymentProfile, Mission
from readiness.selectors import QUALIFYING_CERTIFICATES, deployment_pool, readiness_rows
from trainees.models import Trainee

U = Trainee.UNCategory


@dataclass(frozen=True)
class ParityGroup:
    """Categories the Strategy sets one target for, and its targets (% women) by year."""

    key: str
    label: str
    categories: tuple[str, ...]
    targets: dict[int, int]

    def target_for(self, year: int) -> tuple[int, int] | None:
        """The target in force in ``year``: that of the next milestone (the Strategy's
        targets are to be reached by their year), as (milestone year, percent)."""
        milestones = sorted(y for y in self.targets if y >= year)
        if not milestones:
            return None
        return milestones[0], self.targets[milestones[0]]


# DESIGN.md §3: targets for 2028, and for 2025 where the Strategy gives one.
PARITY_GROUPS = (
    ParityGroup("contingents", _("Military contingents"), (U.CONTINGENT,), {2025: 12, 2028: 15}),
    ParityGroup(
        "staff_observers",
        _("Staff officers and military observers"),
        (U.STAFF_OFFICER, U.MILITARY_OBSERVER),
        {2025: 22, 2028: 25},
    ),
    ParityGroup("fpu", _("Formed police units"), (U.FORMED_POLICE_UNIT,), {2025: 15, 2028: 20}),
    ParityGroup("ipo", _("Individual police officers"), (U.INDIVIDUAL_POLICE,), {2028: 30}),
)


@dataclass(frozen=True)
class Share:
    women: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(100 * self.women) / self.total).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class ParityRow:
    group: ParityGroup
    trained: Share
    ready: Share
    target: tuple[int, int] | None  # (milestone year, percent)

    @property
    def trained_meets_target(self) -> bool | None:
        return _meets(self.trained, self.target)

    @property
    def ready_meets_target(self) -> bool | None:
        return _meets(self.ready, self.target)


def _meets(share: Share, target) -> bool | None:
    if target is None or share.percent is None:
        return None
    return share.percent >= target[1]


def parity_report(*, year: int, on: datetime.date) -> list[ParityRow]:
    """For each parity group: women among those trained in ``year`` (a standing certificate
    issued that year), and among those ready (or ready but expiring) on ``on`` for at least
    one active profile of their category and an active mission it applies to."""
    trained = _trained_by_category(year)
    ready = _ready_by_category(on)
    rows = []
    for group in PARITY_GROUPS:
        rows.append(
            ParityRow(
                group=group,
                trained=_share(trained, group.categories),
                ready=_share(ready, group.categories),
                target=group.target_for(year),
            )
        )
    return rows


def _share(counts: dict[str, dict[str, int]], categories) -> Share:
    women = sum(counts.get(c, {}).get(Trainee.Sex.FEMALE, 0) for c in categories)
    total = sum(sum(counts.get(c, {}).values()) for c in categories)
    return Share(women=women, total=total)


def _trained_by_category(year: int) -> dict[str, dict[str, int]]:
    """People (each once) with a standing certificate issued in ``year``, by category and
    sex. One query."""
    people = (
        Trainee.objects.filter(
            enrolments__certificates__status__in=QUALIFYING_CERTIFICATES,
            enrolments__certificates__issued_on__year=year,
        )
        .values("un_category", "sex")
        .annotate(n=Count("pk", distinct=True))
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in people:
        counts[row["un_category"]][row["sex"]] = row["n"]
    return counts


def _ready_by_category(on: datetime.date) -> dict[str, dict[str, int]]:
    """People ready for something on ``on``, by category and sex: each active profile against
    its mission, or against every active mission; a person counts once."""
    missions = list(Mission.objects.filter(status=Mission.Status.ACTIVE))
    profiles = DeploymentProfile.objects.filter(active=True).filter(
        Q(mission__isnull=True) | Q(mission__status=Mission.Status.ACTIVE)
    )
    ready: dict[int, tuple[str, str]] = {}
    for profile in profiles.select_related("mission").prefetch_related("required_courses"):
        requirements = profile.requirements()
        for mission in [profile.mission] if profile.mission else missions:
            rows = readiness_rows(
                trainees=deployment_pool(profile),
                requirements=requirements,
                mission=mission.facts(),
                on=on,
            )
            for row in rows:
                if row.verdict != Verdict.NOT_READY:
                    ready[row.trainee_id] = (row.un_category, row.sex)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for category, sex in ready.values():
        counts[category][sex] += 1
    return counts
