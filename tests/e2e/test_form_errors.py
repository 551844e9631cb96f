"""A form refused by the server says what is wrong next to each field, and a screen reader
reads it with the field: the input is marked invalid and described by its error."""

from __future__ import annotations

import re
from functools import partial

import pytest
from playwright.sync_api import expect

from cecopam.demo import DEMO_PASSWORD
from tests.e2e.signing import sign_in as sign_in_with
from trainees.models import Trainee

sign_in = partial(sign_in_with, password=DEMO_PASSWORD)

MESSAGES = {
    "es": {
        "required": "Este campo es obligatorio.",
        "born": "La fecha de nacimiento debe ser anterior a hoy.",
        "save": "Guardar",
    },
    "en": {
        "required": "This field is required.",
        "born": "The date of birth must be in the past.",
        "save": "Save",
    },
}


def expect_error_next_to(page, field_id: str, message: str) -> None:
    """The field is invalid, its error is beside it (in the same box), and the error is part
    of what assistive technology reads for the field."""
    field = page.locator(f"#{field_id}")
    error = page.locator(f"#{field_id}_error")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(rf"(^| ){field_id}_error( |$)"))
    expect(error).to_be_visible()
    expect(error).to_contain_text(message)
    expect(field.locator("xpath=..").locator(f"#{field_id}_error")).to_have_count(1)
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_refused_trainee_form_describes_each_field_by_its_error(
    page, live_server, demo_centre, screenshot, language
):
    words = MESSAGES[language]
    before = Trainee.objects.count()
    sign_in(page, live_server, "admin", language)
    page.goto(live_server.url + "/trainees/new/")
    page.locator("#id_trainee-date_of_birth").fill("2099-01-01")
    page.locator("#id_clearances-0-kind").select_option("passport")  # but no issue date
    page.get_by_role("button", name=words["save"], exact=True).click()

    expect(page.get_by_role("alert").first).to_be_visible()
    expect_error_next_to(page, "id_trainee-given_names", words["required"])
    expect_error_next_to(page, "id_trainee-date_of_birth", words["born"])
    expect_error_next_to(page, "id_clearances-0-issued_on", words["required"])
    # What was typed is kept, and fields without an error are not marked.
    expect(page.locator("#id_trainee-date_of_birth")).to_have_value("2099-01-01")
    expect(page.locator("#id_trainee-phone")).not_to_have_attribute("aria-invalid", "true")
    assert Trainee.objects.count() == before
    screenshot(f"form-errors-trainee-{language}")
