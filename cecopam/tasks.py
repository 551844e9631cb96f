from celery import shared_task

from cecopam.services import heartbeat_record


@shared_task(bind=True, name="cecopam.tasks.heartbeat")
def heartbeat(self, queue: str) -> None:
    """Beat's proof of life: the worker that takes it records itself for that queue."""
    heartbeat_record(queue=queue, worker=self.request.hostname or "unknown")
