"""A certificate's life in the browser, with a real Celery worker rendering the PDFs: the
instructor finalises and watches the batch reach 100 %; the trainee downloads their PDF; the
address in its QR code opens the public verification page, which says valid; an
administrator revokes it, and the same page says revoked."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courses.models import Certificate
from courses.services import (
    attendance_save,
    enrolment_create_many,
    gradebook_save,
    session_transition,
)
from tests.courses.helpers import a_course, a_session
from tests.courses.pdfs import pdf_text, qr_codes
from tests.e2e.signing import sign_in
from tests.trainees.helpers import a_trainee

WORDS = {
    "es": {"valid": "Certificado válido", "revoked": "Certificado revocado"},
    "en": {"valid": "Valid certificate", "revoked": "Revoked certificate"},
}


@pytest.fixture
def session_to_finalise(instructor, trainee_user, administrator):
    """A session taught by ``instructor``: the trainee and two others, every day present and
    full marks, waiting for its results to be finalised."""
    session = a_session(a_course(), "UOF-2026-11", status="open", capacity=3)
    session.instructors.add(instructor)
    others = [a_trainee(n) for n in range(2)]
    enrolments = enrolment_create_many(
        session=session, trainees=[trainee_user.trainee, *others], by=administrator
    )
    session = session_transition(session=session, to="in_progress")
    attendance_save(
        session=session,
        by=instructor,
        marks={(e.pk, day): "present" for e in enrolments for day in session.days},
    )
    scores = {
        (e.pk, c.pk): c.max_score for e in enrolments for c in session.course.components.all()
    }
    return gradebook_save(
        session=session, by=instructor, version=session.gradebook_version, scores=scores
    )


@pytest.mark.parametrize("language", ["es", "en"])
def test_finalise_watch_the_batch_download_verify_and_revoke(
    page, live_server, workers, session_to_finalise, administrator, screenshot, language
):
    session = session_to_finalise
    # The worker prints the live server's address in the QR codes.
    workers.start(SITE_BASE_URL=live_server.url)
    words = WORDS[language]

    # The instructor finalises and watches the certificates being issued.
    sign_in(page, live_server, "ivan.instructor", language)
    page.goto(f"{live_server.url}/courses/sessions/{session.pk}/finalise/")
    page.locator("main form[method='post'] button[type='submit']").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto(f"{live_server.url}/courses/sessions/{session.pk}/")
    bar = page.locator("#session-certificates [role='progressbar']")
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=120_000)
    expect(page.locator("#session-certificates")).not_to_have_attribute("hx-trigger", "every 2s")
    expect(page.locator("#certificates-heading")).to_contain_text("3")
    screenshot(f"certificates-progress-{language}")

    # The trainee downloads their PDF from the portal.
    sign_in(page, live_server, "tomas.trainee", language)
    page.goto(f"{live_server.url}/me/")
    certificate = Certificate.objects.get(enrolment__trainee__user__username="tomas.trainee")
    screenshot(f"certificates-portal-{language}")
    with page.expect_download() as download:
        page.locator(f"a[href='/courses/certificates/{certificate.pk}/pdf/']").click()
    assert download.value.suggested_filename == f"{certificate.serial}.pdf"
    data = download.value.path().read_bytes()
    assert certificate.serial in pdf_text(data)
    assert certificate.snapshot["holder"] in " ".join(pdf_text(data).split())

    # Its QR code leads to the public page, opened without signing in: valid.
    [address] = qr_codes(data)
    assert address.startswith(live_server.url + "/verify/")
    page.context.clear_cookies()
    if language == "en":
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_role("button", name="English").click()
    page.goto(address)
    standing = page.locator("[data-standing]")
    expect(standing).to_have_attribute("data-standing", "valid")
    expect(standing).to_contain_text(words["valid"])
    expect(page.locator("main")).to_contain_text(certificate.snapshot["holder"])
    screenshot(f"certificates-verify-valid-{language}")

    # An administrator revokes it, giving a reason.
    sign_in(page, live_server, "ana.admin", language)
    page.goto(f"{live_server.url}/courses/certificates/{certificate.pk}/")
    page.locator("[data-bs-target='#revoke-dialog']").click()
    dialog = page.locator("#revoke-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("textarea[name='reason'], input[name='reason']").fill(
        "Expedido por error: la calificación práctica se registró en otra sesión."
    )
    dialog.locator("button[type='submit'].btn-danger").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # The same address now says revoked: to the administrator, and to anyone without an
    # account, who was shown a kept copy of the page before.
    page.goto(address)
    expect(standing).to_have_attribute("data-standing", "revoked")
    page.context.clear_cookies()
    if language == "en":
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
        )
    page.goto(address)
    expect(standing).to_have_attribute("data-standing", "revoked")
    expect(standing).to_contain_text(words["revoked"])
    screenshot(f"certificates-verify-revoked-{language}")
    assert Certificate.objects.get(pk=certificate.pk).status == "revoked"
