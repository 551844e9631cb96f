"""An administrator works with trainee records; a trainee sees only their own."""

import re
from functools import partial

from playwright.sync_api import expect

from cecopam.demo import DEMO_PASSWORD
from tests.e2e.signing import sign_in as sign_in_with
from trainees.models import Trainee

# The demo accounts' password.
sign_in = partial(sign_in_with, password=DEMO_PASSWORD)


def test_administrator_finds_a_trainee_without_accents_edits_a_clearance_and_sees_history(
    page, live_server, demo_centre, screenshot
):
    trainee = Trainee.objects.filter(first_surname__contains="á").order_by("pk").first()
    unaccented = trainee.first_surname.replace("á", "a").lower()
    sign_in(page, live_server, "admin")
    page.get_by_role("link", name="Alumnos").click()
    expect(page.get_by_role("heading", name="Alumnos", level=1)).to_be_visible()
    screenshot("trainee-list-es")

    page.get_by_label("Buscar").fill(f"{trainee.given_names.split()[0].lower()} {unaccented}")
    page.get_by_role("button", name="Buscar", exact=True).click()
    page.get_by_role("link", name=re.compile(trainee.first_surname)).first.click()
    expect(page.get_by_role("heading", name=trainee.full_name, level=1)).to_be_visible()
    screenshot("trainee-detail-es")

    page.get_by_role("link", name="Editar expediente").click()
    first_until = page.locator("input[name='clearances-0-valid_until']")
    first_until.fill("2035-12-31")
    screenshot("trainee-edit-es")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text(f"Se guardó el expediente de {trainee.full_name}.")).to_be_visible()
    history = page.locator("section", has=page.get_by_role("heading", name="Historial de cambios"))
    expect(history.get_by_role("row").nth(1)).to_contain_text("Patricia Villaseñor Ochoa")
    expect(history.get_by_role("row").nth(1)).to_contain_text("vigente hasta")
    screenshot("trainee-history-es")


IMPORT = (
    "Matrícula,Nombres,Primer apellido,Segundo apellido,Sexo,Fecha de nacimiento,Nacionalidad,"
    "Institución,Grado,Categoría de grado,Categoría ONU\n"
    "GN-9001,Itzel,Ramírez,Ortega,F,21/08/1994,México,Guardia Nacional,Subinspectora,police,"
    "individual_police\n"
    "EP-77,Ángel,Huamán,Quispe,M,1989-03-02,Perú,Ejército del Perú,Capitán,officer,"
    "military_observer\n"
)


def test_administrator_imports_through_the_preview_then_finds_and_edits_an_imported_trainee(
    page, live_server, demo_centre, screenshot, tmp_path
):
    spreadsheet = tmp_path / "nuevos-alumnos.csv"
    spreadsheet.write_text(IMPORT, encoding="utf-8")
    sign_in(page, live_server, "admin")
    page.get_by_role("link", name="Alumnos").click()
    page.get_by_role("link", name="Importar").click()
    page.get_by_label("Hoja de cálculo (CSV o XLSX)").set_input_files(spreadsheet)
    page.get_by_role("button", name="Revisar el archivo").click()
    expect(page.get_by_text("2 por crear")).to_be_visible()
    expect(page.get_by_role("cell", name="GN-9001")).to_be_visible()
    screenshot("trainee-import-preview-es")
    assert not Trainee.objects.filter(service_number="GN-9001").exists()

    page.get_by_role("button", name="Importar ahora").click()
    expect(page.get_by_text("Se importó nuevos-alumnos.csv: 2 creados")).to_be_visible()

    page.get_by_label("Buscar").fill("angel huaman")  # no accents typed
    page.get_by_role("button", name="Buscar", exact=True).click()
    expect(page.get_by_text("1 alumno coincide.")).to_be_visible()
    page.get_by_role("link", name="Huamán Quispe, Ángel").click()
    history = page.locator("section", has=page.get_by_role("heading", name="Historial de cambios"))
    expect(history).to_contain_text("Patricia Villaseñor Ochoa")

    page.get_by_role("link", name="Editar expediente").click()
    page.locator("select[name='clearances-0-kind']").select_option("passport")
    page.locator("input[name='clearances-0-issued_on']").fill("2024-05-01")
    page.locator("input[name='clearances-0-valid_until']").fill("2034-04-30")
    page.locator("input[name='clearances-0-reference']").fill("PE1234567")
    page.get_by_role("button", name="Guardar").click()
    expect(history.get_by_role("row").nth(1)).to_contain_text("Creó: acreditación «Pasaporte»")
    clearances = page.locator("section", has=page.get_by_role("heading", name="Acreditaciones"))
    expect(clearances.get_by_role("row", name=re.compile("^Pasaporte"))).to_contain_text("vigente")
    screenshot("trainee-imported-detail-es")


def test_trainee_sees_only_their_own_record(page, live_server, demo_centre, screenshot):
    sign_in(page, live_server, "trainee")
    own = Trainee.objects.get(user__username="trainee")
    expect(page.get_by_role("heading", name="Mi expediente de capacitación")).to_be_visible()
    expect(page.get_by_text(own.full_name).first).to_be_visible()
    screenshot("trainee-portal-es")
    someone_else = Trainee.objects.exclude(pk=own.pk).first()
    response = page.goto(f"{live_server.url}/trainees/{someone_else.pk}/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/trainees/")
    assert response.status == 403


def test_the_records_pages_in_english(page, live_server, demo_centre, screenshot):
    sign_in(page, live_server, "admin")
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Trainees").click()
    page.get_by_label("Clearance", exact=True).select_option("passport")
    page.get_by_label("Clearance state").select_option("expired")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text(re.compile(r"\d+ trainees? match"))).to_be_visible()
    screenshot("trainee-list-filtered-en")
    page.locator("table tbody a").first.click()
    clearances = page.locator("section", has=page.get_by_role("heading", name="Clearances"))
    expect(clearances.get_by_role("row", name=re.compile("^Passport"))).to_contain_text("expired")
    screenshot("trainee-detail-en")
    page.goto(live_server.url + "/trainees/import/")
    expect(page.get_by_role("heading", name="Import trainees")).to_be_visible()
    screenshot("trainee-import-en")
