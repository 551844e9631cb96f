"""The administrators' certificate pages: the list and its filters, one certificate, and
revoking, reissuing and retrying from its page; nobody else gets in."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from courses.models import Certificate
from courses.services import certificate_reissue, certificate_revoke
from courses.verification_codes import verification_url
from tests.courses.certificate_states import failed, finalised_with, issued
from tests.courses.helpers import a_course
from tests.trainees.helpers import a_trainee

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
LONG_AGO = datetime.date(2023, 2, 1)  # issued then, valid 24 months: expired now


@pytest.fixture
def shelf(instructor, administrator, settings):
    """One certificate in each state an administrator meets, by name:

    valid, revoked, superseded, reissued (pending) of session UOF-2026-01 (Use of force);
    failed of DIH-2026-01 (another course); expired of UOF-2023-01, issued in 2023.
    Ana Pérez (revoked) is from Guatemala, everyone else from Mexico."""
    uof = a_course()
    people = [
        a_trainee(0),
        a_trainee(1, given_names="Ana", first_surname="Pérez", nationality="GT"),
        a_trainee(2),
    ]
    certificates = finalised_with(people, code="UOF-2026-01", course=uof, by=instructor)
    valid, revoked, superseded = (
        next(c for c in certificates if c.enrolment.trainee == person) for person in people
    )
    for certificate in (valid, revoked, superseded):
        issued(certificate)
    certificate_revoke(certificate=revoked, by=administrator, reason="Documentos falsificados")
    reissued = certificate_reissue(certificate=superseded, by=administrator, reason="Nombre")
    (failing,) = finalised_with(
        [a_trainee(3)], code="DIH-2026-01", course=a_course("DIH"), by=instructor
    )
    failed(failing, settings, error="OSError: the font file is missing")
    (expired,) = finalised_with(
        [a_trainee(4)],
        code="UOF-2023-01",
        course=uof,
        by=instructor,
        on=LONG_AGO,
        start_date=datetime.date(2023, 1, 23),
        end_date=datetime.date(2023, 1, 27),
    )
    issued(expired)
    return {
        name: Certificate.objects.get(pk=certificate.pk)
        for name, certificate in {
            "valid": valid,
            "revoked": revoked,
            "superseded": superseded,
            "reissued": reissued,
            "failed": failing,
            "expired": expired,
        }.items()
    }


def listed(client, administrator, **query):
    client.force_login(administrator)
    response = client.get(reverse("courses:certificate-list"), query)
    assert response.status_code == 200
    return {certificate.serial for certificate in response.context["page"]}


def serials(shelf, *names):
    return {shelf[name].serial for name in names}


# ------------------------------------------------------------------ the list
def test_the_list_shows_every_certificate_newest_first(client, administrator, shelf):
    client.force_login(administrator)
    response = client.get(reverse("courses:certificate-list"))
    rows = list(response.context["page"])
    assert {c.serial for c in rows} == serials(shelf, *shelf)
    assert rows[0] == shelf["failed"] and rows[-1] == shelf["expired"]  # by issue, serial
    text = response.text
    for certificate in shelf.values():
        assert reverse("courses:certificate-detail", args=[certificate.pk]) in text
    assert "Ana Pérez" in text and "DIH-2026-01" in text


STATUS_FILTERED = {
    "issued": ["valid", "expired"],
    "valid": ["valid"],
    "expired": ["expired"],
    "pending": ["reissued"],
    "failed": ["failed"],
    "revoked": ["revoked"],
    "superseded": ["superseded"],
}


def test_the_status_filter_narrows_the_list(client, administrator, shelf):
    for status, expected in STATUS_FILTERED.items():
        assert listed(client, administrator, status=status) == serials(shelf, *expected), status


def test_the_course_session_year_and_nationality_filters_narrow_the_list(
    client, administrator, shelf
):
    dih = shelf["failed"].enrolment.session
    assert listed(client, administrator, course=dih.course.pk) == serials(shelf, "failed")
    expired_session = shelf["expired"].enrolment.session
    assert listed(client, administrator, session=expired_session.pk) == serials(shelf, "expired")
    assert listed(client, administrator, year=2023) == serials(shelf, "expired")
    assert listed(client, administrator, year=TODAY.year) == serials(
        shelf, "valid", "revoked", "superseded", "reissued", "failed"
    )
    assert listed(client, administrator, nationality="GT") == serials(shelf, "revoked")
    uof = shelf["valid"].enrolment.session.course
    assert listed(client, administrator, course=uof.pk, status="issued") == serials(
        shelf, "valid", "expired"
    )


def test_the_search_finds_a_serial_a_code_as_typed_or_a_name(client, administrator, shelf):
    assert listed(client, administrator, q=shelf["failed"].serial) == serials(shelf, "failed")
    typed = shelf["expired"].code_display.lower().replace("-", " - ")
    assert listed(client, administrator, q=typed) == serials(shelf, "expired")
    assert listed(client, administrator, q="perez ANA") == serials(shelf, "revoked")
    assert listed(client, administrator, q="nadie") == set()


def test_the_list_runs_the_same_number_of_queries_for_3_or_30_certificates(
    client, administrator, instructor
):
    client.force_login(administrator)
    course = a_course()
    finalised_with(
        [a_trainee(n) for n in range(3)], code="UOF-2026-01", course=course, by=instructor
    )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("courses:certificate-list"))
        assert response.status_code == 200
        return len(captured), len(response.context["page"])

    few, rows = queries()
    assert rows == 3
    finalised_with(
        [a_trainee(n) for n in range(3, 30)], code="UOF-2026-02", course=course, by=instructor
    )
    many, rows = queries()
    assert rows == 25  # a full page
    assert many == few


def test_the_administrators_menu_leads_to_the_certificates(client, administrator):
    client.force_login(administrator)
    text = client.get(reverse("courses:session-list")).text
    assert f'href="{reverse("courses:certificate-list")}"' in text


# ------------------------------------------------------------------ one certificate
def test_the_page_of_an_issued_certificate(client, administrator, shelf):
    certificate = shelf["valid"]
    client.force_login(administrator)
    text = client.get(reverse("courses:certificate-detail", args=[certificate.pk])).text
    for shown in (
        certificate.serial,
        certificate.code_display,
        escape(verification_url(certificate.code)),
        certificate.snapshot["holder"],
        certificate.snapshot["course_title_es"],
        certificate.snapshot["course_title_en"],
        certificate.sha256,
        reverse("courses:certificate-download", args=[certificate.pk]),
        reverse("courses:certificate-revoke", args=[certificate.pk]),
        reverse("courses:certificate-reissue", args=[certificate.pk]),
        "PDF generado",  # the history: the worker's change, shown in the page's Spanish
        escape(instructor_name(certificate)),  # the history: who created it
    ):
        assert shown in text, shown
    assert reverse("courses:certificate-retry", args=[certificate.pk]) not in text


def instructor_name(certificate):
    user = certificate.history.earliest().history_user
    return user.get_full_name() or user.get_username()


def test_the_page_of_a_failed_certificate_shows_the_error_and_offers_a_retry(
    client, administrator, shelf
):
    certificate = shelf["failed"]
    client.force_login(administrator)
    text = client.get(reverse("courses:certificate-detail", args=[certificate.pk])).text
    assert "OSError: the font file is missing" in text
    assert reverse("courses:certificate-retry", args=[certificate.pk]) in text
    assert reverse("courses:certificate-reissue", args=[certificate.pk]) not in text


def test_the_page_of_a_revoked_certificate_says_who_when_and_why(client, administrator, shelf):
    certificate = shelf["revoked"]
    client.force_login(administrator)
    text = client.get(reverse("courses:certificate-detail", args=[certificate.pk])).text
    assert "Documentos falsificados" in text
    assert administrator.get_full_name() in text
    for action in ("revoke", "reissue", "retry"):
        assert reverse(f"courses:certificate-{action}", args=[certificate.pk]) not in text


def test_an_old_and_its_reissue_link_to_each_other(client, administrator, shelf):
    old, new = shelf["superseded"], shelf["reissued"]
    client.force_login(administrator)
    old_page = client.get(reverse("courses:certificate-detail", args=[old.pk])).text
    new_page = client.get(reverse("courses:certificate-detail", args=[new.pk])).text
    assert reverse("courses:certificate-detail", args=[new.pk]) in old_page
    assert reverse("courses:certificate-detail", args=[old.pk]) in new_page
    assert "Nombre" in old_page  # the reason, in the history


def test_an_unknown_certificate_is_not_found(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("courses:certificate-detail", args=[999])).status_code == 404


# ------------------------------------------------------------------ acting from the pages
def test_revoking_from_the_page(client, administrator, shelf):
    certificate = shelf["valid"]
    client.force_login(administrator)
    url = reverse("courses:certificate-revoke", args=[certificate.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Expediente falso"})
    assert response.status_code == 302
    assert response.url == reverse("courses:certificate-detail", args=[certificate.pk])
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_by == administrator
    assert "Expediente falso" in client.get(response.url).text


def snapshot_of_rows():
    return sorted(Certificate.objects.values_list("pk", "status", "revocation_reason", "serial"))


@pytest.mark.parametrize("action", ["revoke", "reissue"])
def test_an_empty_reason_is_asked_for_again_and_changes_nothing(
    client, administrator, shelf, action
):
    certificate = shelf["valid"]
    before = snapshot_of_rows()
    client.force_login(administrator)
    url = reverse(f"courses:certificate-{action}", args=[certificate.pk])
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 400
    errors = response.context["form"].errors["reason"]
    assert errors and escape(errors[0]) in response.text
    assert snapshot_of_rows() == before


def test_revoking_a_revoked_certificate_says_why_not_and_changes_nothing(
    client, administrator, shelf
):
    certificate = shelf["revoked"]
    before = snapshot_of_rows()
    client.force_login(administrator)
    response = client.post(
        reverse("courses:certificate-revoke", args=[certificate.pk]), {"reason": "Otra vez"}
    )
    assert response.status_code == 400
    (error,) = response.context["form"].non_field_errors()
    assert certificate.serial in error and escape(error) in response.text
    assert snapshot_of_rows() == before


def test_reissuing_from_the_page_leads_to_the_new_certificate(
    client, administrator, shelf, django_capture_on_commit_callbacks
):
    old = shelf["valid"]
    client.force_login(administrator)
    url = reverse("courses:certificate-reissue", args=[old.pk])
    assert client.get(url).status_code == 200
    with (
        mock.patch("courses.tasks.certificate_render_task.apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, {"reason": "Apellido mal escrito"})
    new = Certificate.objects.get(supersedes=old)
    assert response.status_code == 302
    assert response.url == reverse("courses:certificate-detail", args=[new.pk])
    assert [c.kwargs["args"] for c in send.call_args_list] == [[new.pk]]
    old.refresh_from_db()
    assert old.status == "superseded"


def test_reissuing_what_cannot_be_reissued_says_why_and_changes_nothing(
    client, administrator, shelf
):
    before = snapshot_of_rows()
    client.force_login(administrator)
    for name in ("reissued", "failed", "revoked", "expired"):
        certificate = shelf[name]
        response = client.post(
            reverse("courses:certificate-reissue", args=[certificate.pk]), {"reason": "Corrección"}
        )
        assert response.status_code == 400, name
        (error,) = response.context["form"].non_field_errors()
        assert escape(error) in response.text
    assert snapshot_of_rows() == before


def test_a_reissue_reason_longer_than_the_history_keeps_is_refused(client, administrator, shelf):
    certificate = shelf["valid"]
    client.force_login(administrator)
    response = client.post(
        reverse("courses:certificate-reissue", args=[certificate.pk]), {"reason": "x" * 81}
    )
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    assert not Certificate.objects.filter(supersedes=certificate).exists()


def test_retrying_a_failed_certificate_from_its_page(
    client, administrator, shelf, django_capture_on_commit_callbacks
):
    certificate = shelf["failed"]
    client.force_login(administrator)
    with (
        mock.patch("courses.tasks.certificate_render_task.apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("courses:certificate-retry", args=[certificate.pk]))
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "pending"
    assert [c.kwargs["args"] for c in send.call_args_list] == [[certificate.pk]]


def test_retrying_an_issued_certificate_says_why_not_and_changes_nothing(
    client, administrator, shelf
):
    certificate = shelf["valid"]
    before = snapshot_of_rows()
    client.force_login(administrator)
    response = client.post(reverse("courses:certificate-retry", args=[certificate.pk]))
    assert response.status_code == 400
    (error,) = response.context["errors"]
    assert escape(error) in response.text
    assert snapshot_of_rows() == before


# ------------------------------------------------------------------ who gets in
PAGES = [
    ("get", "certificate-list"),
    ("get", "certificate-detail"),
    ("get", "certificate-revoke"),
    ("get", "certificate-reissue"),
    ("post", "certificate-revoke"),
    ("post", "certificate-reissue"),
    ("post", "certificate-retry"),
]


def url_of(name, certificate):
    if name == "certificate-list":
        return reverse(f"courses:{name}")
    return reverse(f"courses:{name}", args=[certificate.pk])


@pytest.mark.parametrize("who", ["instructor", "trainee_user"])
def test_instructors_and_trainees_are_refused_and_change_nothing(client, request, shelf, who):
    before = snapshot_of_rows()
    client.force_login(request.getfixturevalue(who))
    for method, name in PAGES:
        for certificate in (shelf["valid"], shelf["failed"]):
            response = getattr(client, method)(url_of(name, certificate), {"reason": "Intruso"})
            assert response.status_code == 403, (method, name)
    assert snapshot_of_rows() == before


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client, shelf):
    before = snapshot_of_rows()
    for method, name in PAGES:
        for certificate in (shelf["valid"], shelf["failed"]):
            url = url_of(name, certificate)
            response = getattr(client, method)(url, {"reason": "Anónimo"})
            assert response.status_code == 302, (method, name)
            assert response.url.startswith(reverse("login"))
    assert snapshot_of_rows() == before
