"""Home pages run a fixed number of SQL queries, however many trainees the centre holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cecopam.demo import demo_seed
from cecopam.services import heartbeat_record

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_dashboard_queries_do_not_grow_with_trainees_or_workers(client, administrator, quick_pdfs):
    client.force_login(administrator)
    url = reverse("dashboard")
    empty = queries_for(client, url)
    demo_seed()
    for worker in ("a@host1", "b@host2", "c@host3"):
        heartbeat_record(queue="default", worker=worker)
        heartbeat_record(queue="pdf", worker=worker)
    # session, user, groups (role), trainee totals (one aggregate), heartbeats
    assert queries_for(client, url) == empty == 5


def test_portal_queries_do_not_grow_with_trainees(client, trainee_user, quick_pdfs):
    client.force_login(trainee_user)
    url = reverse("portal")
    few = queries_for(client, url)
    demo_seed()
    # session, user, groups (role), the trainee with its institution, clearances, languages,
    # the training history with its sessions and courses, the certificates with their courses
    assert queries_for(client, url) == few == 8
