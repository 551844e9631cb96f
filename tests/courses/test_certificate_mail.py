"""Emails to certificate holders: the certificate once it is issued, and reminders 90, 30 and 7
days before it expires; each sent once, in Spanish and English, to holders with an address."""

from __future__ import annotations

import datetime
import threading
from smtplib import SMTPException

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Certificate, CertificateReminder
from courses.services.certificate_lifecycle import certificate_reissue, certificate_revoke
from courses.services.certificate_mail import (
    certificate_expiry_reminders_send,
    certificate_issued_email_send,
)
from courses.verification_codes import verification_url
from tests.courses.certificate_states import finalised_with, issued
from tests.courses.flaky_email import FlakyEmailBackend
from tests.courses.held_certificates import issued_without_rendering
from tests.courses.helpers import a_course
from tests.courses.pdfs import pdf_text
from tests.trainees.helpers import a_trainee

pytestmark = pytest.mark.django_db

FLAKY = "tests.courses.flaky_email.FlakyEmailBackend"
MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


def spanish(day: datetime.date) -> str:
    return f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"


def holders(count: int, *, start: int = 0, email: bool = True):
    return [
        a_trainee(n, email=f"persona{n}@example.org" if email else "")
        for n in range(start, start + count)
    ]


def certificates_of(trainees, by, *, code="UOF-2026-01", course=None):
    """Issued certificates of a session of ``course`` with ``trainees``, each holding a
    stand-in PDF (see issued_without_rendering)."""
    pending = finalised_with(trainees, code=code, by=by, course=course)
    return [issued_without_rendering(certificate) for certificate in pending]


def halves(body: str) -> tuple[str, str]:
    """The plain-text body's Spanish and English halves, the Spanish one first."""
    spanish_part, english_part = body.split("-" * 60)
    assert "Uso de la fuerza" in spanish_part and "Use of force" not in spanish_part
    assert "Use of force" in english_part and "Uso de la fuerza" not in english_part
    return spanish_part, english_part


# ---------------------------------------------------------------------------- issued
def test_the_holder_is_emailed_once_however_often_the_task_runs(instructor, mailoutbox):
    [certificate] = certificates_of(holders(1), instructor)

    sent = [certificate_issued_email_send(certificate_id=certificate.pk) for _ in range(3)]

    assert sent == [True, False, False]
    [message] = mailoutbox
    assert message.to == ["persona0@example.org"]
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None


def test_the_email_is_bilingual_with_the_verification_address_and_the_pdf_attached(
    instructor, mailoutbox
):
    [pending] = finalised_with(holders(1), code="UOF-2026-01", by=instructor)
    certificate = issued(pending)  # rendered for real: the PDF the holder gets
    serial = certificate.serial

    assert certificate_issued_email_send(certificate_id=certificate.pk)

    [message] = mailoutbox
    assert message.subject == f"Su certificado {serial} / Your certificate {serial}"
    spanish_part, english_part = halves(message.body)
    address = verification_url(certificate.code)
    portal = "http://127.0.0.1:8000" + reverse("portal")
    for part in (spanish_part, english_part):
        for shown in (certificate.snapshot["holder"], serial, certificate.code_display):
            assert shown in part
        assert address in part and portal in part
    assert spanish(certificate.issued_on) in spanish_part
    assert spanish(certificate.valid_until) in spanish_part
    assert "Vigente hasta" in spanish_part
    assert "Centro de Entrenamiento Conjunto de Operaciones de Paz de México" in spanish_part
    assert f"{certificate.valid_until.day}, {certificate.valid_until.year}" in english_part
    assert "Valid until" in english_part and "Joint Training Centre" in english_part

    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert html.index('lang="es"') < html.index('lang="en"')
    spanish_html, english_html = html.split('lang="en"')
    assert "Uso de la fuerza" in spanish_html and "Use of force" in english_html
    assert f'href="{address}"' in spanish_html and f'href="{address}"' in english_html

    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"{serial}.pdf", "application/pdf")
    with certificate.pdf.open("rb") as stored:
        assert content == stored.read()
    assert serial in pdf_text(content)


def test_no_email_goes_to_a_holder_without_an_address(instructor, mailoutbox):
    [certificate] = certificates_of(holders(1, email=False), instructor)

    assert not certificate_issued_email_send(certificate_id=certificate.pk)

    assert mailoutbox == []
    certificate.refresh_from_db()
    assert certificate.emailed_at is None


def test_no_email_goes_out_for_a_certificate_not_issued_or_revoked(
    instructor, administrator, mailoutbox
):
    pending, revoked = finalised_with(holders(2), code="UOF-2026-01", by=instructor)
    revoked = certificate_revoke(
        certificate=issued_without_rendering(revoked), by=administrator, reason="Fraude"
    )

    assert not certificate_issued_email_send(certificate_id=pending.pk)
    assert not certificate_issued_email_send(certificate_id=revoked.pk)
    assert not certificate_issued_email_send(certificate_id=0)
    assert mailoutbox == []


