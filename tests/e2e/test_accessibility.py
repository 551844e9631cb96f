"""Every main page of each role, in Spanish and in English, checked by axe-core in the browser:
no violation of impact "serious" or "critical" (contrast, names of links, buttons and fields,
landmarks, ARIA used wrongly). Pages that show a form's errors are checked with the errors
shown, since that is when a person most needs to be told what is wrong and where.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from cecopam.demo import DEMO_PASSWORD
from courses.models import Certificate, Course, CourseSession
from readiness.models import DeploymentProfile, Mission, Roster
from readiness.selectors import readiness_board
from readiness.services import roster_create
from tests.e2e.signing import sign_in
from trainees.models import Trainee

SERIOUS = {"serious", "critical"}
DEMO_USERS = {"trainee": "trainee", "instructor": "instructor1", "administrator": "admin"}
DEPLOYS_ON = datetime.date(2026, 12, 1)
# A spreadsheet with one good row and one bad: the preview lists the error by row and column.
BAD_IMPORT = (
    "Matrícula,Nombres,Primer apellido,Segundo apellido,Sexo,Fecha de nacimiento,Nacionalidad,"
    "Institución,Grado,Categoría de grado,Categoría ONU\n"
    "GN-9001,Itzel,Ramírez,Ortega,F,21/08/1994,México,Guardia Nacional,Subinspectora,police,"
    "individual_police\n"
    "GN-9002,Rosa,Díaz,Luna,F,31/02/1990,México,Guardia Nacional,Suboficial,police,"
    "individual_police\n"
)


@dataclass(frozen=True)
class Visit:
    """A page to check: where it is, and what to do there first (submit a form with errors)."""

    name: str
    path: str
    then: Callable[[Page], None] | None = None


def submit_empty(page: Page) -> None:
    page.locator("main form[method='post'] button[type='submit']").first.click()
    expect(page.locator("[aria-invalid='true']").first).to_be_visible()


def upload_bad_spreadsheet(page: Page) -> None:
    page.locator("input[type='file']").set_input_files(
        files=[{"name": "alumnos.csv", "mimeType": "text/csv", "buffer": BAD_IMPORT.encode()}]
    )
    page.locator("main form[method='post'] button[type='submit']").click()
    expect(page.locator("#preview-heading")).to_be_visible()


def sign_in_wrongly(page: Page) -> None:
    page.locator("input[name='username']").fill("nobody")
    page.locator("input[name='password']").fill("not the password")
    page.locator("main form button[type='submit']").click()
    expect(page.locator("main .alert-danger, main [role='alert']").first).to_be_visible()


def public_pages() -> list[Visit]:
    valid = Certificate.objects.filter(status="issued").order_by("pk").first()
    revoked = Certificate.objects.filter(status="revoked").get()
    return [
        Visit("sign-in", "/accounts/login/"),
        Visit("sign-in-errors", "/accounts/login/", then=sign_in_wrongly),
        Visit("password-reset", "/accounts/password/reset/"),
        Visit("verify-form", "/verify/"),
        Visit("verify-valid", f"/verify/{valid.code}/"),
        Visit("verify-revoked", f"/verify/{revoked.code}/"),
        Visit("verify-form-errors", "/verify/", then=submit_empty),
    ]


def trainee_pages() -> list[Visit]:
    own = Trainee.objects.get(user__username=DEMO_USERS["trainee"])
    return [
        Visit("portal", "/me/"),
        Visit("contact", "/trainees/me/contact/"),
        Visit("own-record", f"/trainees/{own.pk}/"),
        Visit("password-change", "/accounts/password/change/"),
    ]


def instructor_pages() -> list[Visit]:
    session = CourseSession.objects.get(
        status="in_progress", instructors__username=DEMO_USERS["instructor"]
    )
    base = f"/courses/sessions/{session.pk}"
    enrolled = Trainee.objects.filter(enrolments__session=session).order_by("pk").first()
    return [
        Visit("home", "/instructor/"),
        Visit("sessions", "/courses/sessions/"),
        Visit("calendar", "/courses/sessions/calendar/"),
        Visit("session", f"{base}/"),
        Visit("attendance", f"{base}/attendance/"),
        Visit("gradebook", f"{base}/gradebook/"),
        Visit("results", f"{base}/finalise/"),
        Visit("trainee", f"/trainees/{enrolled.pk}/"),
        Visit("password-change", "/accounts/password/change/"),
    ]


def a_roster() -> Roster:
    """A roster of the demo's ready military observers for MINURSO."""
    mission = Mission.objects.get(acronym="MINURSO")
    profile = DeploymentProfile.objects.get(name_en__startswith="Military Observer")
    board = readiness_board(mission=mission, profile=profile, on=DEPLOYS_ON)
    return roster_create(
        name="MINURSO 2026-4",
        mission=mission,
        profile=profile,
        deploys_on=DEPLOYS_ON,
        trainee_ids=[row.trainee_id for row in board.rows if row.verdict != "not_ready"],
        by=get_user_model().objects.get(username=DEMO_USERS["administrator"]),
    )


