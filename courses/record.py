"""The training-history section of a trainee's record page (see trainees.record_sections)."""

from __future__ import annotations

from courses.selectors import training_history
from courses.selectors.certificates import certificates_of_trainee
from trainees.models import Trainee
from trainees.record_sections import RecordSection
from trainees.selectors import Visibility


def training_history_section(*, trainee: Trainee, visibility: Visibility) -> RecordSection | None:
    """Sessions, dates, status, result and total: for administrators and the trainee; and,
    for administrators, the trainee's certificates (the trainee has theirs on the portal)."""
    if visibility not in (Visibility.FULL, Visibility.OWN):
        return None
    context = {"enrolments": list(training_history(trainee=trainee))}
    if visibility == Visibility.FULL:
        context["show_certificates"] = True
        context["certificates"] = list(certificates_of_trainee(trainee=trainee))
    return RecordSection("courses/_training_history.html", context)