def test_a_failed_send_gives_the_claim_back_so_that_a_retry_sends_it(
    instructor, settings, mailoutbox
):
    [certificate] = certificates_of(holders(1), instructor)
    settings.EMAIL_BACKEND = FLAKY
    FlakyEmailBackend.failures_left = 1

    with pytest.raises(SMTPException):
        certificate_issued_email_send(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.emailed_at is None
    assert mailoutbox == []

    assert certificate_issued_email_send(certificate_id=certificate.pk)
    assert not certificate_issued_email_send(certificate_id=certificate.pk)
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_workers_sending_the_same_email_at_once_send_it_once():
    from tests.factories import make_user

    instructor = make_user("ivan.instructor", role="instructor")
    [certificate] = certificates_of(holders(1), instructor)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def send():
        try:
            barrier.wait()
            results.append(certificate_issued_email_send(certificate_id=certificate.pk))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------------------- expiry reminders
def days_before(certificate: Certificate, days: int) -> datetime.date:
    return certificate.valid_until - datetime.timedelta(days=days)


def test_reminders_go_out_90_30_and_7_days_before_expiry_once_each_however_often_run(
    instructor, mailoutbox
):
    [certificate] = certificates_of(holders(1), instructor)

    sent_on = {}
    for days_left in range(120, -3, -1):
        today = days_before(certificate, days_left)
        sent = [certificate_expiry_reminders_send(today=today) for _ in range(2)]
        assert sent[1] == 0
        if sent[0]:
            sent_on[days_left] = sent[0]

    assert sent_on == {90: 1, 30: 1, 7: 1}
    assert len(mailoutbox) == 3
    assert sorted(
        CertificateReminder.objects.filter(certificate=certificate).values_list(
            "days_before", flat=True
        )
    ) == [7, 30, 90]


def test_a_reminder_says_when_the_certificate_expires_in_both_languages(instructor, mailoutbox):
    [certificate] = certificates_of(holders(1), instructor)

    assert certificate_expiry_reminders_send(today=days_before(certificate, 30)) == 1

    [message] = mailoutbox
    assert message.to == ["persona0@example.org"]
    assert message.subject.startswith(f"Su certificado {certificate.serial} vence el")
    assert message.subject.count(certificate.serial) == 2
    spanish_part, english_part = halves(message.body)
    assert spanish(certificate.valid_until) in spanish_part
    assert "in 30 days" in english_part
    for part in (spanish_part, english_part):
        assert verification_url(certificate.code) in part
    [(html, _kind)] = message.alternatives
    assert 'lang="es"' in html and 'lang="en"' in html
    assert message.attachments == []


def test_a_missed_day_still_sends_the_reminder_due_once(instructor, mailoutbox):
    [certificate] = certificates_of(holders(1), instructor)
    assert certificate_expiry_reminders_send(today=days_before(certificate, 90)) == 1

    # The daily run did not happen on the 30th day before expiry.
    assert certificate_expiry_reminders_send(today=days_before(certificate, 29)) == 1
    assert certificate_expiry_reminders_send(today=days_before(certificate, 28)) == 0
    assert len(mailoutbox) == 2
    assert "in 29 days" in mailoutbox[1].body


def test_a_late_first_run_sends_only_the_most_urgent_reminder(instructor, mailoutbox):
    [certificate] = certificates_of(holders(1), instructor)

    assert certificate_expiry_reminders_send(today=days_before(certificate, 20)) == 1
    assert certificate_expiry_reminders_send(today=days_before(certificate, 19)) == 0
    assert list(
        CertificateReminder.objects.filter(certificate=certificate).values_list(
            "days_before", flat=True
        )
    ) == [30]
    assert len(mailoutbox) == 1


def test_no_reminder_for_revoked_expired_or_never_expiring_certificates_or_without_address(
    instructor, administrator, mailoutbox
):
    revoked, _without_address = certificates_of(
        holders(1) + holders(1, start=1, email=False), instructor
    )
    certificate_revoke(certificate=revoked, by=administrator, reason="Constancia falsa")
    [for_ever] = certificates_of(
        holders(1, start=2),
        instructor,
        code="POC-2026-01",
        course=a_course("POC", validity_months=None),
    )
    assert for_ever.valid_until is None

    for days_left in (90, 30, 7, 0, -1):
        assert certificate_expiry_reminders_send(today=days_before(revoked, days_left)) == 0
    assert mailoutbox == []
    assert not CertificateReminder.objects.exists()


def test_a_reissued_certificate_gets_no_reminder_its_holder_already_had(
    instructor, administrator, mailoutbox
):
    [old] = certificates_of(holders(1), instructor)
    certificate_expiry_reminders_send(today=days_before(old, 90))
    new = issued_without_rendering(
        certificate_reissue(certificate=old, by=administrator, reason="Nombre mal escrito")
    )
    assert new.valid_until == old.valid_until

    assert certificate_expiry_reminders_send(today=days_before(old, 89)) == 0
    assert certificate_expiry_reminders_send(today=days_before(old, 30)) == 1
    assert [m.to for m in mailoutbox] == [["persona0@example.org"]] * 2
    assert new.serial in mailoutbox[1].subject
    assert CertificateReminder.objects.filter(certificate=new).count() == 1


def test_a_reminder_that_could_not_be_sent_goes_out_on_the_next_run(
    instructor, settings, mailoutbox, caplog
):
    first, _second = certificates_of(holders(2), instructor)
    today = days_before(first, 7)
    settings.EMAIL_BACKEND = FLAKY
    FlakyEmailBackend.failures_left = 1

    assert certificate_expiry_reminders_send(today=today) == 1
    assert "could not be sent" in caplog.text
    assert CertificateReminder.objects.count() == 1
    assert certificate_expiry_reminders_send(today=today) == 1
    assert certificate_expiry_reminders_send(today=today) == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["persona0@example.org", "persona1@example.org"]


def test_the_reminder_run_makes_as_many_queries_for_twenty_certificates_as_for_one(instructor):
    [one] = certificates_of(holders(1), instructor)
    with CaptureQueriesContext(connection) as for_one:
        assert certificate_expiry_reminders_send(today=days_before(one, 90)) == 1

    certificates_of(holders(20, start=1), instructor, code="DIH-2026-01", course=a_course("DIH"))
    with CaptureQueriesContext(connection) as for_twenty_one:
        assert certificate_expiry_reminders_send(today=days_before(one, 30)) == 21

    assert len(for_twenty_one) == len(for_one)
