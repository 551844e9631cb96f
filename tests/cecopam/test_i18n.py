"""Spanish first, English on request: texts, dates, numbers and error pages."""

import datetime
import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import formats, translation
from django.views.defaults import server_error

REPO = Path(settings.BASE_DIR)
SPANISH = REPO / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
SOURCE_FOLDERS = ["cecopam", "trainees", "courses", "readiness", "templates"]


@pytest.mark.django_db
def test_spanish_is_the_default_and_the_switch_remembers_english(client):
    assert '<html lang="es-mx">' in client.get(reverse("login")).text
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    page = client.get(reverse("login")).text
    assert '<html lang="en">' in page
    assert "Forgot your password?" in page


@pytest.mark.django_db
def test_a_public_page_sets_no_cookie_and_its_language_buttons_work_without_one():
    visitor = Client(enforce_csrf_checks=True)  # as a browser: no token, no post
    page = visitor.get("/no-such-page/")  # the base layout, with no form of the page's own
    assert page.status_code == 404
    assert not page.cookies
    assert 'action="/i18n/setlang/"' in page.text and "csrfmiddlewaretoken" not in page.text
    chosen = visitor.post(reverse("set_language"), {"language": "en", "next": "/verify/"})
    assert (chosen.status_code, chosen["Location"]) == (302, "/verify/")
    assert '<html lang="en">' in visitor.get(reverse("verify:form")).text
    # Elsewhere nothing but the language changes without a token: signing in still needs one.
    refused = visitor.post(reverse("login"), {"username": "x", "password": "y"})
    assert refused.status_code == 403


@pytest.mark.django_db
def test_an_english_browser_gets_english_and_a_spanish_one_mexican_spanish(client):
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").text
    assert "Forgot your password?" in english
    spanish = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").text
    assert "¿Olvidó su contraseña?" in spanish
    assert '<html lang="es-mx">' in spanish


def test_dates_and_numbers_follow_the_language():
    day = datetime.date(2026, 3, 5)
    with translation.override("es-mx"):
        # Django's Spanish month names are capitalised ("Marzo").
        assert formats.date_format(day).lower() == "5 de marzo de 2026"
        assert formats.number_format(12345.5, 1, force_grouping=True) == "12,345.5"
    with translation.override("en"):
        assert formats.date_format(day) == "March 5, 2026"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"), [("es-mx", "Página no encontrada"), ("en", "Page not found")]
)
def test_404_page_is_friendly_in_both_languages(client, language, text):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert text in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("language", "text"),
    [("es-mx", "Ocurrió un error en nuestro sistema"), ("en", "Something went wrong on our side")],
)
def test_500_page_is_friendly_in_both_languages(language, text):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert text in response.content.decode()


def test_every_spanish_entry_is_translated_with_the_same_placeholders():
    catalogue = polib.pofile(str(SPANISH))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    for entry in catalogue.translated_entries():
        expected = set(PLACEHOLDER.findall(entry.msgid))
        strings = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for msgstr in strings:
            assert set(PLACEHOLDER.findall(msgstr)) == expected, entry.msgid


def test_the_catalogue_holds_every_string_the_code_marks_for_translation(tmp_path, monkeypatch):
    """Extraction (GNU xgettext) finds no string missing from, or stale in, locale/es."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("xgettext not found (apt-get install gettext)")
        pytest.skip("xgettext not found (apt-get install gettext)")
    # makemessages writes beside the sources it reads, so it reads a copy of them.
    for folder in SOURCE_FOLDERS:
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.pyc"))
    locale = tmp_path / "locale"
    (locale / "es" / "LC_MESSAGES").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[str(locale)]):
        call_command("makemessages", locale=["es"], verbosity=0, no_location=True)
    extracted = {e.msgid for e in polib.pofile(str(locale / "es/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(SPANISH)) if not e.obsolete}
    assert extracted - committed == set(), "run `make messages` and translate the new strings"
    assert committed - extracted == set(), "run `make messages` to drop strings no longer used"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [("es-mx", "No tiene acceso a esta página"), ("en", "You do not have access to this page")],
)
def test_403_page_is_friendly_in_both_languages(client, trainee_user, language, text):
    client.force_login(trainee_user)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert text in response.text
