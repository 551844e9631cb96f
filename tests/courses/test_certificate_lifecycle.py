"""Administrators revoke a certificate (the row stays, with who, when and why) or reissue it
after a correction (a new certificate that supersedes the old, valid no longer than it)."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from cecopam.dates import months_later
from courses.models import Certificate
from courses.services import certificate_reissue, certificate_revoke, session_results_reopen
from courses.services.certificates import certificate_render
from tests.courses.certificate_states import failed, finalised_with, issued, record_corrected
from tests.trainees.helpers import a_trainee

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def in_english():
    """The refusals are matched by their English wording, whatever the translations say."""
    with translation.override("en"):
        yield


@pytest.fixture
def certificate(instructor):
    """The issued certificate of Persona0 García López, finalised today."""
    (certificate,) = finalised_with([a_trainee(0)], code="UOF-2026-01", by=instructor)
    return issued(certificate)


def fresh(certificate):
    return Certificate.objects.get(pk=certificate.pk)


# ------------------------------------------------------------------ revoke
def test_revoking_keeps_the_row_and_says_who_when_and_why(certificate, administrator):
    revoked = certificate_revoke(
        certificate=certificate, by=administrator, reason="  Documentos falsificados  "
    )
    row = fresh(certificate)
    assert revoked.pk == row.pk and row.status == "revoked" and row.standing() == "revoked"
    assert row.revoked_by == administrator
    assert row.revocation_reason == "Documentos falsificados"
    assert row.revoked_at is not None
    assert row.pdf and row.serial == certificate.serial  # nothing of the certificate is lost
    last = row.history.first()
    assert last.history_user == administrator
    assert last.status == "revoked" and "Documentos falsificados" in last.history_change_reason


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_revocation_needs_a_reason(certificate, administrator, reason):
    with pytest.raises(ValidationError) as refused:
        certificate_revoke(certificate=certificate, by=administrator, reason=reason)
    assert "reason" in refused.value.message_dict
    assert fresh(certificate).status == "issued"


def test_revoking_twice_revokes_once(certificate, administrator, django_user_model):
    certificate_revoke(certificate=certificate, by=administrator, reason="Primera")
    other = django_user_model.objects.create_superuser("otra.admin", "o@example.org", "x")
    # The second administrator still holds the page as it was before the first revocation.
    with pytest.raises(ValidationError, match="already revoked"):
        certificate_revoke(certificate=certificate, by=other, reason="Segunda")
    row = fresh(certificate)
    assert (row.revoked_by, row.revocation_reason) == (administrator, "Primera")
    assert row.history.filter(status="revoked").count() == 1


def test_a_certificate_not_yet_issued_can_be_revoked_and_is_then_never_rendered(
    instructor, administrator
):
    (pending,) = finalised_with([a_trainee(0)], code="UOF-2026-01", by=instructor)
    certificate_revoke(certificate=pending, by=administrator, reason="Resultado impugnado")
    certificate_render(certificate_id=pending.pk)  # the queued render arrives afterwards
    row = fresh(pending)
    assert row.status == "revoked" and not row.pdf


def test_a_failed_certificate_can_be_revoked(instructor, administrator, settings):
    (certificate,) = finalised_with([a_trainee(0)], code="UOF-2026-01", by=instructor)
    failed(certificate, settings)
    certificate_revoke(certificate=certificate, by=administrator, reason="Baja del curso")
    assert fresh(certificate).status == "revoked"


def test_a_superseded_certificate_cannot_be_revoked(certificate, administrator):
    new = certificate_reissue(certificate=certificate, by=administrator, reason="Nombre")
    with pytest.raises(ValidationError, match=new.serial):
        certificate_revoke(certificate=certificate, by=administrator, reason="Error")
    assert fresh(certificate).status == "superseded"


# ------------------------------------------------------------------ reissue
def test_a_reissue_prints_the_corrected_name_on_a_new_certificate_that_supersedes_the_old(
    certificate, administrator
):
    trainee = certificate.enrolment.trainee
    record_corrected(trainee, given_names="Persona Cero")
    new = certificate_reissue(
        certificate=certificate, by=administrator, reason="Nombre mal escrito"
    )
    old = fresh(certificate)
    assert old.status == "superseded" and old.standing() == "superseded"
    assert old.superseded_by == new and new.supersedes == old
    assert old.snapshot["holder"] == "Persona0 García López"  # what was printed stays
    assert new.snapshot["holder"] == "Persona Cero García López"
    assert new.snapshot["serial"] == new.serial != old.serial
    assert new.serial == f"CECOPAM-{TODAY.year}-000002"  # the year's next number
    assert new.code != old.code
    assert new.status == "pending" and new.issued_on == TODAY and not new.pdf
    assert new.enrolment == old.enrolment
    for row in (old, new):
        change = row.history.first()
        assert change.history_user == administrator
        assert "Nombre mal escrito" in change.history_change_reason


def test_a_reissue_is_valid_no_longer_than_the_certificate_it_replaces(instructor, administrator):
    a_year_ago = TODAY - datetime.timedelta(days=365)
    (certificate,) = finalised_with(
        [a_trainee(0)], code="UOF-2026-01", by=instructor, on=a_year_ago
    )
    certificate = issued(certificate)
    assert certificate.valid_until == months_later(a_year_ago, 24)
    new = certificate_reissue(certificate=certificate, by=administrator, reason="Rango")
    assert new.issued_on == TODAY
    assert new.valid_until == certificate.valid_until  # not two years from today


def test_the_reissued_certificate_is_queued_for_rendering_after_the_commit(
    certificate, administrator, django_capture_on_commit_callbacks
):
    with (
        mock.patch("courses.tasks.certificate_render_task.apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        new = certificate_reissue(certificate=certificate, by=administrator, reason="Nombre")
    assert [c.kwargs["args"] for c in send.call_args_list] == [[new.pk]]
    issued(new)
    assert fresh(new).status == "issued" and fresh(new).standing() == "valid"


def test_a_reissued_certificate_can_itself_be_reissued_one_in_force_at_a_time(
    certificate, administrator
):
    second = issued(certificate_reissue(certificate=certificate, by=administrator, reason="1"))
    third = certificate_reissue(certificate=second, by=administrator, reason="2")
    statuses = dict(
        Certificate.objects.filter(enrolment=certificate.enrolment).values_list("pk", "status")
    )
    assert statuses == {certificate.pk: "superseded", second.pk: "superseded", third.pk: "pending"}
    assert third.supersedes == second and fresh(second).supersedes == fresh(certificate)


def test_the_database_refuses_a_second_certificate_in_force_for_an_enrolment(
    certificate, administrator
):
    new = certificate_reissue(certificate=certificate, by=administrator, reason="Nombre")
    old = fresh(certificate)
    old.status = Certificate.Status.ISSUED
    with pytest.raises(IntegrityError), transaction.atomic():
        old.save()
    assert fresh(new).status == "pending"


def test_a_reissue_needs_a_reason(certificate, administrator):
    with pytest.raises(ValidationError) as refused:
        certificate_reissue(certificate=certificate, by=administrator, reason=" ")
    assert "reason" in refused.value.message_dict
    assert Certificate.objects.count() == 1 and fresh(certificate).status == "issued"


def refused_reissue(certificate, by, match):
    before = sorted(Certificate.objects.values_list("pk", "status"))
    with pytest.raises(ValidationError, match=match):
        certificate_reissue(certificate=certificate, by=by, reason="Corrección")
    assert sorted(Certificate.objects.values_list("pk", "status")) == before


def test_a_revoked_certificate_is_not_reissued(certificate, administrator):
    certificate_revoke(certificate=certificate, by=administrator, reason="Fraude")
    refused_reissue(certificate, administrator, "already revoked")


def test_a_superseded_certificate_is_not_reissued_again(certificate, administrator):
    new = certificate_reissue(certificate=certificate, by=administrator, reason="Nombre")
    refused_reissue(certificate, administrator, new.serial)


def test_an_expired_certificate_is_not_reissued(certificate, administrator):
    after_expiry = certificate.valid_until + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=after_expiry):
        refused_reissue(certificate, administrator, "expired")


@pytest.mark.parametrize("state", ["pending", "failed"])
def test_a_certificate_not_yet_issued_is_not_reissued(instructor, administrator, settings, state):
    (certificate,) = finalised_with([a_trainee(0)], code="UOF-2026-01", by=instructor)
    if state == "failed":
        failed(certificate, settings)
    refused_reissue(certificate, administrator, "not issued yet")


def test_no_reissue_while_the_sessions_results_are_reopened(certificate, administrator):
    session_results_reopen(
        session=certificate.enrolment.session, by=administrator, reason="Revisión"
    )
    refused_reissue(certificate, administrator, "not final")
