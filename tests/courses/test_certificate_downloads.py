"""Certificates for their holders and the people of a session: the PDF goes to its holder, the
session's instructors and administrators only; a session's batch shows its progress and
downloads as one ZIP; the trainee's portal lists their certificates."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Certificate
from courses.selectors.certificates import session_certificate_progress
from courses.services import certificate_reissue, certificate_revoke
from courses.services.certificates import certificate_render
from tests.courses.held_certificates import (
    issued_without_rendering,
    stand_in_pdf,
    taught_and_finalised,
)
from tests.courses.helpers import a_course, a_session
from tests.trainees.helpers import a_trainee


@pytest.fixture(autouse=True)
def in_english(client):
    """The pages in English, which the messages below are written in."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def certificate_of(user) -> Certificate:
    return Certificate.objects.get(enrolment__trainee__user=user)


def stored(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as pdf:
        return pdf.read()


def revoke(certificate: Certificate, by) -> Certificate:
    return certificate_revoke(certificate=certificate, by=by, reason="Documentos falsos")


def reissue(certificate: Certificate, by) -> Certificate:
    return certificate_reissue(certificate=certificate, by=by, reason="Nombre mal escrito")


@pytest.fixture
def held(instructor, trainee_user, other_trainee_user):
    """The trainee's certificate, rendered, from a session ``instructor`` taught; the other
    trainee passed it too."""
    taught_and_finalised(instructor, [trainee_user.trainee, other_trainee_user.trainee])
    for certificate in Certificate.objects.all():
        certificate_render(certificate_id=certificate.pk)
    return certificate_of(trainee_user)


def download_url(certificate: Certificate) -> str:
    return reverse("courses:certificate-download", kwargs={"pk": certificate.pk})


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# ------------------------------------------------------------------ one PDF
@pytest.mark.django_db
def test_the_holder_downloads_their_pdf_as_a_private_attachment(client, trainee_user, held):
    client.force_login(trainee_user)
    response = client.get(download_url(held))
    assert response.status_code == 200
    served = body(response)
    assert served.startswith(b"%PDF-") and hashlib.sha256(served).hexdigest() == held.sha256
    assert served == stored(held)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{held.serial}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_another_trainee_is_told_the_pdf_does_not_exist(client, other_trainee_user, held):
    client.force_login(other_trainee_user)
    response = client.get(download_url(held))
    missing = client.get(reverse("courses:certificate-download", kwargs={"pk": 999_999}))
    assert response.status_code == missing.status_code == 404
    assert b"%PDF" not in response.content
    assert held.serial not in response.content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_and_never_get_the_pdf(client, held):
    response = client.get(download_url(held))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert b"%PDF" not in response.content


@pytest.mark.django_db
def test_the_pdf_is_not_reachable_at_a_public_media_url(client, held):
    response = client.get("/media/" + held.pdf.name)
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_sessions_instructor_and_administrators_download_it_another_instructor_cannot(
    client, instructor, other_instructor, administrator, held
):
    for user in (instructor, administrator):
        client.force_login(user)
        response = client.get(download_url(held))
        assert response.status_code == 200
        assert body(response) == stored(held)
    client.force_login(other_instructor)
    assert client.get(download_url(held)).status_code == 404


@pytest.mark.django_db
def test_a_certificate_being_issued_has_no_pdf_yet_and_the_holder_is_told_so(
    client, instructor, trainee_user
):
    taught_and_finalised(instructor, [trainee_user.trainee])
    certificate = certificate_of(trainee_user)
    client.force_login(trainee_user)
    response = client.get(download_url(certificate))
    assert response.status_code == 404
    assert "still being issued" in response.content.decode()


@pytest.mark.django_db
def test_a_revoked_pdf_goes_to_administrators_only(
    client, administrator, instructor, trainee_user, held
):
    revoke(held, administrator)
    for user in (trainee_user, instructor):
        client.force_login(user)
        response = client.get(download_url(held))
        assert response.status_code == 404
        assert "has been revoked" in response.content.decode()
    client.force_login(administrator)
    response = client.get(download_url(held))
    assert response.status_code == 200
    assert body(response) == stored(held)


@pytest.mark.django_db
def test_the_holder_of_a_superseded_certificate_is_pointed_at_its_replacement(
    client, administrator, trainee_user, held
):
    replacement = issued_without_rendering(reissue(held, administrator))
    client.force_login(trainee_user)
    response = client.get(download_url(held))
    assert response.status_code == 404
    assert download_url(replacement) in response.content.decode()
    assert body(client.get(download_url(replacement))) == stand_in_pdf(replacement)
    client.force_login(administrator)
    assert body(client.get(download_url(held))) == stored(held)


# ------------------------------------------------------------------ the session's ZIP
def zip_url(session) -> str:
    return reverse("courses:session-certificates-zip", kwargs={"pk": session.pk})


@pytest.mark.django_db
def test_the_zip_holds_exactly_the_issued_pdfs_named_by_serial_and_holder(
    client, instructor, administrator
):
    trainees = [a_trainee(n) for n in range(5)]
    session = taught_and_finalised(instructor, trainees, failing=[trainees[4]])
    certificates = list(Certificate.objects.order_by("serial"))
    issued = [issued_without_rendering(c) for c in certificates[:3]]
    revoke(issued[2], administrator)  # revoked: left out; certificates[3] is still pending
    client.force_login(instructor)
    response = client.get(zip_url(session))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{session.code}-certificates.zip"'
    )
    assert response["Cache-Control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    holders = {c.pk: c.enrolment.trainee.full_name for c in issued[:2]}
    assert holders == {
        issued[0].pk: "Persona0 García López",
        issued[1].pk: "Persona1 García López",
    }
    assert contents == {
        f"{issued[0].serial}_Persona0-Garcia-Lopez.pdf": stand_in_pdf(issued[0]),
        f"{issued[1].serial}_Persona1-Garcia-Lopez.pdf": stand_in_pdf(issued[1]),
    }


@pytest.mark.django_db
def test_the_zip_is_for_the_sessions_people_only(
    client, trainee_user, other_instructor, administrator, held
):
    session = held.enrolment.session
    assert client.get(zip_url(session))["Location"].startswith(reverse("login"))
    client.force_login(trainee_user)
    assert client.get(zip_url(session)).status_code == 403
    client.force_login(other_instructor)
    assert client.get(zip_url(session)).status_code == 404
    client.force_login(administrator)
    assert client.get(zip_url(session)).status_code == 200


@pytest.mark.django_db
def test_a_session_with_nothing_issued_yet_gives_a_message_not_an_empty_zip(
    client, instructor, trainee_user
):
    session = taught_and_finalised(instructor, [trainee_user.trainee])
    client.force_login(instructor)
    response = client.get(zip_url(session), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "courses:session-detail", kwargs={"pk": session.pk}
    )
    assert "nothing to download" in response.content.decode()


@pytest.mark.django_db
def test_the_zip_takes_the_same_queries_for_one_pdf_or_many(client, instructor):
    def queries_for(count, week):
        session = taught_and_finalised(
            instructor,
            [a_trainee(week * 10 + n) for n in range(count)],
            code=f"UOF-2026-{week:02d}",
            week=week,
        )
        for certificate in Certificate.objects.filter(enrolment__session=session):
            issued_without_rendering(certificate)
        client.force_login(instructor)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(zip_url(session))
            with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
                assert len(archive.namelist()) == count
        return len(queries)

    assert queries_for(1, week=1) == queries_for(6, week=2)


# ------------------------------------------------------------------ the batch's progress
def progress(client, session) -> str:
    url = reverse("courses:session-certificates-progress", kwargs={"pk": session.pk})
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_progress_counts_the_batch_and_polls_while_certificates_are_pending(client, instructor):
    session = taught_and_finalised(instructor, [a_trainee(n) for n in range(4)])
    certificates = list(Certificate.objects.order_by("serial"))
    issued_without_rendering(certificates[0])
    client.force_login(instructor)
    html = progress(client, session)
    assert "Certificates: 1 of 4 issued" in html
    assert 'aria-valuenow="25"' in html
    assert "3 being issued" in html
    assert 'hx-trigger="every 2s"' in html
    assert 'hx-swap="outerHTML"' in html
    assert reverse("courses:session-certificates-zip", kwargs={"pk": session.pk}) in html

    for certificate in certificates[1:]:
        issued_without_rendering(certificate)
    html = progress(client, session)
    assert "Certificates: 4 of 4 issued" in html
    assert 'aria-valuenow="100"' in html
    assert "hx-trigger" not in html


@pytest.mark.django_db
def test_failed_certificates_stand_out_with_a_link_for_administrators(
    client, instructor, administrator, settings
):
    session = taught_and_finalised(instructor, [a_trainee(n) for n in range(3)])
    certificates = list(Certificate.objects.order_by("serial"))
    issued_without_rendering(certificates[0])
    issued_without_rendering(certificates[1])
    settings.CERTIFICATE_RENDER_MAX_ATTEMPTS = 0  # the worker gives up on the next one
    assert certificate_render(certificate_id=certificates[2].pk).status == "failed"
    failed_list = f"?status=failed&amp;session={session.pk}"

    client.force_login(administrator)
    html = progress(client, session)
    assert "Certificates: 2 of 3 issued" in html
    assert "1 failed" in html
    assert failed_list in html
    assert "hx-trigger" not in html  # nothing left for the workers: no more polling

    client.force_login(instructor)
    html = progress(client, session)
    assert "1 failed" in html
    assert failed_list not in html


@pytest.mark.django_db
def test_the_progress_is_counted_in_one_query(instructor, django_assert_num_queries):
    session = taught_and_finalised(instructor, [a_trainee(n) for n in range(3)])
    issued_without_rendering(Certificate.objects.order_by("serial").first())
    with django_assert_num_queries(1):
        progress = session_certificate_progress(session=session)
    assert (progress.issued, progress.total, progress.pending, progress.failed) == (1, 3, 2, 0)


@pytest.mark.django_db
def test_a_reissue_counts_once_in_the_progress(client, instructor, administrator, held):
    reissue(held, administrator)
    client.force_login(administrator)
    html = progress(client, held.enrolment.session)
    assert "Certificates: 1 of 2 issued" in html
    assert "1 being issued" in html


@pytest.mark.django_db
def test_the_session_page_loads_the_progress_once_results_are_final(
    client, instructor, trainee_user
):
    session = a_session(a_course(), status="in_progress", instructors=[instructor])
    progress_url = reverse("courses:session-certificates-progress", kwargs={"pk": session.pk})
    page_url = reverse("courses:session-detail", kwargs={"pk": session.pk})
    client.force_login(instructor)
    assert progress_url not in client.get(page_url).content.decode()

    session = taught_and_finalised(instructor, [trainee_user.trainee], code="UOF-2026-02", week=1)
    progress_url = reverse("courses:session-certificates-progress", kwargs={"pk": session.pk})
    page_url = reverse("courses:session-detail", kwargs={"pk": session.pk})
    assert progress_url in client.get(page_url).content.decode()


# ------------------------------------------------------------------ the trainee's portal
@pytest.mark.django_db
def test_the_portal_lists_the_trainees_certificates_with_a_download_once_issued(
    client, instructor, administrator, trainee_user
):
    trainee = trainee_user.trainee
    taught_and_finalised(instructor, [trainee], code="UOF-2026-01")
    taught_and_finalised(instructor, [trainee], code="UOF-2026-02", week=1)
    first, second = Certificate.objects.order_by("serial")
    issued_without_rendering(first)
    replaced = issued_without_rendering(reissue(first, administrator))

    client.force_login(trainee_user)
    html = client.get(reverse("portal")).content.decode()
    assert replaced.serial in html and second.serial in html
    assert first.serial not in html  # superseded: its replacement is listed instead
    assert download_url(replaced) in html
    assert download_url(second) not in html
    assert "Being issued" in html
    assert reverse("verify:detail", kwargs={"code": replaced.code_display}) in html


@pytest.mark.django_db
def test_the_portal_takes_the_same_queries_for_one_certificate_or_ten(
    client, instructor, trainee_user
):
    trainee = trainee_user.trainee
    client.force_login(trainee_user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("portal")).status_code == 200
        return len(captured)

    taught_and_finalised(instructor, [trainee], code="UOF-2026-00")
    issued_without_rendering(Certificate.objects.get())
    queries()  # the first visit also puts the readiness profiles and missions in the cache
    one = queries()
    for week in range(1, 10):
        taught_and_finalised(instructor, [trainee], code=f"UOF-2026-{week:02d}", week=week)
    for certificate in Certificate.objects.filter(status=Certificate.Status.PENDING):
        issued_without_rendering(certificate)
    assert Certificate.objects.count() == 10
    assert queries() == one


@pytest.mark.django_db
def test_an_administrator_sees_every_certificate_of_a_trainee_on_their_record(
    client, administrator, trainee_user, held
):
    replacement = reissue(held, administrator)
    record = reverse("trainees:detail", kwargs={"pk": trainee_user.trainee.pk})
    client.force_login(administrator)
    html = client.get(record).content.decode()
    for certificate in (held, replacement):
        assert reverse("courses:certificate-detail", kwargs={"pk": certificate.pk}) in html
    assert download_url(held) in html  # the superseded PDF stays within administrators' reach
    assert download_url(replacement) not in html  # not rendered yet

    client.force_login(trainee_user)  # the trainee has theirs on the portal, once
    assert held.serial not in client.get(record).content.decode()
