"""The readiness app's other pages: rosters and their nomination list, the expiry forecast,
the gender parity report. Administrators only."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from courses.verification_codes import verification_url
from readiness.models import Roster
from tests.factories import make_user
from tests.readiness.test_selectors import ON, certificate, granted, ready_observer, seed_minurso
from trainees.models import Clearance

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def observers():
    return seed_minurso()


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("pages.admin", role="administrator"))
    return client


def roster_post(client, mission, profile, trainees, name="MINURSO 2027-1"):
    return client.post(
        reverse("readiness:roster-create"),
        {
            "name": name,
            "mission": mission.pk,
            "profile": profile.pk,
            "date": ON.isoformat(),
            "trainees": [t.pk for t in trainees],
        },
        **EN,
    )


def test_an_administrator_saves_a_roster_and_downloads_its_nomination_list(observers, admin_client):
    mission, profile = observers
    ana = ready_observer(0, given_names="Ana", first_surname="Ruiz", second_surname="")
    luis = ready_observer(1, given_names="Luis", first_surname="Soto", second_surname="")

    response = roster_post(admin_client, mission, profile, [ana, luis])
    roster = Roster.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("readiness:roster-detail", args=[roster.pk])

    page = admin_client.get(response.url, **EN).content.decode()
    assert "MINURSO 2027-1" in page and "Ruiz, Ana" in page and "Soto, Luis" in page
    assert "Roster “MINURSO 2027-1” saved with 2 people." in page

    served = admin_client.get(reverse("readiness:roster-csv", args=[roster.pk]), **EN)
    rows = list(csv.reader(io.StringIO(served.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Surnames", "Given names", "Rank"]
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"Ana", "Luis"}
    assert by_name["Ana"][6] == "2032-01-01"  # passport valid until
    serials = {
        c.serial: c for c in ana.enrolments.get(session__course__code="CPTM").certificates.all()
    }
    (serial,) = serials
    assert serial in by_name["Ana"][9]
    assert verification_url(serials[serial].code) in by_name["Ana"][9]

    served = admin_client.get(reverse("readiness:roster-xlsx", args=[roster.pk]), **EN)
    sheet = load_workbook(io.BytesIO(served.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Surnames"
    assert {row[1] for row in values[1:]} == {"Ana", "Luis"}
    assert values[1][6] == datetime.datetime(2032, 1, 1)


def test_a_roster_with_someone_not_ready_goes_back_to_the_board_with_the_reason(
    observers, admin_client
):
    mission, profile = observers
    ana = ready_observer(0, given_names="Ana", first_surname="Ruiz", second_surname="")
    Clearance.objects.filter(trainee=ana, kind="passport").delete()
    response = roster_post(admin_client, mission, profile, [ana])
    assert response.status_code == 302
    assert response.url.startswith(reverse("readiness:board") + "?mission=")
    page = admin_client.get(response.url, **EN).content.decode()
    assert "Ruiz, Ana" in page and "not saved" in page
    assert not Roster.objects.exists()


@pytest.mark.parametrize("field", ["name", "date", "trainees"])
def test_a_bad_roster_form_saves_nothing_and_says_why(observers, admin_client, field):
    mission, profile = observers
    ana = ready_observer(0)
    data = {
        "name": "R",
        "mission": mission.pk,
        "profile": profile.pk,
        "date": ON.isoformat(),
        "trainees": [ana.pk],
    }
    data[field] = {"name": "", "date": "31/02/2027", "trainees": ["abc"]}[field]
    response = admin_client.post(reverse("readiness:roster-create"), data, **EN)
    assert response.status_code == 302
    page = admin_client.get(response.url, **EN).content.decode()
    assert "The roster was not saved" in page
    assert not Roster.objects.exists()


def test_the_forecast_page_lists_what_lapses(observers, admin_client):
    ana = ready_observer(0, given_names="Ana", first_surname="Ruiz", second_surname="")
    soon = datetime.date.today() + datetime.timedelta(days=20)
    granted(ana, Clearance.Kind.WEAPONS_HANDLING, valid_until=soon)
    certificate(ana, "UOF", valid_until=soon + datetime.timedelta(days=5))
    page = admin_client.get(reverse("readiness:forecast"), **EN).content.decode()
    assert "Ruiz, Ana" in page and "Weapons handling" in page and "UOF course" in page
    page = admin_client.get(reverse("readiness:forecast") + "?days=30", **EN)
    assert page.status_code == 200
    bad = admin_client.get(reverse("readiness:forecast") + "?days=7", **EN)
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()


def test_the_parity_page_shows_shares_and_targets(observers, admin_client):
    ready_observer(0, sex="F")
    ready_observer(1, sex="M")
    page = admin_client.get(reverse("readiness:parity") + "?year=2026", **EN).content.decode()
    assert "Staff officers and military observers" in page
    assert "1 / 2" in page and "50.0 %" in page
    assert "25 % by 2028" in page
    assert admin_client.get(reverse("readiness:parity") + "?year=1900", **EN).status_code == 400


@pytest.mark.parametrize("role", ["instructor", "trainee"])
@pytest.mark.parametrize(
    "name", ["readiness:roster-list", "readiness:forecast", "readiness:parity"]
)
def test_other_roles_are_refused(client, role, name):
    client.force_login(make_user(f"other.{role}", role=role))
    assert client.get(reverse(name)).status_code == 403


def test_other_roles_cannot_see_or_download_a_roster(observers, admin_client, client):
    mission, profile = observers
    roster_post(admin_client, mission, profile, [ready_observer(0)])
    roster = Roster.objects.get()
    client.logout()
    client.force_login(make_user("nosy.trainee", role="trainee", with_trainee=True))
    for name in ("readiness:roster-detail", "readiness:roster-csv", "readiness:roster-xlsx"):
        assert client.get(reverse(name, args=[roster.pk])).status_code == 403
    assert client.post(reverse("readiness:roster-create"), {}).status_code == 403


def test_the_board_lets_only_ready_people_be_ticked_for_a_roster(observers, admin_client):
    mission, profile = observers
    ready = ready_observer(0)
    late = ready_observer(1)
    Clearance.objects.filter(trainee=late, kind="passport").delete()
    query = {"mission": mission.pk, "profile": profile.pk, "date": ON.isoformat()}
    page = admin_client.get(reverse("readiness:board"), query, **EN).content.decode()
    assert re.search(rf'name="trainees"\s+value="{ready.pk}"', page)
    assert not re.search(rf'name="trainees"\s+value="{late.pk}"', page)
    assert f'action="{reverse("readiness:roster-create")}"' in page
