"""The training-history section of a trainee's record page (see trainees.record_sections)."""

from __future__ import annotations

from courses.selectors import training_history
from trainees.models import Trainee
from trainees.record_sections import RecordSection
from trainees.selectors import Visibility


def training_history_section(*, trainee: Trainee, visibility: Visibility) -> RecordSection | None:
    """Sessions, dates, status, result and total: for administrators and the trainee."""
    if visibility not in (Visibility.FULL, Visibility.OWN):
        return None
    return RecordSection(
        "courses/_training_history.html", {"enrolments": list(training_history(trainee=trainee))}
    )
