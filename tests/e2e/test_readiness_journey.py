"""Deployment readiness in the browser: an administrator opens the board for MINURSO on a
date, narrows it to those who lack only the French test, opens one of them and reads why;
then ticks the ready observers, saves them as a roster and downloads its nomination list. A
trainee sees their own readiness and what to do next. In Spanish and in English."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import expect

from readiness.models import DeploymentProfile, Mission
from tests.e2e.signing import sign_in
from tests.readiness.test_selectors import OBSERVER, ready_observer, seed_minurso
from trainees.models import Clearance, LanguageSkill, Trainee

DEPLOYS_ON = "2027-03-01"
WORDS = {
    "es": {
        "board": "Tablero de alistamiento",
        "lacks": "Le falta",
        "only": "Solo le falta esto",
        "show": "Mostrar",
        "verdict": "Dictamen",
        "ready": "Listo",
        "roster_name": "Nombre de la lista",
        "save": "Guardar a las personas marcadas como lista",
        "saved": "guardada con 3 personas",
        "xlsx": "Lista de nominación (XLSX)",
        "section": "Preparación para el despliegue",
        "still_need": "Lo que aún le falta",
    },
    "en": {
        "board": "Readiness board",
        "lacks": "Lacks",
        "only": "Lacks only this",
        "show": "Show",
        "verdict": "Verdict",
        "ready": "Ready",
        "roster_name": "Roster name",
        "save": "Save the ticked people as a roster",
        "saved": "saved with 3 people",
        "xlsx": "Nomination list (XLSX)",
        "section": "Deployment readiness",
        "still_need": "What you still need",
    },
}


def engine_words(language: str) -> dict:
    """What the engine says, in the page's language: the language test's label in the
    board's filter, and the findings the pages must show."""
    from readiness.engine import Code, Finding, MissionFacts, requirement_choices

    profile = DeploymentProfile.objects.get(name_en=OBSERVER)
    minurso = MissionFacts(acronym="MINURSO", languages=("fr", "en"), armed=False)
    with translation.override(language):
        return {
            "language": dict(requirement_choices(profile.requirements(), minurso))["language"],
            "reason": Finding(
                Code.LANGUAGE_BELOW,
                subject="fr",
                required="B2",
                actual="B1",
                languages=("fr", "en"),
            ).message(),
            "trainee_reason": Finding(Code.CLEARANCE_MISSING, subject="passport").message(),
        }


@pytest.fixture
def observers(transactional_db, administrator, trainee_user):
    """MINURSO's observers: three ready, two lacking only the French test (B1 where B2 is
    needed), one without a passport; and the signed-in trainee, an observer whose passport
    is missing."""
    seed_minurso()
    ready = [
        ready_observer(n, given_names=name, first_surname=surname, second_surname="")
        for n, (name, surname) in enumerate([("Ana", "Ruiz"), ("Luis", "Soto"), ("Marta", "Vega")])
    ]
    french = [
        ready_observer(10 + n, french="B1", given_names=name, first_surname=surname)
        for n, (name, surname) in enumerate([("Jorge", "Paz"), ("Elena", "Cruz")])
    ]
    late = ready_observer(20, given_names="Raúl", first_surname="Mora")
    Clearance.objects.filter(trainee=late, kind="passport").delete()

    # The trainee of the "trainee" account: an observer who meets everything but the passport.
    own = trainee_user.trainee
    model = ready_observer(30)
    Trainee.objects.filter(pk=own.pk).update(
        un_category=Trainee.UNCategory.MILITARY_OBSERVER,
        rank_category=Trainee.RankCategory.OFFICER,
        date_of_birth=datetime.date(1990, 5, 17),
        service_start_date=datetime.date(2010, 1, 1),
    )
    LanguageSkill.objects.filter(trainee=own).delete()
    LanguageSkill.objects.create(trainee=own, language="fr", level="C1")
    for clearance in model.clearances.exclude(kind="passport"):
        clearance.pk, clearance.trainee = None, own
        clearance.reference = f"own-{clearance.kind}"
        clearance.save()
    for enrolment in model.enrolments.all():
        enrolment.trainee = own
        enrolment.save()
    return ready, french


@pytest.mark.parametrize("language", ["es", "en"])
def test_board_only_french_trainee_reason_roster_and_own_readiness(
    page, live_server, observers, screenshot, language
):
    ready, french = observers
    words = {**WORDS[language], **engine_words(language)}

    sign_in(page, live_server, "ana.admin", language)
    page.goto(live_server.url + "/readiness/")
    expect(page.get_by_role("heading", name=words["board"], level=1)).to_be_visible()
    page.locator("#id_mission").select_option(str(Mission.objects.get(acronym="MINURSO").pk))
    page.locator("#id_profile").select_option(
        str(DeploymentProfile.objects.get(name_en=OBSERVER).pk)
    )
    page.locator("#id_date").fill(DEPLOYS_ON)
    page.get_by_role("button", name=words["show"], exact=True).click()

    # Who lacks only the French test.
    page.get_by_label(words["lacks"], exact=True).select_option(label=words["language"])
    page.get_by_label(words["only"]).check()
    page.get_by_role("button", name=words["show"], exact=True).click()
    people = page.locator("section[aria-labelledby=list-heading] tbody tr")
    expect(people).to_have_count(2)
    for trainee in french:
        expect(people.filter(has_text=trainee.given_names)).to_contain_text(words["reason"])
    screenshot(f"readiness-only-french-{language}")

    # One of them: their record says why.
    page.get_by_role("link", name=re.compile(french[0].given_names)).click()
    section = page.locator("section", has_text=words["section"]).last
    expect(section).to_contain_text("MINURSO")
    expect(section).to_contain_text(words["reason"])
    screenshot(f"readiness-trainee-record-{language}")

    # Back to the board: the ready ones, ticked and saved as a roster.
    page.go_back()
    page.get_by_label(words["lacks"], exact=True).select_option(index=0)
    page.get_by_label(words["only"]).uncheck()
    page.get_by_label(words["verdict"], exact=True).select_option(label=words["ready"])
    page.get_by_role("button", name=words["show"], exact=True).click()
    expect(people).to_have_count(3)
    page.locator("#roster-all").check()
    page.get_by_label(words["roster_name"]).fill("MINURSO 2027-1")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".alert-success")).to_contain_text(words["saved"])
    screenshot(f"readiness-roster-{language}")

    with page.expect_download() as download:
        page.get_by_role("link", name=words["xlsx"]).click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sorted(row[1] for row in rows[1:]) == sorted(t.given_names for t in ready)
    assert all("CECOPAM-" in row[9] and "/verify/" in row[9] for row in rows[1:])

    # The trainee's own readiness, and what to do next.
    sign_in(page, live_server, "tomas.trainee", language)
    page.goto(live_server.url + "/me/")
    section = page.locator("section", has_text=words["section"]).last
    expect(section).to_contain_text(words["still_need"])
    expect(section).to_contain_text("MINURSO")
    expect(section).to_contain_text(words["trainee_reason"])
    screenshot(f"readiness-portal-{language}")