def administrator_pages() -> list[Visit]:
    trainee = Trainee.objects.order_by("pk").first()
    course = Course.objects.get(code="CPTM")
    completed = CourseSession.objects.filter(status="completed", course=course).first()
    planned = CourseSession.objects.get(status="planned")
    certificate = Certificate.objects.filter(status="issued").order_by("pk").first()
    revoked = Certificate.objects.filter(status="revoked").get()
    roster = a_roster()
    board = f"?mission={roster.mission_id}&profile={roster.profile_id}&date={DEPLOYS_ON}"
    return [
        Visit("dashboard", "/dashboard/"),
        Visit("operations", "/operations/"),
        Visit("trainees", "/trainees/"),
        Visit("trainee", f"/trainees/{trainee.pk}/"),
        Visit("trainee-create-errors", "/trainees/new/", then=submit_empty),
        Visit("trainee-edit", f"/trainees/{trainee.pk}/edit/"),
        Visit("trainee-import", "/trainees/import/"),
        Visit("trainee-import-errors", "/trainees/import/", then=upload_bad_spreadsheet),
        Visit("courses", "/courses/"),
        Visit("course", f"/courses/{course.pk}/"),
        Visit("course-form-errors", "/courses/new/", then=submit_empty),
        Visit("course-edit", f"/courses/{course.pk}/edit/"),
        Visit("sessions", "/courses/sessions/"),
        Visit("calendar", "/courses/sessions/calendar/"),
        Visit("session-completed", f"/courses/sessions/{completed.pk}/"),
        Visit("session-planned", f"/courses/sessions/{planned.pk}/"),
        Visit("session-enrol", f"/courses/sessions/{planned.pk}/enrol/"),
        Visit("session-form", "/courses/sessions/new/"),
        Visit("session-form-errors", "/courses/sessions/new/", then=submit_empty),
        Visit("session-edit", f"/courses/sessions/{planned.pk}/edit/"),
        Visit("session-results", f"/courses/sessions/{completed.pk}/finalise/"),
        Visit("session-reopen", f"/courses/sessions/{completed.pk}/reopen/"),
        Visit("certificates", "/courses/certificates/"),
        Visit("certificate", f"/courses/certificates/{certificate.pk}/"),
        Visit("certificate-revoked", f"/courses/certificates/{revoked.pk}/"),
        Visit("certificate-revoke", f"/courses/certificates/{certificate.pk}/revoke/"),
        Visit("certificate-reissue", f"/courses/certificates/{certificate.pk}/reissue/"),
        Visit("board-empty", "/readiness/"),
        Visit("board", f"/readiness/{board}"),
        Visit("rosters", "/readiness/rosters/"),
        Visit("roster", f"/readiness/rosters/{roster.pk}/"),
        Visit("forecast", "/readiness/forecast/"),
        Visit("parity", "/readiness/parity/"),
        Visit("missions", "/readiness/missions/"),
        Visit("mission-form", f"/readiness/missions/{roster.mission_id}/edit/"),
        Visit("mission-form-errors", "/readiness/missions/new/", then=submit_empty),
        Visit("profile-form", f"/readiness/profiles/{roster.profile_id}/edit/"),
        Visit("profile-form-errors", "/readiness/profiles/new/", then=submit_empty),
        Visit("password-change", "/accounts/password/change/"),
    ]


PAGES = {
    "public": public_pages,
    "trainee": trainee_pages,
    "instructor": instructor_pages,
    "administrator": administrator_pages,
}


def serious_violations(page: Page) -> list[dict]:
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v["impact"] in SERIOUS]


def readable(found: dict[str, list[dict]]) -> str:
    """Each page's violations: the rule, what it asks, and the elements that break it."""
    lines = []
    for name, violations in found.items():
        lines.append(f"{name}:")
        for violation in violations:
            lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    at {', '.join(map(str, node['target']))}")
                lines.append(f"       {node['failureSummary'].replace(chr(10), ' ')}")
            if len(violation["nodes"]) > 5:
                lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("role", list(PAGES))
def test_every_main_page_has_no_serious_accessibility_violation(
    page, live_server, demo_centre, screenshot, role, language
):
    visits = PAGES[role]()
    if role == "public":
        page.goto(live_server.url + "/accounts/login/")
        if language == "en":
            page.get_by_role("button", name="English").click()
    else:
        sign_in(page, live_server, DEMO_USERS[role], language, password=DEMO_PASSWORD)

    found = {}
    for visit in visits:
        response = page.goto(live_server.url + visit.path)
        assert response.ok, f"{visit.name}: {visit.path} answered {response.status}"
        if visit.then:
            visit.then(page)
        expect(page.locator("html")).to_have_attribute("lang", re.compile(f"^{language}"))
        if violations := serious_violations(page):
            found[visit.name] = violations
        screenshot(f"a11y-{role}-{visit.name}-{language}")
    assert not found, "Serious or critical accessibility violations:\n" + readable(found)
