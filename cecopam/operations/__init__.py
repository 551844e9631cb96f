"""The operations page: whether the background machinery does its work, for administrators and,
as JSON, for a monitor.

Every figure gets a state: ok; warning, for someone to look at when they can; or problem, when
work is not being done (the JSON then answers 503, so that a monitor alerts). The thresholds
are written once (``states``), and the page lists them. The sweeper and the weekly digest
record their runs (``task_run_recorded``) for the page to tell when one is late.
"""

from cecopam.operations.report import Figure, OperationsReport, operations_report
from cecopam.operations.states import State, Thresholds, thresholds
from cecopam.operations.task_runs import task_run_recorded

__all__ = [
    "Figure",
    "OperationsReport",
    "State",
    "Thresholds",
    "operations_report",
    "task_run_recorded",
    "thresholds",
]
