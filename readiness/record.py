"""The deployment-readiness section of a trainee's record page and of their portal (see
trainees.record_sections): their verdict, today, for each active profile of their UN personnel
category and each mission it applies to.

A profile without a mission of its own applies to every active mission, nine of them: missions
with the same verdict for the same reasons share one row ("MINUSCA, MONUSCO: not ready, French
B2 required, has B1"), so the section stays short.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from readiness.engine import Code, Finding, Readiness, Verdict
from readiness.models import DeploymentProfile, Mission
from readiness.selectors import readiness_of_trainee
from trainees.models import Clearance, Trainee
from trainees.record_sections import RecordSection
from trainees.selectors import Visibility

VERDICT_ORDER = {Verdict.READY: 0, Verdict.READY_EXPIRING: 1, Verdict.NOT_READY: 2}


@dataclass(frozen=True)
class MissionGroup:
    """Missions for which the trainee has the same verdict and the same findings; what is
    missing (blocking) and what lapses, phrased for whoever reads the section."""

    missions: tuple[Mission, ...]
    readiness: Readiness
    missing: tuple[str, ...]
    lapsing: tuple[str, ...]

    @property
    def verdict(self) -> Verdict:
        return self.readiness.verdict

    @property
    def acronyms(self) -> str:
        return ", ".join(mission.acronym for mission in self.missions)


@dataclass(frozen=True)
class ProfileReadiness:
    profile: DeploymentProfile
    groups: tuple[MissionGroup, ...]


def readiness_by_profile(
    *,
    results: list[tuple[DeploymentProfile, Mission, Readiness]],
    own: bool,
) -> list[ProfileReadiness]:
    """``readiness_of_trainee``'s results, one entry per profile, its missions grouped by
    identical verdict and findings: ready first, then expiring, then not ready (those missing
    the least first). ``own``: phrased for the trainee (what to renew, and by when)."""
    by_profile: dict[int, tuple[DeploymentProfile, dict]] = {}
    for profile, mission, readiness in results:
        _, groups = by_profile.setdefault(profile.pk, (profile, {}))
        groups.setdefault((readiness.verdict, readiness.findings), []).append(mission)
    entries = []
    for profile, groups in by_profile.values():
        rows = [
            _group(tuple(missions), Readiness(verdict, findings), own=own)
            for (verdict, findings), missions in groups.items()
        ]
        rows.sort(key=lambda g: (VERDICT_ORDER[g.verdict], len(g.missing), g.missions[0].acronym))
        entries.append(ProfileReadiness(profile=profile, groups=tuple(rows)))
    return entries


def _group(missions: tuple[Mission, ...], readiness: Readiness, *, own: bool) -> MissionGroup:
    return MissionGroup(
        missions=missions,
        readiness=readiness,
        missing=tuple(f.message() for f in readiness.blocking),
        lapsing=tuple(_renewal(f) if own else f.message() for f in readiness.lapsing),
    )


def _renewal(finding: Finding) -> str:
    """A lapsing finding as the trainee's next step: what to renew, before which day. A
    mandate that ends is nothing they can renew: it is told as it is."""
    if finding.code == Code.COURSE_LAPSES:
        what = gettext("%(course)s certificate") % {
            "course": finding.course.title if finding.course else finding.subject
        }
    elif finding.code == Code.CLEARANCE_LAPSES:
        what = Clearance.Kind(finding.subject).label
    else:
        return finding.message()
    return gettext("%(what)s: renew before %(date)s.") % {
        "what": what,
        "date": date_format(finding.on, "DATE_FORMAT"),
    }


def trainee_readiness_section(
    *, trainee: Trainee, visibility: Visibility, on: datetime.date | None = None
) -> RecordSection | None:
    """For administrators and the trainee; not for instructors, who see a trainee's card only.
    A trainee whose category no profile covers sees no section; administrators see a note."""
    if visibility not in (Visibility.FULL, Visibility.OWN):
        return None
    on = on or timezone.localdate()
    own = visibility == Visibility.OWN
    profiles = readiness_by_profile(results=readiness_of_trainee(trainee=trainee, on=on), own=own)
    if not profiles and own:
        return None
    return RecordSection(
        "readiness/_trainee_readiness.html",
        {"on": on, "own": own, "profiles": profiles, "trainee": trainee},
    )
