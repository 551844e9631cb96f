"""One row of the file: its cells parsed and validated, and what importing it would do."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from trainees.columns import COLUMNS_BY_FIELD, Column, Kind
from trainees.imports.cells import CellProblem, cell_text, parse_date, unneutralised, value_shown
from trainees.imports.header import FileHeader
from trainees.imports.lookups import CellLookups
from trainees.imports.preview import ImportPreview, ImportProblem, ImportRowSummary
from trainees.imports.sex_codes import SexCodes
from trainees.models import Institution, Trainee

# The field validators that a length and a NUL check stand in for: they run (and word the error)
# only when those checks say they would fail. Any other validator, an email's, runs every time.
STAND_IN_VALIDATORS = (MaxLengthValidator, ProhibitNullCharactersValidator)


def trainee_key(nationality: str, institution_id: int, service_number: str) -> str:
    """What makes a trainee unique (nationality, institution, service number), as one string:
    the import keeps one per row of the file, and a string costs half what a tuple does."""
    return f"{nationality}\x1f{institution_id}\x1f{service_number}"


class Outcome(enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


class RowValidator:
    def __init__(
        self,
        *,
        header: FileHeader,
        lookups: CellLookups,
        sex_codes: SexCodes,
        duplicates: dict[int, int],
        existing: dict[str, Trainee],
    ) -> None:
        self.header = header
        self.lookups = lookups
        self.sex_codes = sex_codes
        self.duplicates = duplicates  # row -> the earlier row with the same key
        self.existing = existing
        parsers = {
            Kind.TEXT: self._text,
            Kind.DATE: self._date,
            Kind.CHOICE: self._choice,
            Kind.NATIONALITY: self._nationality,
            Kind.INSTITUTION: self._institution,
        }
        # The file's columns in COLUMNS' order, which parses nationality before institution.
        self._parsers = [
            (column, position, header, self._sex if column.field == "sex" else parsers[column.kind])
            for column, position, header in header.columns
        ]
        self._build = TraineeBuilder([column.field for column, *_ in header.columns])
        self._text_fields = [
            _text_field(column.field) for column, *_ in header.columns if column.kind is Kind.TEXT
        ]

    def validate(
        self, number: int, cells, preview: ImportPreview
    ) -> tuple[Outcome | None, ImportRowSummary | None, Trainee | None]:
        """Parse and validate one row; its errors go to the preview."""
        problems: list[ImportProblem] = []
        values: dict[str, Any] = {}
        width = len(cells)
        for column, position, header, parse in self._parsers:
            raw = cells[position] if position < width else None
            text = cell_text(raw)
            if not text and column.required:
                problems.append(ImportProblem(_("This column is required."), number, header))
                continue
            try:
                values[column.field] = parse(column, raw, text, values)
            except CellProblem as problem:
                problems.append(ImportProblem(problem.message, number, header, value_shown(text)))
        if width > self.header.width or self.header.unnamed:
            problems += self._stray_cells(number, cells)
        if number in self.duplicates:
            position, header = self.header.positions["service_number"]
            problems.append(
                ImportProblem(
                    _(
                        "Row %(row)d already has a trainee of this nationality and institution "
                        "with this service number."
                    )
                    % {"row": self.duplicates[number]},
                    number,
                    header,
                    value_shown(cell_text(cells[position])),
                )
            )
        if not problems:
            trainee = self._build(values)
            if errors := self._field_errors(values):
                problems = self._problems(number, cells, ValidationError(errors), trainee)
        if problems:
            for problem in problems:
                preview.add_error(problem)
            return None, None, None

        key = trainee_key(values["nationality"], values["institution"].pk, values["service_number"])
        existing = self.existing.get(key)
        changed: list[str] = []
        outcome = Outcome.CREATE
        if existing is not None:
            changed = [name for name in values if _stored(existing, name) != _stored(trainee, name)]
            for name in changed:
                setattr(existing, name, values[name])
            trainee = existing
            outcome = Outcome.UPDATE if changed else Outcome.UNCHANGED
        try:
            # Across fields, and for an update across the fields the file leaves as they are.
            trainee.clean()
        except ValidationError as error:
            for problem in self._problems(number, cells, error, trainee):
                preview.add_error(problem)
            return None, None, None
        summary = ImportRowSummary(
            row=number,
            name=trainee.full_name,
            nationality=values["nationality"],
            institution=str(values["institution"]),
            service_number=values["service_number"],
            changed_fields=tuple(changed),
        )
        return outcome, summary, trainee

    # ---------------------------------------------------------------- one cell, by kind of column
    def _text(self, column: Column, raw: Any, text: str, values: dict[str, Any]) -> str:
        return unneutralised(text)

    def _date(self, column: Column, raw: Any, text: str, values: dict[str, Any]) -> date | None:
        return parse_date(raw, text) if text else None

    def _choice(self, column: Column, raw: Any, text: str, values: dict[str, Any]) -> str:
        return self.lookups.choice(column, text)

    def _sex(self, column: Column, raw: Any, text: str, values: dict[str, Any]) -> str:
        return self.sex_codes.value(text)  # F/M or H/M, as the whole column says

    def _nationality(self, column: Column, raw: Any, text: str, values: dict[str, Any]) -> str:
        return self.lookups.nationality(text)

    def _institution(
        self, column: Column, raw: Any, text: str, values: dict[str, Any]
    ) -> Institution:
        return self.lookups.institution(text, values.get("nationality"))

    def _field_errors(self, values: dict[str, Any]) -> dict[str, list[ValidationError]]:
        """What clean_fields() would say of the row, in its words, at a fraction of its cost.

        Parsing leaves only the text cells to check: a choice is one of the field's choices, a
        date is a date, the nationality is a code django-countries knows, the institution one
        that exists, and the key is checked for the whole file at once. A blank text cell is
        either allowed or already an error.
        """
        errors = {}
        for name, field, max_length, always in self._text_fields:
            value = values[name]
            if value and (always or len(value) > max_length or "\x00" in value):
                try:
                    field.run_validators(value)
                except ValidationError as error:
                    errors[name] = error.error_list
        return errors

    def _stray_cells(self, number: int, cells) -> list[ImportProblem]:
        """A value beyond the header's last column, or under a blank header, belongs nowhere."""
        problems = []
        if len(cells) > self.header.width:
            extra = [(i, cells[i]) for i in range(self.header.width, len(cells))]
            if stray := [(i, cell) for i, cell in extra if cell_text(cell)]:
                position, cell = stray[0]
                problems.append(
                    ImportProblem(
                        _("This row has %(cells)d cells but the header has %(columns)d.")
                        % {"cells": len(cells), "columns": self.header.width},
                        number,
                        get_column_letter(position + 1),
                        value_shown(cell_text(cell)),
                    )
                )
        for position in sorted(self.header.unnamed):
            if position < len(cells) and (text := cell_text(cells[position])):
                problems.append(
                    ImportProblem(
                        _("This cell has a value but its column has no header."),
                        number,
                        get_column_letter(position + 1),
                        value_shown(text),
                    )
                )
        return problems

    def _problems(
        self, number: int, cells, error: ValidationError, trainee: Trainee
    ) -> list[ImportProblem]:
        problems = []
        for field_name, messages in error.message_dict.items():
            if field_name in self.header.positions:
                position, header = self.header.positions[field_name]
                value = cell_text(cells[position] if position < len(cells) else None)
            elif field_name in COLUMNS_BY_FIELD:
                header = COLUMNS_BY_FIELD[field_name].header
                value = cell_text(getattr(trainee, field_name))
            else:
                header = "" if field_name == NON_FIELD_ERRORS else field_name
                value = ""
            for message in messages:
                problems.append(ImportProblem(str(message), number, header, value_shown(value)))
        return problems


