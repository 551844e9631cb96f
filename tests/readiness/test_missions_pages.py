"""Administrators keep the missions and the deployment profiles; bad input saves nothing."""

import datetime

import pytest
from django.urls import reverse

from readiness.models import DeploymentProfile, Mission
from tests.factories import make_user
from tests.readiness.test_selectors import seed_minurso

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("missions.admin", role="administrator"))
    return client


MISSION = {
    "acronym": "UNMHA",
    "name_es": "Misión de las Naciones Unidas en apoyo del Acuerdo de Hodeida",
    "name_en": "United Nations Mission to support the Hudaydah Agreement",
    "kind": "special_political",
    "main_language": "ar",
    "other_languages": ["en", "ar"],
    "armed": "",
    "protection_of_civilians": "",
    "mandate_end": "2027-07-14",
    "status": "active",
    "closed_on": "",
}


def test_an_administrator_adds_a_mission_with_its_languages_main_first(admin_client):
    response = admin_client.post(reverse("readiness:mission-create"), MISSION, **EN)
    assert response.status_code == 302
    mission = Mission.objects.get(acronym="UNMHA")
    assert mission.working_languages == ["ar", "en"]
    assert (mission.armed, mission.mandate_end) == (False, datetime.date(2027, 7, 14))
    assert mission.history.get().history_user.username == "missions.admin"
    page = admin_client.get(response.url, **EN).content.decode()
    assert "UNMHA" in page and "“UNMHA” was saved." in page


def test_closing_a_mission_needs_its_last_day(admin_client):
    seed_minurso()
    minurso = Mission.objects.get(acronym="MINURSO")
    url = reverse("readiness:mission-edit", args=[minurso.pk])
    form = admin_client.get(url, **EN).context["form"]
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "status": "closed"}
    data.update(main_language="fr", other_languages=["en"], mandate_end="", closed_on="")
    response = admin_client.post(url, data, **EN)
    assert response.status_code == 400
    assert "Give the date the mission closed." in response.content.decode()
    minurso.refresh_from_db()
    assert minurso.status == "active"

    data["closed_on"] = "2027-01-31"
    assert admin_client.post(url, data, **EN).status_code == 302
    minurso.refresh_from_db()
    assert (minurso.status, minurso.closed_on) == ("closed", datetime.date(2027, 1, 31))
    assert minurso.working_languages == ["fr", "en"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"acronym": "MINURSO"}, "Mission with this Acronym already exists."),
        ({"main_language": "xx"}, "Select a valid choice."),
        ({"mandate_end": "2027-02-30"}, "Enter a valid date."),
    ],
)
def test_bad_missions_are_refused_with_a_reason(admin_client, change, message):
    seed_minurso()
    before = Mission.objects.count()
    response = admin_client.post(reverse("readiness:mission-create"), {**MISSION, **change}, **EN)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Mission.objects.count() == before


def profile_data(**changes):
    data = {
        "name_es": "Oficial de enlace",
        "name_en": "Liaison Officer",
        "role": "staff_officer",
        "mission": "",
        "active": "on",
        "required_courses": [],
        "min_language_level": "B2",
        "medical": "mission",
        "human_rights_screening": "on",
        "passport_months": "6",
        "min_age": "25",
        "max_age": "55",
        "min_years_of_service": "5",
        "allowed_rank_categories": ["officer", "senior_officer"],
        "allowed_un_categories": [],
    }
    data.update(changes)
    return data


def test_an_administrator_writes_a_profile_and_the_board_uses_it(admin_client):
    seed_minurso()
    from courses.models import Course

    cptm = Course.objects.get(code="CPTM")
    response = admin_client.post(
        reverse("readiness:profile-create"),
        profile_data(required_courses=[cptm.pk]),
        **EN,
    )
    assert response.status_code == 302
    profile = DeploymentProfile.objects.get(name_en="Liaison Officer")
    assert list(profile.required_courses.all()) == [cptm]
    assert profile.allowed_rank_categories == ["officer", "senior_officer"]
    assert profile.requirements().passport_months == 6
    minurso = Mission.objects.get(acronym="MINURSO")
    board = admin_client.get(
        reverse("readiness:board"),
        {"mission": minurso.pk, "profile": profile.pk, "date": "2027-03-01"},
        **EN,
    )
    assert board.status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"min_age": "60", "max_age": "30"}, "The minimum age cannot be above the maximum age."),
        ({"passport_months": "500"}, "Ensure this value is less than or equal to 120."),
        (
            {"name_en": "military observer / expert on mission"},
            "Another profile has this English name.",
        ),
        ({"allowed_rank_categories": ["admiral"]}, "Select a valid choice."),
    ],
)
def test_bad_profiles_are_refused_with_a_reason(admin_client, change, message):
    seed_minurso()
    before = DeploymentProfile.objects.count()
    response = admin_client.post(reverse("readiness:profile-create"), profile_data(**change), **EN)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert DeploymentProfile.objects.count() == before


@pytest.mark.parametrize("role", ["instructor", "trainee"])
def test_only_administrators_edit_missions_and_profiles(client, role):
    seed_minurso()
    client.force_login(make_user(f"x.{role}", role=role))
    mission = Mission.objects.first()
    profile = DeploymentProfile.objects.first()
    for url in (
        reverse("readiness:missions"),
        reverse("readiness:mission-edit", args=[mission.pk]),
        reverse("readiness:profile-edit", args=[profile.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"acronym": "X"}).status_code in (403, 405)
    assert Mission.objects.filter(acronym="X").count() == 0
