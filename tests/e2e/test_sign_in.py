"""Each demo role signs in through the real sign-in page and lands on its home page, in
Spanish (the default) and in English (through the language switch)."""

import pytest
from playwright.sync_api import expect

from cecopam.demo import DEMO_PASSWORD

TEXT = {
    "es": {
        "sign_in": "Iniciar sesión",
        "username": "Nombre de usuario",
        "password": "Contraseña",
        "sign_out": "Cerrar sesión",
        "administrator": "Resumen del centro de entrenamiento",
        "instructor": "Mis sesiones",
        "trainee": "Mi expediente de capacitación",
        "not_found": "Página no encontrada",
    },
    "en": {
        "sign_in": "Sign in",
        "username": "Username",
        "password": "Password",
        "sign_out": "Sign out",
        "administrator": "Training centre overview",
        "instructor": "My sessions",
        "trainee": "My training record",
        "not_found": "Page not found",
    },
}
DEMO_USERS = {"administrator": "admin", "instructor": "instructor1", "trainee": "trainee"}


def open_sign_in(page, live_server, language):
    page.goto(live_server.url + "/")
    # A browser set to Spanish gets Spanish; English is one click on the switch away.
    expect(page.get_by_role("heading", name=TEXT["es"]["sign_in"])).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es-mx")
    if language == "en":
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", name=TEXT["en"]["sign_in"])).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("role", ["administrator", "instructor", "trainee"])
def test_demo_role_signs_in_and_sees_its_home_page(
    page, live_server, demo_centre, screenshot, role, language
):
    text = TEXT[language]
    open_sign_in(page, live_server, language)
    screenshot(f"sign-in-{language}")

    page.get_by_label(text["username"]).fill(DEMO_USERS[role])
    page.get_by_label(text["password"]).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=text["sign_in"], exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(text[role])
    screenshot(f"home-{role}-{language}")

    page.locator("nav .dropdown-toggle").click()  # the user menu, labelled with the user's name
    page.get_by_role("button", name=text["sign_out"]).click()
    expect(page.get_by_role("heading", name=text["sign_in"])).to_be_visible()


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_wrong_address_shows_the_friendly_404_page(page, live_server, screenshot, language):
    if language == "en":
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_role("button", name="English").click()
    page.goto(live_server.url + "/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TEXT[language]["not_found"])
    screenshot(f"not-found-{language}")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("es", "El inicio de sesión se bloquea después de 5 intentos fallidos."),
        ("en", "Sign-in is locked after 5 failed attempts."),
    ],
)
def test_six_failed_sign_ins_lock_the_account_with_a_clear_message(
    page, live_server, demo_centre, screenshot, language, message
):
    text = TEXT[language]
    open_sign_in(page, live_server, language)
    for attempt in range(1, 6):
        page.get_by_label(text["username"]).fill("trainee")
        page.get_by_label(text["password"]).fill("not-my-password")
        page.get_by_role("button", name=text["sign_in"], exact=True).click()
        if attempt < 5:  # still the sign-in form, with its error
            expect(page.get_by_role("heading", name=text["sign_in"])).to_be_visible()
    # The fifth failure locks the account; the sixth try, even with the right password, is
    # refused with the same message.
    expect(page.get_by_role("alert")).to_contain_text(message)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label(text["username"]).fill("trainee")
    page.get_by_label(text["password"]).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=text["sign_in"], exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(message)
    screenshot(f"locked-out-{language}")