class TraineeBuilder:
    """Unsaved trainees from a row's values, built by position as Model.from_db() builds them.

    Given keyword arguments, Django looks up every field and raises and catches an exception for
    each one the row leaves out: that took twice as long, a quarter of the time a row took.
    """

    def __init__(self, names: list[str]) -> None:
        fields = Trainee._meta.concrete_fields
        if unknown := set(names) - {field.name for field in fields}:
            raise ValueError(f"Not fields of a trainee: {sorted(unknown)}")
        # For each field in order: the name of the row's value, or what makes its default.
        self._slots: list[tuple[str | None, Callable[[], Any] | None]] = []
        self._relations: list[str] = []  # set by name after, so that the trainee caches them
        for field in fields:
            if field.name in names and not field.is_relation:
                self._slots.append((field.name, None))
            elif field.name in names:
                self._relations.append(field.name)
                self._slots.append((None, partial(_constant, None)))
            elif field.has_db_default() or (field.has_default() and callable(field.default)):
                self._slots.append((None, field.get_default))
            else:
                self._slots.append((None, partial(_constant, field.get_default())))

    def __call__(self, values: dict[str, Any]) -> Trainee:
        trainee = Trainee(*[values[name] if name else default() for name, default in self._slots])
        for name in self._relations:
            setattr(trainee, name, values[name])
        return trainee


def _constant(value: Any) -> Any:
    return value


def _stored(trainee: Trainee, field_name: str) -> Any:
    """A field's value as stored, for comparing a row with the trainee it would update."""
    if field_name == "institution":
        return trainee.institution_id
    if field_name == "nationality":
        return trainee.nationality.code
    return getattr(trainee, field_name)


def _text_field(name: str) -> tuple[str, models.Field, float, bool]:
    """A text field, the length it may have, and whether its validators must run every time."""
    field = Trainee._meta.get_field(name)
    limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
    fixed = [limit for limit in limits if not callable(limit)]
    always = len(fixed) < len(limits) or any(
        not isinstance(v, STAND_IN_VALIDATORS) for v in field.validators
    )
    return name, field, min(fixed, default=math.inf), always
