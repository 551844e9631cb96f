from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cecopam.models import WorkerHeartbeat


@transaction.atomic
def heartbeat_record(*, queue: str, worker: str) -> WorkerHeartbeat:
    """Record that ``worker`` took a task from ``queue`` just now (one row per pair)."""
    heartbeat, created = WorkerHeartbeat.objects.get_or_create(
        queue=queue, worker=worker, defaults={"seen_at": timezone.now(), "beats": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(
            seen_at=timezone.now(), beats=F("beats") + 1
        )
        heartbeat.refresh_from_db()
    return heartbeat
