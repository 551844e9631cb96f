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
