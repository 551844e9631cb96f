"""Every write of the readiness app. Each service is atomic and raises ValidationError with a
message a person can act on."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from courses.models import Course
from readiness.engine import Verdict
from readiness.models import DeploymentProfile, Mission, Roster, RosterMember
from readiness.selectors import readiness_rows
from trainees.models import Trainee


@transaction.atomic
def mission_create(**fields) -> Mission:
    """A new mission, checked in full (working languages among the known ones, a closed
    mission with its closing date)."""
    mission = Mission(**fields)
    mission.full_clean()
    mission.save()
    return mission


@transaction.atomic
def deployment_profile_create(
    *, required_courses: Iterable[Course] = (), **fields
) -> DeploymentProfile:
    """A new deployment profile with its required courses, checked in full (age range,
    allowed categories among the known ones)."""
    profile = DeploymentProfile(**fields)
    profile.full_clean()
    profile.save()
    profile.required_courses.set(required_courses)
    return profile


@transaction.atomic
def mission_save(*, form) -> Mission:
    """Save a valid MissionForm (new or edited); its history records who and when."""
    return form.save()


@transaction.atomic
def deployment_profile_save(*, form) -> DeploymentProfile:
    """Save a valid DeploymentProfileForm with its required courses."""
    return form.save()


@transaction.atomic
def roster_create(
    *,
    name: str,
    mission: Mission,
    profile: DeploymentProfile,
    deploys_on: datetime.date,
    trainee_ids: Iterable[int],
    by,
) -> Roster:
    """Save a roster of trainees for a rotation. Each is judged again here, on the server, for
    this mission, profile and date: a roster only holds people who are ready (or ready but
    expiring); if anyone is not, nothing is saved and the message names them."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the roster a name.")})
    ids = sorted(set(trainee_ids))
    if not ids:
        raise ValidationError(_("Select at least one ready trainee."))
    trainees = Trainee.objects.filter(pk__in=ids).order_by()
    rows = list(
        readiness_rows(
            trainees=trainees,
            requirements=profile.requirements(),
            mission=mission.facts(),
            on=deploys_on,
        )
    )
    if len(rows) != len(ids):
        raise ValidationError(_("A selected trainee no longer exists; reload the board."))
    not_ready = [row.name for row in rows if row.verdict == Verdict.NOT_READY]
    if not_ready:
        raise ValidationError(
            _("Not ready on %(date)s, so the roster was not saved: %(names)s.")
            % {"date": date_format(deploys_on, "DATE_FORMAT"), "names": "; ".join(not_ready)}
        )
    roster = Roster(
        name=name, mission=mission, profile=profile, deploys_on=deploys_on, created_by=by
    )
    roster.full_clean()
    roster.save()
    RosterMember.objects.bulk_create(
        RosterMember(
            roster=roster,
            trainee_id=row.trainee_id,
            verdict=row.verdict,
            lapses_on=min((f.on for f in row.readiness.lapsing if f.on), default=None),
        )
        for row in rows
    )
    return roster
