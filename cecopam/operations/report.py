"""The operations page's figures, read in a fixed number of queries, each with its state."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

import redis
from django.conf import settings
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from kombu.transport.redis import PRIORITY_STEPS, Channel

from cecopam.models import TaskRun
from cecopam.operations.states import (
    SCHEDULES,
    Schedule,
    State,
    Thresholds,
    duration_text,
    thresholds,
    worst,
)
from cecopam.selectors import broker_is_up, database_is_up, queue_heartbeats
from courses.models import Certificate


@dataclass(frozen=True)
class Figure:
    """One figure: what it is, what was measured (``values``, as the JSON gives them), its
    state and, unless ok, why, in the reader's language. ``detail`` is for the page alone."""

    label: str
    values: dict
    state: State = State.OK
    reason: str = ""
    detail: str = ""

    def as_json(self) -> dict:
        return {"state": self.state, "reason": self.reason, **self.values}


@dataclass(frozen=True)
class OperationsReport:
    checked_at: datetime.datetime
    thresholds: Thresholds
    services: dict[str, Figure]  # "database", "broker"
    queues: dict[str, Figure]  # per queue: the messages waiting
    workers: dict[str, Figure]  # per queue: the workers that took its heartbeat
    certificates: dict[str, Figure]  # per status
    scheduled_tasks: dict[str, Figure]  # per Schedule.key

    def sections(self) -> dict[str, dict[str, Figure]]:
        return {
            "queues": self.queues,
            "workers": self.workers,
            "certificates": self.certificates,
            "scheduled_tasks": self.scheduled_tasks,
        }

    @cached_property
    def state(self) -> State:
        """The worst state of any figure."""
        figures = [*self.services.values()]
        for section in self.sections().values():
            figures += section.values()
        return worst(figure.state for figure in figures)

    def queue_rows(self) -> list[tuple[Figure, Figure]]:
        """For the page: each queue's messages waiting, with its workers."""
        return [(figure, self.workers[name]) for name, figure in self.queues.items()]

    def as_json(self) -> dict:
        """Machine-readable keys, ISO timestamps and ages in seconds (DjangoJSONEncoder)."""
        return {
            "status": self.state,
            "checked_at": self.checked_at,
            **{key: figure.as_json() for key, figure in self.services.items()},
            **{
                name: {key: figure.as_json() for key, figure in figures.items()}
                for name, figures in self.sections().items()
            },
            "thresholds": self.thresholds.as_json(),
        }


def operations_report(*, now: datetime.datetime | None = None) -> OperationsReport:
    """Every figure of the operations page, with its state. Four queries (the database's
    answer, the heartbeats, the certificates, the task runs) and two calls to Redis, however
    many rows each holds."""
    now = now or timezone.now()
    limits = thresholds()
    broker_up = broker_is_up()
    return OperationsReport(
        checked_at=now,
        thresholds=limits,
        services={
            "database": _service(_("Database"), database_is_up()),
            "broker": _service(_("Broker (Redis)"), broker_up),
        },
        queues=queue_figures(limits, broker_up=broker_up),
        workers=worker_figures(now=now, limits=limits),
        certificates=certificate_figures(now=now, limits=limits),
        scheduled_tasks=schedule_figures(now=now),
    )


def _seconds(delta: datetime.timedelta | None) -> int | None:
    return None if delta is None else max(int(delta.total_seconds()), 0)


def _service(label: str, up: bool) -> Figure:
    if up:
        return Figure(label, {"up": True})
    return Figure(label, {"up": False}, State.PROBLEM, _("Does not answer."))


# ------------------------------------------------------------------------------ queues
def queue_names() -> list[str]:
    return [queue.name for queue in settings.CELERY_TASK_QUEUES]


def queue_depths(names: list[str]) -> dict[str, int] | None:
    """Messages waiting in each queue, read from the broker; None when it does not answer.

    kombu's Redis transport keeps a queue as a list named after it, and the messages sent with
    a priority in a list per priority step, named queue + separator + step: all are counted.
    Messages a worker took but has not acknowledged yet are not waiting, and not counted."""
    steps = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("priority_steps", PRIORITY_STEPS)
    keys = {
        name: [f"{name}{Channel.sep}{step}" if step else name for step in steps] for name in names
    }
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        with client.pipeline(transaction=False) as pipe:
            for name in names:
                for key in keys[name]:
                    pipe.llen(key)
            lengths = iter(pipe.execute())
    except (redis.RedisError, OSError):
        return None
    finally:
        client.close()
    return {name: sum(next(lengths) for _key in keys[name]) for name in names}


def queue_figures(limits: Thresholds, *, broker_up: bool) -> dict[str, Figure]:
    """The messages waiting in each configured queue."""
    names = queue_names()
    depths = queue_depths(names) if broker_up else None
    if depths is None:
        reason = _("Cannot be read: the broker does not answer.")
        return {name: Figure(name, {"depth": None}, State.PROBLEM, reason) for name in names}
    return {
        name: Figure(name, {"depth": depth}, *_depth_state(depth, limits))
        for name, depth in depths.items()
    }


def _depth_state(depth: int, limits: Thresholds) -> tuple[State, str]:
    for state, limit in (
        (State.PROBLEM, limits.queue_depth_problem),
        (State.WARNING, limits.queue_depth_warning),
    ):
        if depth > limit:
            reason = ngettext(
                "More than %(limit)d message waiting.",
                "More than %(limit)d messages waiting.",
                limit,
            )
            return state, reason % {"limit": limit}
    return State.OK, ""


