"""Every write of the readiness app. Each service is atomic and raises ValidationError with a
message a person can act on."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from courses.models import Course
from readiness.models import DeploymentProfile, Mission


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
