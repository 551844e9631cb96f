"""The record of scheduled tasks' runs: the sweeper and the weekly digest write it, the
operations page reads it. Nothing else says whether beat still sends them and a worker runs
them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from cecopam.models import TaskRun


@transaction.atomic
def task_run_start(*, task: str) -> TaskRun:
    """Record that a run of ``task`` starts now, in place of its previous run."""
    run, _created = TaskRun.objects.update_or_create(
        task=task,
        defaults={
            "started_at": timezone.now(),
            "finished_at": None,
            "outcome": TaskRun.Outcome.RUNNING,
            "count": None,
            "error": "",
        },
    )
    return run


@transaction.atomic
def task_run_finish(*, run: TaskRun, outcome: str, count: int | None, error: str = "") -> TaskRun:
    """Record how the run ``run`` ended, now."""
    run.finished_at = timezone.now()
    run.outcome = outcome
    run.count = count
    run.error = error[:2000]
    run.save(update_fields=["finished_at", "outcome", "count", "error"])
    return run


@contextmanager
def task_run_recorded(task: str) -> Iterator[TaskRun]:
    """Record a run of the scheduled ``task`` around the block: started when it begins;
    succeeded, with the ``count`` the block set on the run, when it ends; failed, with the
    error, when it raises (the exception goes on). A worker killed mid-run leaves the run
    "running": the next run replaces it, and the page tells when none comes."""
    run = task_run_start(task=task)
    try:
        yield run
    except Exception as error:
        task_run_finish(
            run=run,
            outcome=TaskRun.Outcome.FAILED,
            count=run.count,
            error=f"{type(error).__name__}: {error}",
        )
        raise
    task_run_finish(run=run, outcome=TaskRun.Outcome.SUCCEEDED, count=run.count)
