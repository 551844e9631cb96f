"""Signing in, as the browser tests do it: on a fresh browser (Spanish, as a browser in Mexico
asks), then the language switch if the test runs in English."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def sign_in(page, live_server, username: str, language: str = "es", *, password=PASSWORD):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name='username']").fill(username)
    page.locator("input[name='password']").fill(password)
    page.locator("main form button[type='submit']").click()
    if language == "en":
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", re.compile(f"^{language}"))
