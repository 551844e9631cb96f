"""The sex column, written as F/M (the template's codes: M is a man) or H/M (M is a woman).

A file uses one set of codes throughout, decided in the first pass from its whole sex column:
H/M if any cell holds an H/M mark (see trainees.columns), F/M otherwise. A column holding both
an H/M mark and an F mixes the two, so that its M means nothing for certain. The rows of
whichever mark is rarer are the errors, since they are the ones to correct; when both marks are
as frequent, the rows of both are.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from trainees.columns import (
    SEX_CODES_HM,
    SEX_MARKS_FM,
    SEX_MARKS_HM,
    Column,
    choice_index,
    choice_values_text,
    fold,
)
from trainees.imports.cells import CellProblem, value_shown
from trainees.models import Trainee

HM = "H/M"
FM = "F/M"


class SexCodes:
    def __init__(self, column: Column) -> None:
        self.column = column
        self._marks = {fold(mark): HM for mark in SEX_MARKS_HM}
        self._marks.update({fold(mark): FM for mark in SEX_MARKS_FM})
        self._rows = {HM: 0, FM: 0}
        self._first: dict[str, tuple[int, str]] = {}  # a set of codes -> its first row and cell
        self._folded: dict[str, str] = {}
        # Made after the first pass, once the set of codes is known.
        self._index: dict[str, str] | None = None
        self._ambiguous: set[str] = set()
        self._read: dict[str, tuple[str | None, str | None]] = {}  # text -> (value, error)

    @property
    def codes(self) -> str:
        """The file's set of codes, as far as the first pass has read it."""
        return HM if self._rows[HM] else FM

    def note(self, number: int, text: str) -> None:
        """First pass: count a cell of the sex column towards deciding the set of codes."""
        mark = self._marks.get(self._fold(text))
        if mark is not None:
            self._rows[mark] += 1
            self._first.setdefault(mark, (number, text))

    def value(self, text: str) -> str:
        """Second pass: a cell's stored value, read with the file's set of codes."""
        if text not in self._read:
            try:
                self._read[text] = (self._value(text), None)
            except CellProblem as problem:
                self._read[text] = (None, problem.message)
        value, error = self._read[text]
        if error is not None:
            raise CellProblem(error)
        return value

    def _value(self, text: str) -> str:
        if self._index is None:
            self._decide()
        folded = self._fold(text)
        mark = self._marks.get(folded)
        if mark in self._ambiguous:
            row, other = self._first[FM if mark == HM else HM]
            raise CellProblem(
                _(
                    "This column mixes F/M codes (M = male) with H/M codes (M = female): row "
                    "%(row)d has “%(other)s”. Use one set of codes for the whole file."
                )
                % {"row": row, "other": value_shown(other)}
            )
        value = self._index.get(folded)
        if value is None:
            raise CellProblem(
                _("This is not one of the accepted values: %(values)s.")
                % {"values": self._values_text()}
            )
        return value

    def _decide(self) -> None:
        self._index = choice_index(self.column)
        if self.codes == HM:
            self._index.update({fold(code): value for code, value in SEX_CODES_HM.items()})
        if self._rows[HM] and self._rows[FM]:
            fewest = min(self._rows.values())
            self._ambiguous = {mark for mark, rows in self._rows.items() if rows == fewest}

    def _values_text(self) -> str:
        if self.codes == FM:
            return choice_values_text(self.column)
        return ", ".join(
            f"{code} ({Trainee.Sex(value).label})" for code, value in SEX_CODES_HM.items()
        )

    def _fold(self, text: str) -> str:
        if text not in self._folded:
            self._folded[text] = fold(text)
        return self._folded[text]