def worker_figures(*, now: datetime.datetime, limits: Thresholds) -> dict[str, Figure]:
    """Each configured queue's workers (``queue_heartbeats``): a problem when none took the
    queue's heartbeat lately, that is when nothing takes work from it."""
    workers: dict[str, list[dict]] = {name: [] for name in queue_names()}
    for row in queue_heartbeats():
        if row["queue"] in workers:
            workers[row["queue"]].append(
                {
                    "name": row["worker"],
                    "seen_at": row["seen_at"],
                    "age_seconds": _seconds(now - row["seen_at"]),
                    "fresh": row["fresh"],
                }
            )
    figures = {}
    for name, rows in workers.items():
        if any(row["fresh"] for row in rows):
            figures[name] = Figure(name, {"workers": rows})
        else:
            reason = _(
                "No worker seen in the last %(limit)s: nothing takes work from this queue."
            ) % {"limit": duration_text(limits.worker_seen_within)}
            figures[name] = Figure(name, {"workers": rows}, State.PROBLEM, reason)
    return figures


# ------------------------------------------------------------------------------ certificates
WATCHED_STATUSES = (
    Certificate.Status.PENDING,
    Certificate.Status.RENDERING,
    Certificate.Status.FAILED,
)


def certificate_figures(*, now: datetime.datetime, limits: Thresholds) -> dict[str, Figure]:
    """Certificates pending, rendering and failed: how many, and since when the oldest is so.

    One query. Since when a certificate is pending is its last recorded change (created,
    sent back after a failed attempt, or retried by an administrator), not ``updated_at``,
    which the sweeper touches each time it queues the certificate again: by that, one that
    never renders would never look older than the sweeper's delay. The claim that makes a
    certificate rendering writes no history, but sets ``updated_at``; a failed certificate's
    ``updated_at`` is when it failed (nothing touches it until a retry)."""
    Status = Certificate.Status
    last_change = (
        Certificate.history.model.objects.filter(id=OuterRef("pk"))
        .order_by("-history_date", "-history_id")
        .values("history_date")[:1]
    )
    since = {
        Status.PENDING: Subquery(last_change),
        Status.RENDERING: "updated_at",
        Status.FAILED: "updated_at",
    }
    found = Certificate.objects.filter(status__in=WATCHED_STATUSES).aggregate(
        **{f"{s}_count": Count("pk", filter=Q(status=s)) for s in WATCHED_STATUSES},
        **{f"{s}_since": Min(since[s], filter=Q(status=s)) for s in WATCHED_STATUSES},
    )
    figures = {}
    for status in WATCHED_STATUSES:
        count, oldest = found[f"{status}_count"], found[f"{status}_since"]
        age = now - oldest if oldest else None
        figures[status.value] = Figure(
            str(status.label),
            {"count": count, "oldest_since": oldest, "oldest_age_seconds": _seconds(age)},
            *_certificate_state(status, count, age, limits),
        )
    return figures


def _certificate_state(
    status: str, count: int, age: datetime.timedelta | None, limits: Thresholds
) -> tuple[State, str]:
    if status == Certificate.Status.FAILED:
        if not count:
            return State.OK, ""
        reason = ngettext(
            "%(n)d certificate waits for an administrator to retry it.",
            "%(n)d certificates wait for an administrator to retry them.",
            count,
        )
        return State.WARNING, reason % {"n": count}
    if status == Certificate.Status.PENDING:
        state, limit = limits.pending.state(age)
        reason = _("The oldest has waited longer than %(limit)s.")
    else:
        state, limit = limits.rendering.state(age)
        reason = _("The oldest has been rendering longer than %(limit)s.")
    return state, "" if limit is None else reason % {"limit": duration_text(limit)}


# ------------------------------------------------------------------------------ scheduled tasks
def schedule_figures(*, now: datetime.datetime) -> dict[str, Figure]:
    """The last recorded run of each scheduled task (one query)."""
    runs = {run.task: run for run in TaskRun.objects.filter(task__in=[s.task for s in SCHEDULES])}
    figures = {}
    for schedule in SCHEDULES:
        run = runs.get(schedule.task)
        age = now - run.started_at if run else None
        values = {
            "task": schedule.task,
            "outcome": run.outcome if run else None,
            "started_at": run.started_at if run else None,
            "finished_at": run.finished_at if run else None,
            "age_seconds": _seconds(age),
            "count": run.count if run else None,
            "error": run.error if run else "",
        }
        figures[schedule.key] = Figure(
            str(schedule.label),
            values,
            *_schedule_state(schedule, run, age),
            detail=str(TaskRun.Outcome(run.outcome).label) if run else "",
        )
    return figures


def _schedule_state(
    schedule: Schedule, run: TaskRun | None, age: datetime.timedelta | None
) -> tuple[State, str]:
    if run is None:
        # Not known to be late: it may not have been due since this record began.
        return State.WARNING, _("No run recorded yet.")
    if run.outcome == TaskRun.Outcome.FAILED:
        return State.PROBLEM, _("The last run failed.")
    state, limit = schedule.limits.state(age)
    if limit is None:
        return state, ""
    return state, _("No run started in the last %(limit)s.") % {"limit": duration_text(limit)}
