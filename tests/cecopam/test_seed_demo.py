"""The demo centre: believable, and loaded once."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from cecopam.demo import DEMO_LOGINS, DEMO_PASSWORD
from cecopam.roles import Role, user_role
from trainees.models import Clearance, Institution, LanguageSkill, Trainee
from trainees.selectors import ClearanceState, clearance_rows

# The demo's certificates are rendered with a stand-in page here: tests/courses/test_demo.py
# prints them for real.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdfs")]


def snapshot():
    return (
        sorted(get_user_model().objects.values_list("username", "password", "last_login")),
        sorted(Institution.objects.values_list("name", "country", "updated_at")),
        sorted(Trainee.objects.values_list("service_number", "updated_at", "user_id")),
        Trainee.history.count(),
        sorted(Clearance.objects.values_list("trainee_id", "kind", "valid_until", "updated_at")),
        sorted(LanguageSkill.objects.values_list("trainee_id", "language", "level")),
    )


@translation.override("es-mx")  # as from a shell: the default language
def test_seed_demo_twice_changes_nothing_the_second_time(capsys):
    call_command("seed_demo")
    first = snapshot()
    assert "Datos de demostración cargados: 6 cuentas, 17 instituciones" in capsys.readouterr().out
    call_command("seed_demo")
    assert snapshot() == first
    assert "ya estaban cargados; no se realizó ningún cambio" in capsys.readouterr().out


def test_demo_centre_is_believable():
    call_command("seed_demo")
    roles = Counter(user_role(u) for u in get_user_model().objects.all())
    assert roles[Role.ADMINISTRATOR] == 1
    assert roles[Role.INSTRUCTOR] == 3

    trainees = list(Trainee.objects.select_related("institution"))
    assert 55 <= len(trainees) <= 65
    women = sum(t.sex == Trainee.Sex.FEMALE for t in trainees)
    assert 0.2 <= women / len(trainees) <= 0.3
    nationalities = {t.nationality.code for t in trainees}
    assert "MX" in nationalities and len(nationalities - {"MX"}) >= 8
    kinds = {t.institution.kind for t in trainees if t.nationality == "MX"}
    assert {"army", "air_force", "navy", "national_guard", "federal_police", "civilian"} <= kinds
    assert all(t.first_surname and t.second_surname for t in trainees)


def test_every_demo_login_signs_in_with_the_published_password(client):
    call_command("seed_demo")
    for username, _role in DEMO_LOGINS:
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        assert response["Location"] == "/"
        client.logout()
    trainee = get_user_model().objects.get(username="trainee")
    assert Trainee.objects.get(user=trainee).full_name == trainee.get_full_name()


def test_demo_trainees_have_languages_and_clearances_in_every_state():
    call_command("seed_demo")
    states = {
        row.state
        for trainee in Trainee.objects.prefetch_related("clearances")
        for row in clearance_rows(trainee)
    }
    assert states == set(ClearanceState)
    assert not Trainee.objects.filter(languages__isnull=True).exists()
