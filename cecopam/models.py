from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base of every model of ours: when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran a task from a queue: proof that the queue is served.

    Beat sends a heartbeat task to each queue every 30 seconds; a worker that takes it records
    its node name here. One row per queue and worker.
    """

    queue = models.CharField(_("queue"), max_length=50)
    worker = models.CharField(_("worker"), max_length=200)
    seen_at = models.DateTimeField(_("seen at"))
    beats = models.PositiveBigIntegerField(_("heartbeats"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["queue", "worker"]
        constraints = [
            models.UniqueConstraint(
                fields=["queue", "worker"], name="heartbeat_unique_queue_worker"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.queue}"
