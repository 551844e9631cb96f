from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class TaskRun(models.Model):
    """The last run of a scheduled task: when it started and ended, how, and how much it did.

    One row per task, rewritten by each run, so the operations page can tell whether beat
    still sends the task and a worker still runs it. A run that does nothing (a sweep with
    nothing stuck, a daily digest run in a week already sent) is still a run.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", pgettext_lazy("task run", "Failed")

    task = models.CharField(_("task"), max_length=200, unique=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    # What the task returns: certificates queued again, digests sent.
    count = models.PositiveIntegerField(_("items handled"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("scheduled task run")
        verbose_name_plural = _("scheduled task runs")
        ordering = ["task"]

    def __str__(self) -> str:
        return self.task
