"""The administrators' home: the centre's key figures and its charts.

"Trained" means holding a standing certificate (a pass whose certificate was not revoked or
replaced); a person trained in several courses counts once per year, nationality or course
category. The charts are drawn here as plain geometry for an inline SVG (no script, no
network): ``BarChart`` holds the bars, the template draws them.

Readiness per mission evaluates every active profile against every active mission: a
second's work for thousands of trainees, kept in the cache for a few minutes. The dashboard
keeps the figures and charts as drawn (HTML) for as long, one copy per day and language:
a home page has no need of anything newer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from courses.models import Certificate, Course, CourseSession, in_language
from readiness.engine import Verdict
from readiness.models import DeploymentProfile, Mission
from readiness.selectors import QUALIFYING_CERTIFICATES, deployment_pool, readiness_rows
from trainees.models import Trainee

READY_CACHE_SECONDS = 300
FIGURES_CACHE_SECONDS = 300  # the dashboard's drawn figures and charts (a template fragment)
YEARS = 5  # the chart of trained per year shows this many years, this one included
TOP_NATIONALITIES = 8


@dataclass(frozen=True)
class Segment:
    label: str
    value: int
    css_class: str


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(s.value for s in self.segments)


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, stacked when a bar has several segments; ``scale`` is the largest
    total, which fills the width."""

    title: str
    bars: tuple[Bar, ...]
    legend: tuple[tuple[str, str], ...] = ()  # (label, css class)
    scale: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "scale", max((b.total for b in self.bars), default=0) or 1)

    def rows(self, width: int = 100) -> list[dict]:
        """For the template: each bar's segments with their x offset and width in percent."""
        rows = []
        for bar in self.bars:
            x = 0.0
            parts = []
            for segment in bar.segments:
                w = width * segment.value / self.scale
                parts.append({"segment": segment, "x": round(x, 2), "width": round(w, 2)})
                x += w
            rows.append({"bar": bar, "parts": parts, "end": round(x, 2)})
        return rows


def _certificates():
    return Certificate.objects.filter(status__in=QUALIFYING_CERTIFICATES)


def _people(queryset, *group_by: str):
    """Distinct holders per group (one query)."""
    return (
        queryset.values(*group_by).annotate(n=Count("enrolment__trainee", distinct=True)).order_by()
    )


def key_figures(today: datetime.date) -> dict:
    """Sessions running today and certificates issued this year (two queries)."""
    return {
        "sessions_running": CourseSession.objects.filter(
            status=CourseSession.Status.IN_PROGRESS
        ).count(),
        "certificates_this_year": _certificates().filter(issued_on__year=today.year).count(),
    }


def trained_per_year_by_sex(today: datetime.date) -> BarChart:
    first = today.year - YEARS + 1
    by_year: dict[int, dict[str, int]] = {}
    for row in _people(
        _certificates().filter(issued_on__year__gte=first),
        "issued_on__year",
        "enrolment__trainee__sex",
    ):
        by_year.setdefault(row["issued_on__year"], {})[row["enrolment__trainee__sex"]] = row["n"]
    women, men = str(Trainee.Sex.FEMALE.label), str(Trainee.Sex.MALE.label)
    bars = tuple(
        Bar(
            label=str(year),
            segments=(
                Segment(women, by_year.get(year, {}).get(Trainee.Sex.FEMALE, 0), "women"),
                Segment(men, by_year.get(year, {}).get(Trainee.Sex.MALE, 0), "men"),
            ),
        )
        for year in range(first, today.year + 1)
    )
    return BarChart(
        title=str(_("Trained per year, by sex")),
        bars=bars,
        legend=((women, "women"), (men, "men")),
    )


def trained_by_nationality() -> BarChart:
    rows = sorted(
        _people(_certificates(), "enrolment__trainee__nationality"),
        key=lambda row: (-row["n"], row["enrolment__trainee__nationality"]),
    )[:TOP_NATIONALITIES]
    return BarChart(
        title=str(_("Trained personnel, top nationalities")),
        bars=tuple(
            Bar(
                label=str(countries.name(code) or code),
                segments=(Segment("", row["n"], "trained"),),
            )
            for row in rows
            if (code := row["enrolment__trainee__nationality"])
        ),
    )


def trained_by_course_category() -> BarChart:
    rows = sorted(
        _people(_certificates(), "enrolment__session__course__category"),
        key=lambda row: -row["n"],
    )
    labels = dict(Course.Category.choices)
    return BarChart(
        title=str(_("Trained personnel per course category")),
        bars=tuple(
            Bar(
                label=str(labels.get(key, key)),
                segments=(Segment("", row["n"], "trained"),),
            )
            for row in rows
            if (key := row["enrolment__session__course__category"])
        ),
    )


def ready_per_mission(today: datetime.date) -> list[dict]:
    """For each active mission, how many people are ready (or ready but expiring) today for at
    least one active profile that applies to it. Cached for a few minutes."""
    key = f"dashboard:ready-per-mission:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = _ready_per_mission(today)
        cache.set(key, found, READY_CACHE_SECONDS)
    return found


def _ready_per_mission(today: datetime.date) -> list[dict]:
    missions = list(Mission.objects.filter(status=Mission.Status.ACTIVE))
    profiles = list(
        DeploymentProfile.objects.filter(active=True)
        .filter(Q(mission__isnull=True) | Q(mission__status=Mission.Status.ACTIVE))
        .prefetch_related("required_courses")
    )
    results = []
    for mission in missions:
        ready: set[int] = set()
        expiring: set[int] = set()
        for profile in profiles:
            if profile.mission_id not in (None, mission.pk):
                continue
            for row in readiness_rows(
                trainees=deployment_pool(profile),
                requirements=profile.requirements(),
                mission=mission.facts(),
                on=today,
            ):
                if row.verdict == Verdict.READY:
                    ready.add(row.trainee_id)
                elif row.verdict == Verdict.READY_EXPIRING:
                    expiring.add(row.trainee_id)
        results.append(
            {
                "acronym": mission.acronym,
                "name_es": mission.name_es,
                "name_en": mission.name_en,
                "ready": len(ready),
                "expiring": len(expiring - ready),
            }
        )
    return results


def dashboard_figures(today: datetime.date | None = None) -> dict:
    """The key figures, readiness per mission and the charts, with their labels in the active
    language. The dashboard keeps what it draws of them in the cache for a few minutes
    (``FIGURES_CACHE_SECONDS``, a fragment per day and language), so this runs about once
    per language in that time."""
    today = today or timezone.localdate()
    return {
        "today": today,
        **key_figures(today),
        "ready_per_mission": [
            {**row, "name": in_language(row["name_es"], row["name_en"])}
            for row in ready_per_mission(today)
        ],
        "charts": [
            trained_per_year_by_sex(today),
            trained_by_nationality(),
            trained_by_course_category(),
        ],
    }
