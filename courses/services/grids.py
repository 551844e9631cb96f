"""The two grids an instructor fills in: attendance (trainees × days) and the gradebook
(trainees × components). Each is saved in one request with a fixed number of queries, however
many trainees the session has."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from courses.models import Attendance, CourseSession, Enrolment, Score


def _lock_for_grid(session: CourseSession) -> CourseSession:
    session = (
        CourseSession.objects.select_for_update(of=("self",))
        .select_related("course", "gradebook_saved_by")
        .get(pk=session.pk)
    )
    if session.results_final:
        raise ValidationError(
            _("The results of %(code)s are final: scores and attendance are read-only.")
            % {"code": session.code}
        )
    if session.status != CourseSession.Status.IN_PROGRESS:
        raise ValidationError(
            _(
                "Session %(code)s is “%(status)s”: attendance and scores are taken once it is in "
                "progress."
            )
            % {"code": session.code, "status": session.get_status_display()}
        )
    return session


def _cells_write(*, model, field: str, existing: dict, values: Mapping, new, by):
    """Write a grid's cells in a fixed number of queries: a row made by ``new(key, value)`` for
    each cell without one (unless its value is None), and the rows whose ``field`` changed,
    each with its history record. Returns the time of the change."""
    now = timezone.now()
    created, changed = [], []
    for key, value in values.items():
        row = existing.get(key)
        if row is None:
            if value is not None:
                created.append(new(key, value))
        elif getattr(row, field) != value:
            setattr(row, field, value)
            row.recorded_by, row.updated_at = by, now
            changed.append(row)
    if created:
        bulk_create_with_history(created, model, default_user=by)
    if changed:
        bulk_update_with_history(
            changed, model, fields=[field, "recorded_by", "updated_at"], default_user=by
        )
    return now


def _seated(session: CourseSession) -> dict[int, Enrolment]:
    return {
        e.pk: e
        for e in session.enrolments.filter(status=Enrolment.Status.CONFIRMED).select_related(
            "trainee"
        )
    }


@transaction.atomic
def attendance_save(
    *,
    session: CourseSession,
    by,
    marks: Mapping[tuple[int, datetime.date], str | None],
) -> CourseSession:
    """Record attendance for (enrolment id, day) cells: present, absent or excused; None
    leaves a cell as it was. Only trainees with a seat and the session's days are accepted."""
    session = _lock_for_grid(session)
    seated = _seated(session)
    days = set(session.days)
    valid = set(Attendance.Status.values)
    for enrolment_id, day in marks:
        if enrolment_id not in seated or day not in days:
            raise ValidationError(
                _("The attendance sheet does not match the session any more: reload the page.")
            )
    problems = [
        _("%(trainee)s, %(day)s: “%(value)s” is not an attendance mark.")
        % {
            "trainee": seated[enrolment_id].trainee.full_name,
            "day": formats.date_format(day, "SHORT_DATE_FORMAT"),
            "value": status,
        }
        for (enrolment_id, day), status in marks.items()
        if status is not None and status not in valid
    ]
    if problems:
        raise ValidationError(problems)
    existing = {
        (a.enrolment_id, a.day): a for a in Attendance.objects.filter(enrolment_id__in=seated)
    }
    _cells_write(
        model=Attendance,
        field="status",
        existing=existing,
        values={key: status for key, status in marks.items() if status is not None},
        new=lambda key, status: Attendance(
            enrolment_id=key[0], day=key[1], status=status, recorded_by=by
        ),
        by=by,
    )
    return session


@transaction.atomic
def gradebook_save(
    *,
    session: CourseSession,
    by,
    version: int,
    scores: Mapping[tuple[int, int], Decimal | None],
) -> CourseSession:
    """Record scores for (enrolment id, component id) cells; None clears a score.

    ``version`` is the gradebook version the page was opened at: if someone saved since, the
    save is refused naming who and when, and nothing is written. Each value must lie between
    0 and the component's maximum. Every change is kept in the scores' history.
    """
    session = _lock_for_grid(session)
    if session.gradebook_version != version:
        who = session.gradebook_saved_by
        raise ValidationError(
            _(
                "%(who)s saved this gradebook at %(when)s, after you opened it. Nothing was "
                "saved, so that their scores are not overwritten: reload the page and enter "
                "your changes again."
            )
            % {
                "who": (who.get_full_name() or who.get_username()) if who else _("Someone"),
                "when": formats.date_format(
                    timezone.localtime(session.gradebook_saved_at), "DATETIME_FORMAT"
                ),
            }
        )
    components = {c.pk: c for c in session.course.components.all()}
    seated = _seated(session)
    problems = []
    for (enrolment_id, component_id), value in scores.items():
        if enrolment_id not in seated or component_id not in components:
            raise ValidationError(
                _("The gradebook does not match the session any more: reload the page.")
            )
        component = components[component_id]
        if value is not None and not (0 <= value <= component.max_score):
            problems.append(
                _("%(trainee)s, %(component)s: %(value)s is not between 0 and %(max)s.")
                % {
                    "trainee": seated[enrolment_id].trainee.full_name,
                    "component": component.name,
                    "value": value,
                    "max": component.max_score,
                }
            )
    if problems:
        raise ValidationError(problems)

    existing = {
        (s.enrolment_id, s.component_id): s for s in Score.objects.filter(enrolment_id__in=seated)
    }
    now = _cells_write(
        model=Score,
        field="value",
        existing=existing,
        values=scores,  # None clears a score: the row stays, with its history
        new=lambda key, value: Score(
            enrolment_id=key[0], component_id=key[1], value=value, recorded_by=by
        ),
        by=by,
    )
    session.gradebook_version += 1
    session.gradebook_saved_at = now
    session.gradebook_saved_by = by
    # update(), not save(): a gradebook save is not a change to the session's own record.
    CourseSession.objects.filter(pk=session.pk).update(
        gradebook_version=session.gradebook_version,
        gradebook_saved_at=now,
        gradebook_saved_by=by,
    )
    return session
