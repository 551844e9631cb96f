import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker_up(client, redis_server):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "broker": "up"}


def test_healthz_answers_503_naming_the_broker_when_redis_is_unreachable(
    client, settings, tmp_path
):
    settings.REDIS_URL = f"unix://{tmp_path / 'no-redis-here.sock'}"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "up", "broker": "down"}


def test_livez_answers_while_the_database_and_broker_are_away(client, settings, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.REDIS_URL = f"unix://{tmp_path / 'no-redis-here.sock'}"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("livez"))
    assert (response.status_code, response.content) == (200, b"ok")
    assert len(captured) == 0
