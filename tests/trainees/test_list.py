import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.trainees.helpers import a_trainee
from trainees.models import Clearance
from trainees.services import clearance_create, institution_get_or_create

pytestmark = pytest.mark.django_db
URL = reverse("trainees:list")


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def names(response) -> list[str]:
    return [t.given_names for t in response.context["page"]]


def test_search_ignores_accents_and_case(admin_client):
    a_trainee(1, given_names="José Ángel", first_surname="López", second_surname="Núñez")
    a_trainee(2, given_names="Ana", first_surname="Pérez", second_surname="Ruiz")
    response = admin_client.get(URL, {"q": "lopez nunez"})
    assert names(response) == ["José Ángel"]
    assert names(admin_client.get(URL, {"q": "JOSE ANGEL"})) == ["José Ángel"]
    assert names(admin_client.get(URL, {"q": "T-00002"})) == ["Ana"]
    assert "1 alumno coincide" in response.text


def test_filters_by_nationality_institution_sex_and_un_category(admin_client):
    police = institution_get_or_create(
        name="Policía Nacional de Colombia", kind="foreign_police", country="CO"
    )
    a_trainee(1, given_names="Mexicana", sex="F")
    a_trainee(
        2,
        given_names="Colombiano",
        nationality="CO",
        institution=police,
        rank_category="police",
        un_category="individual_police",
    )
    assert names(admin_client.get(URL, {"nationality": "CO"})) == ["Colombiano"]
    assert names(admin_client.get(URL, {"institution": police.pk})) == ["Colombiano"]
    assert names(admin_client.get(URL, {"sex": "F"})) == ["Mexicana"]
    assert names(admin_client.get(URL, {"un_category": "individual_police"})) == ["Colombiano"]


def test_filters_by_clearance_state(admin_client):
    today = timezone.localdate()
    valid, expiring, expired, _missing = (
        a_trainee(n, given_names=g)
        for n, g in enumerate(["Vigente", "PorVencer", "Vencido", "Sin"])
    )
    for trainee, until in [
        (valid, today + datetime.timedelta(days=400)),
        (expiring, today + datetime.timedelta(days=30)),
        (expired, today - datetime.timedelta(days=1)),
    ]:
        clearance_create(
            trainee=trainee,
            kind=Clearance.Kind.PASSPORT,
            issued_on=until - datetime.timedelta(days=3650),
            valid_until=until,
        )
    query = {"clearance_kind": "passport"}
    assert names(admin_client.get(URL, {**query, "clearance_state": "valid"})) == ["Vigente"]
    assert names(admin_client.get(URL, {**query, "clearance_state": "expiring"})) == ["PorVencer"]
    assert names(admin_client.get(URL, {**query, "clearance_state": "expired"})) == ["Vencido"]
    assert names(admin_client.get(URL, {**query, "clearance_state": "missing"})) == ["Sin"]


def test_sorts_and_paginates_with_the_count_of_matches(admin_client):
    for n in range(30):
        a_trainee(n, first_surname=f"Apellido{n:02d}")
    first = admin_client.get(URL, {"order": "-surname"})
    assert first.context["page"].paginator.count == 30
    assert [t.first_surname for t in first.context["page"]][:2] == ["Apellido29", "Apellido28"]
    assert "30 alumnos coinciden" in first.text
    second = admin_client.get(URL, {"order": "-surname", "page": 2})
    assert len(second.context["page"]) == 5


def test_an_unknown_filter_value_is_ignored_with_no_error(admin_client):
    a_trainee(1)
    response = admin_client.get(URL, {"sex": "X", "institution": "nope", "page": "zzz"})
    assert response.status_code == 200


def queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


def test_the_list_runs_the_same_number_of_queries_for_20_and_500_trainees(admin_client):
    for n in range(20):
        trainee = a_trainee(n)
        clearance_create(
            trainee=trainee,
            kind="passport",
            issued_on=datetime.date(2020, 1, 1),
            valid_until=datetime.date(2021, 1, 1),
        )
    small = queries(admin_client, order="surname")
    for n in range(20, 500):
        a_trainee(n)
    assert queries(admin_client, order="surname") == small


def test_each_row_counts_its_own_expired_and_expiring_clearances_on_every_page(admin_client):
    today = timezone.localdate()
    for n in range(27):
        a_trainee(n, first_surname=f"Apellido{n:02d}")
    # On the second page (25 a page): one with two expired documents and one expiring, one
    # with a refused passport (not granted: not counted), one with nothing.
    lapsed, refused = a_trainee(60, first_surname="Zeta"), a_trainee(61, first_surname="Zulu")
    for kind, until in [
        (Clearance.Kind.PASSPORT, today - datetime.timedelta(days=1)),
        (Clearance.Kind.DRIVING_LICENCE, today - datetime.timedelta(days=200)),
        (Clearance.Kind.WEAPONS_HANDLING, today + datetime.timedelta(days=90)),
        (Clearance.Kind.MEDICAL_MS2, today + datetime.timedelta(days=91)),
    ]:
        clearance_create(
            trainee=lapsed, kind=kind, issued_on=today - datetime.timedelta(days=400),
            valid_until=until,
        )  # fmt: skip
    clearance_create(
        trainee=refused,
        kind=Clearance.Kind.PASSPORT,
        issued_on=today - datetime.timedelta(days=400),
        valid_until=today - datetime.timedelta(days=1),
        status=Clearance.Status.REFUSED,
    )
    page = admin_client.get(URL, {"order": "surname", "page": 2}).context["page"]
    counts = {t.first_surname: (t.clearances_expired, t.clearances_expiring) for t in page}
    assert counts["Zeta"] == (2, 1)
    assert counts["Zulu"] == (0, 0)
    assert counts["Apellido26"] == (0, 0)
    response = admin_client.get(URL, {"q": "Zeta"})
    assert "2 vencidas" in response.text
    assert "1 por vencer" in response.text
