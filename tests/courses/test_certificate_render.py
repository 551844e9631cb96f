"""Rendering a certificate: the PDF printed from the frozen snapshot, stored with its hash;
idempotent, bounded when it fails, and swept up when its message was lost."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.models import Certificate
from courses.services.certificates import (
    certificate_render,
    certificate_render_failed,
    certificate_retry,
    certificates_sweep,
)
from courses.verification_codes import verification_url
from tests.courses.helpers import finalised
from tests.courses.pdfs import pdf_fonts, pdf_page_count, pdf_text, qr_codes

pytestmark = pytest.mark.django_db


def one_pending(instructor, **trainee):
    session, _ = finalised("UOF-2026-01", 1, by=instructor)
    return Certificate.objects.get(enrolment__session=session)


def test_a_rendered_certificate_is_issued_with_its_pdf_and_the_pdf_shows_what_was_frozen(
    instructor,
):
    certificate = one_pending(instructor)
    holder = certificate.snapshot["holder"]

    certificate = certificate_render(certificate_id=certificate.pk)

    assert certificate.status == "issued"
    data = certificate.pdf.read()
    assert certificate.sha256 == hashlib.sha256(data).hexdigest()
    assert pdf_page_count(data) == 1
    text = pdf_text(data)
    for printed in (
        holder,
        certificate.serial,
        certificate.code_display,
        "Uso de la fuerza",
        "Use of force",
        verification_url(certificate.code),
    ):
        assert printed in text.replace("\n", " ")
    fonts = pdf_fonts(data)
    assert fonts and all(fonts.values()), fonts
    assert any("SourceSerif4" in name or "Source-Serif-4" in name for name in fonts)


def test_the_qr_code_on_the_page_holds_the_public_verification_address(instructor):
    certificate = certificate_render(certificate_id=one_pending(instructor).pk)

    assert qr_codes(certificate.pdf.read()) == [verification_url(certificate.code)]


def test_rendering_again_changes_nothing_and_stores_no_second_file(instructor, media_root):
    certificate = certificate_render(certificate_id=one_pending(instructor).pk)
    name, digest = certificate.pdf.name, certificate.sha256

    again = certificate_render(certificate_id=certificate.pk)

    assert (again.status, again.pdf.name, again.sha256) == ("issued", name, digest)
    assert [p.name for p in media_root.rglob("*.pdf")] == [f"{certificate.serial}.pdf"]
    assert again.history.filter(history_change_reason="PDF rendered").count() == 1


def test_a_certificate_revoked_before_its_turn_is_not_rendered(instructor, administrator):
    certificate = one_pending(instructor)
    Certificate.objects.filter(pk=certificate.pk).update(status="revoked")

    assert certificate_render(certificate_id=certificate.pk).status == "revoked"
    assert not Certificate.objects.get(pk=certificate.pk).pdf


def test_a_failing_render_goes_back_to_pending_then_fails_for_good_with_its_error(
    instructor, settings, monkeypatch
):
    settings.CERTIFICATE_RENDER_MAX_ATTEMPTS = 2
    certificate = one_pending(instructor)

    def broken(html):
        raise OSError("no space left on device")

    monkeypatch.setattr("courses.services.certificates.certificate_pdf", broken)
    for expected in ("pending", "failed"):
        with pytest.raises(OSError):
            certificate_render(certificate_id=certificate.pk)
        failed = certificate_render_failed(
            certificate_id=certificate.pk, error="OSError: no space left on device"
        )
        assert failed.status == expected
    assert failed.last_error == "OSError: no space left on device"
    assert failed.render_attempts == 2
    # A failed certificate waits for an administrator: the task does nothing more.
    assert certificate_render(certificate_id=certificate.pk).status == "failed"


def test_an_administrator_retries_a_failed_render_and_it_is_issued(
    instructor, administrator, settings, monkeypatch
):
    settings.CERTIFICATE_RENDER_MAX_ATTEMPTS = 1
    certificate = one_pending(instructor)
    monkeypatch.setattr(
        "courses.services.certificates.certificate_pdf",
        lambda html: (_ for _ in ()).throw(OSError("disk full")),
    )
    with pytest.raises(OSError):
        certificate_render(certificate_id=certificate.pk)
    certificate_render_failed(certificate_id=certificate.pk, error="OSError: disk full")
    monkeypatch.undo()

    retried = certificate_retry(
        certificate=Certificate.objects.get(pk=certificate.pk), by=administrator
    )
    assert (retried.status, retried.render_attempts) == ("pending", 0)
    assert retried.history.first().history_user == administrator
    assert certificate_render(certificate_id=certificate.pk).status == "issued"

    with pytest.raises(ValidationError):
        certificate_retry(certificate=retried, by=administrator)


def test_a_render_whose_worker_died_too_often_is_marked_failed_instead_of_tried_forever(
    instructor, settings
):
    settings.CERTIFICATE_RENDER_MAX_ATTEMPTS = 3
    certificate = one_pending(instructor)
    Certificate.objects.filter(pk=certificate.pk).update(status="rendering", render_attempts=3)

    certificate = certificate_render(certificate_id=certificate.pk)

    assert certificate.status == "failed"
    assert "3" in certificate.last_error


def test_the_sweeper_queues_only_certificates_stuck_longer_than_the_setting(
    instructor, settings, redis_server
):
    from cecopam.celery import app

    app.control.purge()
    settings.CERTIFICATE_SWEEP_AFTER_SECONDS = 300
    session, _ = finalised("UOF-2026-01", 3, by=instructor)
    stuck, rendering, fresh = Certificate.objects.filter(enrolment__session=session)
    long_ago = timezone.now() - datetime.timedelta(seconds=301)
    Certificate.objects.filter(pk=stuck.pk).update(updated_at=long_ago)
    Certificate.objects.filter(pk=rendering.pk).update(status="rendering", updated_at=long_ago)

    assert certificates_sweep() == 2
    assert queued_render_ids() == sorted([stuck.pk, rendering.pk])
    # Touched: the next sweep a minute later does not send them again.
    assert certificates_sweep(now=timezone.now() + datetime.timedelta(seconds=60)) == 0
    assert Certificate.objects.get(pk=fresh.pk).status == "pending"


def queued_render_ids() -> list[int]:
    """The certificate ids of the render messages waiting in the pdf queue (left there)."""
    import json

    from cecopam.celery import app

    with app.connection_for_read() as connection:
        client = connection.default_channel.client
        messages = [json.loads(raw) for raw in client.lrange("pdf", 0, -1)]
    app.control.purge()
    import base64

    ids = []
    for message in messages:
        assert message["headers"]["task"] == "courses.tasks.certificate_render"
        args, _, _ = json.loads(base64.b64decode(message["body"]))
        ids.extend(args)
    return sorted(ids)
