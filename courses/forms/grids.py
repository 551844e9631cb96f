"""The forms behind the attendance sheet and the gradebook: one field per cell of the grid.

A cell is named after what it records (``att-<enrolment id>-<day>``,
``score-<enrolment id>-<component id>``). Only the cells of the trainees shown are accepted: a
posted cell that belongs to no row of this session makes the whole form invalid, so nothing is
saved from a page that no longer matches the session.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.models import Attendance, CourseSession
from courses.results import attendance_percent
from courses.selectors import GridRow

STALE_SHEET = _("This page does not match the session any more: reload it and enter your changes.")


def plain_number(value: Decimal | None) -> str:
    """85.50 → "85.5", 100.00 → "100": what a person would type."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class GridCell:
    column: object  # a day or an assessment component
    field: forms.BoundField
    saved: object  # what is saved in the cell now (None: nothing)
    display: str  # the saved value, as a read-only page shows it


@dataclass
class GridLine:
    """One trainee's row as the template shows it: the selector's row and its cells."""

    row: GridRow
    cells: list[GridCell] = field(default_factory=list)

    @property
    def enrolment(self):
        return self.row.enrolment

    @property
    def trainee(self):
        return self.row.enrolment.trainee

    @property
    def days_present(self) -> int:
        return sum(1 for status in self.row.cells if status == Attendance.Status.PRESENT)

    @property
    def attendance_percent(self) -> Decimal:
        """As the results count it: a day not taken is a day not present."""
        return attendance_percent(self.days_present, len(self.row.cells))


class GridForm(forms.Form):
    """A form of one field per cell; subclasses say how a cell is named and built."""

    cell_prefix = ""
    cell_pattern: re.Pattern

    def __init__(self, *args, session: CourseSession, rows: list[GridRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.lines = []
        for row in rows:
            line = GridLine(row)
            for column, saved in zip(self.columns(), row.cells, strict=True):
                name = self.cell_name(row.enrolment.pk, column)
                self.fields[name] = self.cell_field(column, saved)
                line.cells.append(GridCell(column, self[name], saved, self.cell_display(saved)))
            self.lines.append(line)

    def columns(self) -> list:
        raise NotImplementedError

    def cell_name(self, enrolment_id: int, column) -> str:
        raise NotImplementedError

    def cell_field(self, column, saved) -> forms.Field:
        raise NotImplementedError

    def cell_display(self, saved) -> str:
        return "—" if saved is None else str(saved)

    def clean(self):
        cleaned = super().clean()
        unknown = [
            key for key in self.data if key.startswith(self.cell_prefix) and key not in self.fields
        ]
        if unknown:
            raise forms.ValidationError(STALE_SHEET, code="unknown_cell")
        return cleaned

    def full_clean(self):
        super().full_clean()
        # Each bad cell is marked, and its message read out with it by screen readers.
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{bound.auto_id}-error"

    @property
    def cell_errors(self) -> bool:
        return any(name.startswith(self.cell_prefix) for name in self.errors)

    def posted_cells(self):
        """(key, cleaned value) of each cell the request carried. A cell left out of the
        request (a trainee seated after the page was opened) is left alone, not cleared."""
        for name in self.fields:
            if name.startswith(self.cell_prefix) and name in self.data:
                match = self.cell_pattern.fullmatch(name)
                yield match.groups(), self.cleaned_data[name]


class AttendanceForm(GridForm):
    cell_prefix = "att-"
    cell_pattern = re.compile(r"att-(\d+)-(\d{4}-\d{2}-\d{2})")

    def columns(self) -> list[datetime.date]:
        return self.session.days

    def cell_name(self, enrolment_id: int, column: datetime.date) -> str:
        return f"att-{enrolment_id}-{column.isoformat()}"

    def cell_field(self, column: datetime.date, saved: str | None) -> forms.Field:
        choices = list(Attendance.Status.choices)
        if saved is None:
            # A mark once taken is corrected, never taken back: the blank is for cells not yet
            # taken.
            choices.insert(0, ("", "—"))
        return forms.ChoiceField(
            choices=choices,
            required=False,
            initial=saved or "",
            widget=forms.Select(
                attrs={
                    "class": "form-select form-select-sm grid-mark",
                    "data-day": column.isoformat(),
                }
            ),
        )

    def cell_display(self, saved: str | None) -> str:
        return "—" if saved is None else str(Attendance.Status(saved).label)

    def marks(self) -> dict[tuple[int, datetime.date], str | None]:
        """For courses.services.attendance_save: None leaves a cell as it is."""
        return {
            (int(enrolment_id), datetime.date.fromisoformat(day)): value or None
            for (enrolment_id, day), value in self.posted_cells()
        }


class GradebookForm(GridForm):
    cell_prefix = "score-"
    cell_pattern = re.compile(r"score-(\d+)-(\d+)")

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, session: CourseSession, rows: list[GridRow], **kwargs):
        kwargs.setdefault("initial", {"version": session.gradebook_version})
        super().__init__(*args, session=session, rows=rows, **kwargs)

    def columns(self) -> list:
        return list(self.session.course.components.all())

    def cell_name(self, enrolment_id: int, column) -> str:
        return f"score-{enrolment_id}-{column.pk}"

    def cell_field(self, column, saved: Decimal | None) -> forms.Field:
        out_of_range = gettext("Enter a score between 0 and %(max)s.") % {
            "max": plain_number(column.max_score)
        }
        return forms.DecimalField(
            required=False,
            min_value=Decimal(0),
            # As typed (100, not 100.00): it is also the input's max attribute.
            max_value=Decimal(plain_number(column.max_score)),
            max_digits=6,
            decimal_places=2,
            initial=plain_number(saved),
            error_messages={
                "invalid": gettext("Enter a number, such as 85 or 72.5."),
                "min_value": out_of_range,
                "max_value": out_of_range,
            },
            widget=forms.NumberInput(
                attrs={
                    "class": "form-control form-control-sm text-end grid-score",
                    "step": "0.01",
                    "min": "0",
                    "max": plain_number(column.max_score),
                    "inputmode": "decimal",
                }
            ),
        )

    def cell_display(self, saved: Decimal | None) -> str:
        return plain_number(saved) or "—"

    def scores(self) -> dict[tuple[int, int], Decimal | None]:
        """For courses.services.gradebook_save: None clears a score."""
        return {
            (int(enrolment_id), int(component_id)): value
            for (enrolment_id, component_id), value in self.posted_cells()
        }

    def unsaved(self, rows: list[GridRow]) -> list[tuple[GridRow, object, Decimal | None]]:
        """The cells this (valid) form would change in ``rows``, the gradebook as saved now:
        what the user loses when their save is refused."""
        wanted = self.scores()
        components = self.columns()
        changes = []
        for row in rows:
            for component, saved in zip(components, row.cells, strict=True):
                key = (row.enrolment.pk, component.pk)
                if key in wanted and wanted[key] != saved:
                    changes.append((row, component, wanted[key]))
        return changes


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are the results reopened?"),
        help_text=_("Kept with the session's record, with your name and the time."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
