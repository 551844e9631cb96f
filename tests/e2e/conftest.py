"""Browser tests: Playwright driving Debian's Chromium against a live server.

Chromium is looked for at CHROMIUM_PATH (default /usr/bin/chromium). Without it these tests
are skipped with that reason, except under CI=true, where a missing browser fails them.

Every page a test opens must keep to the Content-Security-Policy the app sends: a script or a
style the browser refused fails the test (``csp_violations``).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(settings.VAR_DIR) / "e2e"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The machines have no internet: background fetches only slow the browser down.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items: mark only the ones in this folder.
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


def pytest_runtest_setup(item):
    """Before any fixture launches the browser: no Chromium, no browser test."""
    if CHROMIUM.exists():
        return
    message = f"Chromium not found at {CHROMIUM} (set CHROMIUM_PATH, or apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must run the browser tests", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A browser in Mexico: Spanish first.
    return {**browser_context_args, "locale": "es-MX", "viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def screenshot(page):
    """Save what the user sees now as var/e2e/<name>.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo_centre(transactional_db, quick_pdfs):
    """The demo centre, for the live server to show (its certificates' pages are stand-ins)."""
    from cecopam.demo import demo_seed

    demo_seed()


# Reports each refusal to the test, whichever page of the context it happens in. The init
# script and the exposed function come through the DevTools protocol, which the policy does
# not govern, so they themselves cause no violation.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"}` +
      ` at ${event.sourceFile || document.location.href}:${event.lineNumber}` +
      (event.sample ? ` (${event.sample})` : "")
  );
});
"""


@pytest.fixture(autouse=True)
def csp_violations(page):
    """Fail the test if the browser refused anything under the Content-Security-Policy: an
    inline script or style attribute would silently break the page for every user. Chromium
    reports a refusal both as a ``securitypolicyviolation`` event and on the console."""
    seen: list[str] = []

    def on_event(text: str) -> None:
        seen.append(text)

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            seen.append(f"console: {message.text} at {message.location.get('url')}")

    page.context.expose_function("reportCspViolation", on_event)
    page.context.add_init_script(REPORT_VIOLATIONS)
    page.on("console", on_console)
    yield seen
    if not page.is_closed():
        page.evaluate("0")  # a round trip: reports still on their way arrive before it returns
    if seen:
        listed = "\n".join(f"- {violation}" for violation in dict.fromkeys(seen))
        pytest.fail(f"The browser refused content under the Content-Security-Policy:\n{listed}")
