"""The reference missions and profiles: what they say, and that seeding twice changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from readiness.engine import Medical
from readiness.models import DeploymentProfile, Mission
from readiness.seeding import readiness_reference_seed
from readiness.services import deployment_profile_create, mission_create
from tests.courses.helpers import a_course

pytestmark = pytest.mark.django_db


def catalogue():
    for code in ("CPTM", "UNPOL", "UNMEM", "UNSOC", "UOF"):
        a_course(code, title_en=f"{code} course", title_es=f"Curso {code}")


def test_the_missions_of_the_design_are_seeded_with_their_languages_and_status():
    readiness_reference_seed()
    missions = {m.acronym: m for m in Mission.objects.all()}
    assert set(missions) == {
        "MINUSCA", "MONUSCO", "UNMISS", "UNISFA", "UNIFIL",
        "MINURSO", "UNMOGIP", "UNTSO", "UNVMC", "MINUSMA",
    }  # fmt: skip
    assert missions["MINURSO"].working_languages == ["fr", "en"]
    assert missions["MINURSO"].armed is False
    assert missions["UNVMC"].working_languages == ["es"]
    assert missions["UNVMC"].kind == Mission.Kind.SPECIAL_POLITICAL
    assert missions["UNIFIL"].mandate_end == datetime.date(2026, 12, 31)
    minusma = missions["MINUSMA"]
    assert (minusma.status, minusma.closed_on) == ("closed", datetime.date(2023, 12, 31))
    assert all(m.status == "active" for a, m in missions.items() if a != "MINUSMA")


def test_the_four_profiles_carry_the_un_rules():
    catalogue()
    readiness_reference_seed()
    profiles = {
        p.name_en: p for p in DeploymentProfile.objects.prefetch_related("required_courses")
    }
    assert set(profiles) == {
        "Individual Police Officer",
        "Military Observer / Expert on Mission",
        "Staff Officer",
        "Contingent Member",
    }
    police = profiles["Individual Police Officer"].requirements()
    assert (police.min_age, police.max_age, police.min_years_of_service) == (25, 62, 5)
    assert police.police_ams and police.driving_licence and police.weapons_handling
    assert [c.code for c in police.required_courses] == ["CPTM", "UNPOL"]
    observer = profiles["Military Observer / Expert on Mission"].requirements()
    assert observer.medical == Medical.MS3
    assert observer.min_age == 25
    assert observer.allowed_rank_categories == {"officer", "senior_officer"}
    for profile in profiles.values():
        requirements = profile.requirements()
        assert requirements.human_rights_screening
        assert requirements.passport_months == 18
        assert "CPTM" in {c.code for c in requirements.required_courses}


def test_seeding_twice_changes_nothing_and_keeps_an_administrators_edits():
    catalogue()
    first = readiness_reference_seed()
    assert first.changed and not first.courses_not_found
    Mission.objects.filter(acronym="UNMISS").update(mandate_end=datetime.date(2027, 4, 30))
    before = (
        list(Mission.objects.values()),
        list(DeploymentProfile.objects.values()),
        list(DeploymentProfile.required_courses.through.objects.values()),
        Mission.history.count(),
        DeploymentProfile.history.count(),
    )
    second = readiness_reference_seed()
    assert not second.changed
    after = (
        list(Mission.objects.values()),
        list(DeploymentProfile.objects.values()),
        list(DeploymentProfile.required_courses.through.objects.values()),
        Mission.history.count(),
        DeploymentProfile.history.count(),
    )
    assert after == before
    assert Mission.objects.get(acronym="UNMISS").mandate_end == datetime.date(2027, 4, 30)


def test_without_the_catalogue_profiles_are_seeded_and_the_missing_courses_reported():
    report = readiness_reference_seed()
    assert report.courses_not_found == {"CPTM", "UNPOL", "UNMEM", "UNSOC", "UOF"}
    assert DeploymentProfile.objects.count() == 4


def test_a_mission_refuses_unknown_languages_and_a_closed_one_needs_its_date():
    fields = {"acronym": "TEST", "name_es": "Prueba", "name_en": "Test", "kind": "peacekeeping"}
    with pytest.raises(ValidationError) as problem:
        mission_create(**fields, working_languages=["fr", "xx"])
    assert "working_languages" in problem.value.message_dict
    with pytest.raises(ValidationError) as problem:
        mission_create(**fields, working_languages=["fr"], status="closed")
    assert "closed_on" in problem.value.message_dict
    assert not Mission.objects.exists()


def test_a_profile_refuses_an_age_range_upside_down():
    fields = {"name_es": "Prueba", "name_en": "Test", "role": "contingent"}
    with pytest.raises(ValidationError):
        deployment_profile_create(**fields, min_age=40, max_age=30)
    with pytest.raises(ValidationError):
        deployment_profile_create(**fields, allowed_rank_categories=["captain"])
    with pytest.raises(IntegrityError), transaction.atomic():
        DeploymentProfile.objects.create(**fields, min_age=40, max_age=30)
