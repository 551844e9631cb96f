"""The states of the operations page's figures, and the thresholds that decide them: written
here once, given in the JSON and listed in words on the page."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cecopam.selectors import HEARTBEAT_FRESH_FOR
from courses.models import Certificate


class State(StrEnum):
    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])

    @property
    def badge(self) -> str:
        return {"ok": "success", "warning": "warning", "problem": "danger"}[self.value]


STATE_LABELS = {
    State.OK: gettext_lazy("OK"),
    State.WARNING: gettext_lazy("Warning"),
    State.PROBLEM: gettext_lazy("Problem"),
}
_SEVERITY = [State.OK, State.WARNING, State.PROBLEM]


def worst(states: Iterable[State]) -> State:
    return max(states, key=_SEVERITY.index, default=State.OK)


# ------------------------------------------------------------------------------ thresholds
# Messages waiting in one queue. A session's batch is tens of certificates: hundreds waiting
# means the workers fall behind, thousands that they do not keep up at all.
QUEUE_DEPTH_WARNING = 200
QUEUE_DEPTH_PROBLEM = 2000


@dataclass(frozen=True)
class Limits:
    """How old a figure may grow: a warning past ``warning``, a problem past ``problem``."""

    warning: datetime.timedelta
    problem: datetime.timedelta

    def state(self, age: datetime.timedelta | None) -> tuple[State, datetime.timedelta | None]:
        """The state of a figure this old, and the limit it passed."""
        if age is None or age <= self.warning:
            return State.OK, None
        if age <= self.problem:
            return State.WARNING, self.warning
        return State.PROBLEM, self.problem

    def in_words(self) -> dict[str, str]:
        return {"warning": duration_text(self.warning), "problem": duration_text(self.problem)}

    def as_json(self) -> dict:
        return {
            "warning_seconds": int(self.warning.total_seconds()),
            "problem_seconds": int(self.problem.total_seconds()),
        }


@dataclass(frozen=True)
class Schedule:
    """A scheduled task whose runs are recorded, and how long it may go without one."""

    key: str  # the JSON key
    task: str  # the Celery task's name, which its TaskRun row is kept under
    label: Promise
    limits: Limits


SCHEDULES = (
    # Beat sends it every minute (CELERY_BEAT_SCHEDULE).
    Schedule(
        key="certificates_sweep",
        task="courses.tasks.certificates_sweep",
        label=gettext_lazy("Certificate sweeper"),
        limits=Limits(datetime.timedelta(minutes=3), datetime.timedelta(minutes=10)),
    ),
    # Daily at 07:15; it sends the digest once a week, but every day's run counts.
    Schedule(
        key="weekly_digest",
        task="readiness.tasks.weekly_digest",
        label=gettext_lazy("Weekly digest"),
        limits=Limits(datetime.timedelta(hours=25), datetime.timedelta(hours=49)),
    ),
)


@dataclass(frozen=True)
class Thresholds:
    queue_depth_warning: int
    queue_depth_problem: int
    # A queue without a worker that took beat's heartbeat from it this recently: a problem.
    worker_seen_within: datetime.timedelta
    # The oldest pending certificate: a warning once the sweeper had to queue it again, a
    # problem when it was queued again and again and still not rendered.
    pending: Limits
    # The oldest certificate being rendered: a warning past the task's hard time limit (its
    # worker died; the sweeper queues it again), a problem when even the sweeper left it.
    rendering: Limits
    # Failed certificates are a warning while any waits for an administrator's retry.

    def notes(self) -> list[tuple[str, str]]:
        """The thresholds in words, for the page: (what, when it is a warning or a problem)."""
        notes = [
            (
                _("Queues"),
                _("Warning above %(warning)s messages waiting; problem above %(problem)s.")
                % {"warning": self.queue_depth_warning, "problem": self.queue_depth_problem},
            ),
            (
                _("Workers"),
                _(
                    "Problem when no worker took beat's heartbeat from a queue in the last "
                    "%(limit)s (beat sends one every 30 seconds)."
                )
                % {"limit": duration_text(self.worker_seen_within)},
            ),
            (
                str(Certificate.Status.PENDING.label),
                _(
                    "Warning when the oldest pending certificate has waited longer than "
                    "%(warning)s (CERTIFICATE_SWEEP_AFTER_SECONDS, after which the sweeper "
                    "queues it again); problem after %(problem)s."
                )
                % self.pending.in_words(),
            ),
            (
                str(Certificate.Status.RENDERING.label),
                _(
                    "Warning when the oldest has been rendering longer than %(warning)s (the "
                    "render's time limit: its worker stopped); problem after %(problem)s."
                )
                % self.rendering.in_words(),
            ),
            (
                str(Certificate.Status.FAILED.label),
                _("Warning while any certificate waits for an administrator to retry it."),
            ),
        ]
        notes += [
            (
                str(schedule.label),
                _(
                    "Warning when no run started in the last %(warning)s; problem after "
                    "%(problem)s, or when the last run failed."
                )
                % schedule.limits.in_words(),
            )
            for schedule in SCHEDULES
        ]
        return notes

    def as_json(self) -> dict:
        return {
            "queue_depth_warning": self.queue_depth_warning,
            "queue_depth_problem": self.queue_depth_problem,
            "worker_seen_within_seconds": int(self.worker_seen_within.total_seconds()),
            "certificate_pending": self.pending.as_json(),
            "certificate_rendering": self.rendering.as_json(),
            **{schedule.key: schedule.limits.as_json() for schedule in SCHEDULES},
        }


def thresholds() -> Thresholds:
    """The limits, with those that follow settings read now."""
    sweep_after = datetime.timedelta(seconds=settings.CERTIFICATE_SWEEP_AFTER_SECONDS)
    return Thresholds(
        queue_depth_warning=QUEUE_DEPTH_WARNING,
        queue_depth_problem=QUEUE_DEPTH_PROBLEM,
        worker_seen_within=HEARTBEAT_FRESH_FOR,
        pending=Limits(sweep_after, 3 * sweep_after),
        rendering=Limits(
            datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT), 3 * sweep_after
        ),
    )


def duration_text(delta: datetime.timedelta) -> str:
    """A threshold in words, to the unit it was written in: "90 seconds", "3 minutes"."""
    seconds = int(delta.total_seconds())
    if seconds < 120 or seconds % 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = seconds // 60
    if minutes < 120 or minutes % 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
