"""Reads for the project's own pages: system health and the administrator's dashboard."""

import datetime

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from cecopam.models import WorkerHeartbeat
from trainees.selectors import trainee_totals

# A queue counts as served when a worker took beat's heartbeat from it this recently.
HEARTBEAT_FRESH_FOR = datetime.timedelta(seconds=90)


def database_is_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def broker_is_up() -> bool:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def queue_heartbeats() -> list[dict]:
    """Per queue: the workers that served it lately and when they were last seen."""
    now = timezone.now()
    rows = []
    for heartbeat in WorkerHeartbeat.objects.order_by("queue", "-seen_at"):
        rows.append(
            {
                "queue": heartbeat.queue,
                "worker": heartbeat.worker,
                "seen_at": heartbeat.seen_at,
                "fresh": now - heartbeat.seen_at <= HEARTBEAT_FRESH_FOR,
            }
        )
    return rows


def dashboard_summary() -> dict:
    return {"trainees": trainee_totals(), "heartbeats": queue_heartbeats()}
