"""Scaling out: two PDF workers, as on two hosts, against one Redis, one database and one
storage, share a batch of certificates between them without making any twice, and each
certificate records which of them printed it."""

from __future__ import annotations

import collections
import hashlib

import pytest
from django.conf import settings
from django.urls import reverse

from courses.models import Certificate
from courses.services.certificates import RENDERED
from tests.courses.helpers import a_course, finalised
from tests.waiting import wait_for

pytestmark = pytest.mark.celery

HOSTS = ("pdf@host-a", "pdf@host-b")
BATCH = 200


def test_two_pdf_workers_on_two_hosts_share_a_batch_of_200_and_none_is_made_twice(
    workers, instructor, administrator, client, media_root
):
    for nodename in HOSTS:  # one pool process each, on the pdf queue alone
        workers.start(nodename=nodename, queues="pdf")

    # Two sessions of a hundred, finalised one after the other: 200 certificates queued.
    course = a_course()
    sessions = [
        finalised(code, BATCH // 2, by=instructor, course=course, start=start)[0]
        for code, start in (("UOF-2026-11", 0), ("UOF-2026-12", BATCH // 2))
    ]
    batch = Certificate.objects.filter(enrolment__session__in=sessions)

    def issued() -> int:
        return batch.filter(status=Certificate.Status.ISSUED).count()

    assert wait_for(lambda: issued() == BATCH, timeout=600, interval=0.5), issued()

    certificates = list(batch.order_by("serial"))
    assert len(certificates) == BATCH
    assert len({c.enrolment_id for c in certificates}) == BATCH
    assert len({c.serial for c in certificates}) == BATCH
    assert len({c.code for c in certificates}) == BATCH
    # One file each in the shared storage, nothing left over, each the PDF its row describes.
    stored = sorted(path.name for path in media_root.rglob("*.pdf"))
    assert stored == [f"{c.serial}.pdf" for c in certificates]
    for certificate in certificates:
        with certificate.pdf.open("rb") as pdf:
            data = pdf.read()
        assert data.startswith(b"%PDF-")
        assert hashlib.sha256(data).hexdigest() == certificate.sha256

    # Exactly one render record each, naming the worker that printed it.
    renders = collections.Counter()
    for certificate in certificates:
        records = list(certificate.history.filter(history_change_reason=RENDERED))
        assert len(records) == 1, (certificate.serial, len(records))
        assert records[0].rendered_by == certificate.rendered_by
        renders[certificate.rendered_by] += 1
    assert set(renders) == set(HOSTS), renders
    # Both took a real share: with one process each, neither printed less than a quarter.
    assert min(renders.values()) >= BATCH // 4, renders

    # The administrators' page of a certificate says which worker printed it.
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("courses:certificate-detail", args=[certificates[0].pk]))
    assert response.status_code == 200
    assert "Rendered by" in response.text
    assert certificates[0].rendered_by in response.text
