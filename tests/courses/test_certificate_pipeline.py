"""The certificate pipeline end to end, with real Celery workers on a real Redis: finalising
a session issues every passer's PDF; duplicates, a killed worker and a Redis outage neither
lose a certificate nor make one twice."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from cecopam.celery import app
from cecopam.embedded_redis import EmbeddedRedis
from courses.models import Certificate
from courses.services import session_finalise, session_results_reopen
from courses.services.certificates import certificates_sweep
from courses.verification_codes import verification_url
from tests.courses.helpers import finalised, ready_to_finalise
from tests.courses.pdfs import pdf_fonts, pdf_text
from tests.waiting import wait_for

pytestmark = pytest.mark.celery


def issued_count(session) -> int:
    return Certificate.objects.filter(enrolment__session=session, status="issued").count()


def broker_idle() -> bool:
    """Nothing waits in the pdf queue and no delivered message is still unacknowledged."""
    with app.connection_for_read() as connection:
        client = connection.default_channel.client
        return client.llen("pdf") == 0 and client.hlen("unacked") == 0


def stored_pdfs(media_root: Path) -> list[str]:
    return sorted(path.name for path in media_root.rglob("*.pdf"))


def test_thirty_passers_get_thirty_pdfs_and_sending_everything_again_changes_nothing(
    workers, instructor, administrator, media_root
):
    workers.start(concurrency=2)
    session, _ = finalised("UOF-2026-30", 30, by=instructor, failing=2)

    assert wait_for(lambda: issued_count(session) == 30, timeout=300), issued_count(session)
    certificates = list(Certificate.objects.filter(enrolment__session=session))
    assert len(certificates) == 30
    for certificate in certificates:
        data = certificate.pdf.read()
        text = " ".join(pdf_text(data).split())
        assert certificate.snapshot["holder"] in text
        assert certificate.serial in text
        assert verification_url(certificate.code) in text
        fonts = pdf_fonts(data)
        assert fonts and all(fonts.values()), f"not embedded: {fonts}"
    before = {c.pk: (c.serial, c.code, c.pdf.name, c.sha256) for c in certificates}
    assert stored_pdfs(media_root) == sorted(f"{c.serial}.pdf" for c in certificates)

    # Every message again, and the session reopened and finalised again.
    from courses.services.certificates import _send_render_tasks

    assert _send_render_tasks(list(before)) == 30
    session = session_results_reopen(session=session, by=administrator, reason="Check")
    session_finalise(session=session, by=instructor)
    assert wait_for(broker_idle, timeout=120)

    after = Certificate.objects.filter(enrolment__session=session)
    assert {c.pk: (c.serial, c.code, c.pdf.name, c.sha256) for c in after} == before
    assert stored_pdfs(media_root) == sorted(f"{serial}.pdf" for serial, *_ in before.values())
    assert all(c.history.filter(history_change_reason="PDF rendered").count() == 1 for c in after)


def test_a_worker_killed_mid_batch_loses_nothing_and_renders_nothing_twice(
    workers, instructor, media_root, settings
):
    settings.CERTIFICATE_SWEEP_AFTER_SECONDS = 2
    first = workers.start(concurrency=1)
    session, _ = finalised("UOF-2026-50", 50, by=instructor)

    assert wait_for(lambda: issued_count(session) >= 5, timeout=120)
    workers.kill(first)  # SIGKILL to the worker and its pool: no handler runs
    killed_at = issued_count(session)
    assert killed_at < 50, "the batch finished before the worker was killed"

    # A new worker takes what is still queued; what the dead one held is swept up.
    workers.start(concurrency=1)

    def all_issued() -> bool:
        certificates_sweep()
        return issued_count(session) == 50

    assert wait_for(all_issued, timeout=300, interval=1), issued_count(session)
    certificates = list(Certificate.objects.filter(enrolment__session=session))
    assert len({c.serial for c in certificates}) == 50
    assert stored_pdfs(media_root) == sorted(f"{c.serial}.pdf" for c in certificates)
    for certificate in certificates:
        assert certificate.history.filter(history_change_reason="PDF rendered").count() == 1


@pytest.fixture
def private_broker(redis_server):
    """A Redis of this test's own, which the test can stop and start again; the app sends
    its messages there while the test runs."""
    # A short path: a unix socket's path may not pass 107 characters.
    folder = Path(tempfile.gettempdir()) / f"cecopam-{uuid.uuid4().hex[:8]}"
    redis = EmbeddedRedis(socket_path=folder / "redis.sock", persist=False)
    redis.start()
    url = redis.url
    previous = app.conf.broker_url
    # Connections and producers come from pools made for the broker's URL: new ones for the
    # new URL, and for the old one again afterwards.
    app.conf.broker_url = "redis+socket://" + url.removeprefix("unix://")
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield redis
    finally:
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)
        app.conf.broker_url = previous
        app._pool = None
        app.amqp._producer_pool = None


def test_with_redis_down_finalising_succeeds_and_the_sweeper_issues_everything_later(
    workers, private_broker, client, instructor, administrator, settings
):
    settings.CERTIFICATE_SWEEP_AFTER_SECONDS = 1
    session, _ = ready_to_finalise("UOF-2026-08", 8, by=instructor)
    private_broker.stop()

    client.force_login(administrator)
    response = client.post(
        reverse("courses:session-finalise", args=[session.pk]),
        follow=True,
        headers={"accept-language": "en"},
    )

    assert response.status_code == 200
    assert "The results of UOF-2026-08 are final." in response.text
    session.refresh_from_db()
    assert session.status == "completed"
    certificates = Certificate.objects.filter(enrolment__session=session)
    assert certificates.count() == 8
    assert set(certificates.values_list("status", flat=True)) == {"pending"}

    private_broker.start()
    workers.start(concurrency=1, REDIS_URL=private_broker.url)

    def all_issued() -> bool:
        certificates_sweep()
        return issued_count(session) == 8

    assert wait_for(all_issued, timeout=180, interval=1), issued_count(session)
