"""The administrators' dashboard: key figures, readiness per mission and the charts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from cecopam.dashboard import dashboard_figures
from tests.readiness.test_selectors import certificate, ready_observer, seed_minurso
from trainees.models import Clearance

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)


def chart(figures, index):
    return {bar.label: [s.value for s in bar.segments] for bar in figures["charts"][index].bars}


def test_the_figures_count_people_once_and_readiness_per_mission():
    seed_minurso()
    ana = ready_observer(0, sex="F", nationality="GT")
    ready_observer(1, sex="M")
    late = ready_observer(2, sex="M")
    Clearance.objects.filter(trainee=late, kind="passport").delete()
    certificate(ana, "UOF", valid_until=None, issued_on=datetime.date(2027, 1, 10))

    with translation.override("en"):
        figures = dashboard_figures(TODAY)

    assert figures["certificates_this_year"] == 1
    # Certificates of 1 Feb 2026 for all three; Ana's of 2027 counts her once more in 2027.
    per_year = chart(figures, 0)
    assert list(per_year) == ["2023", "2024", "2025", "2026", "2027"]
    assert per_year["2026"] == [1, 2]
    assert per_year["2027"] == [1, 0]
    assert chart(figures, 1) == {"Mexico": [2], "Guatemala": [1]}
    assert chart(figures, 2) == {"Use of force": [3]}  # the test courses are all of it
    minurso = next(m for m in figures["ready_per_mission"] if m["acronym"] == "MINURSO")
    assert (minurso["ready"], minurso["expiring"]) == (2, 0)
    assert "MINUSMA" not in {m["acronym"] for m in figures["ready_per_mission"]}


def test_the_dashboard_draws_its_charts_without_any_script(client, administrator):
    seed_minurso()
    ready_observer(0, sex="F")
    client.force_login(administrator)
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count('class="chart-bar"') >= 3
    assert "Trained per year, by sex" in page
    assert "MINURSO" in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_cached_figures_are_kept_one_copy_per_language(client, administrator):
    seed_minurso()
    ready_observer(0, sex="F")
    client.force_login(administrator)
    spanish = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="es").text
    english = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").text
    assert "Personal capacitado por año, por sexo" in spanish
    assert "Trained per year, by sex" in english
    assert "Personal capacitado por año" not in english
