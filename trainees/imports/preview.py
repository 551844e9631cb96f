"""What a preview holds: the problems found, and a summary of every valid row."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

from django.utils.translation import gettext as _

from trainees.columns import COLUMNS_BY_FIELD

MAX_LISTED_ERRORS = 1_000


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One error: of the whole file (``row`` is None) or of one cell or row."""

    message: str
    row: int | None = None
    column: str = ""
    value: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if not self.column:
            return _("row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return _("row %(row)d, column %(column)s, value “%(value)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class ImportRowSummary:
    """A valid row: where it is in the file, whom it is about, and what would change."""

    row: int
    name: str
    nationality: str
    institution: str
    service_number: str
    changed_fields: tuple[str, ...] = ()

    @property
    def changed_headers(self) -> list[str]:
        return [COLUMNS_BY_FIELD[name].header for name in self.changed_fields]


class ImportRows(Sequence[ImportRowSummary]):
    """Row summaries, read like a list and stored compactly.

    A preview lists every row of the file; kept as one object per row, that list would be most
    of an import's memory. Here a row costs an array slot and one string. Not ``listed``, the
    rows are only counted: a commit reports counts, and its memory then stays flat however
    long the file.
    """

    SEPARATOR = "\x1f"  # the ASCII unit separator, which no one types into a spreadsheet

    def __init__(self, *, listed: bool = True) -> None:
        self.listed = listed
        self._count = 0
        self._rows = array("I")
        self._texts: list[str] = []
        self._changes: list[tuple[str, ...]] = []
        self._shared_changes: dict[tuple[str, ...], tuple[str, ...]] = {}

    def append(self, summary: ImportRowSummary) -> None:
        self._count += 1
        if not self.listed:
            return
        self._rows.append(summary.row)
        parts = (summary.name, summary.nationality, summary.institution, summary.service_number)
        self._texts.append(self.SEPARATOR.join(p.replace(self.SEPARATOR, " ") for p in parts))
        if summary.changed_fields or self._changes:
            self._changes.extend([()] * (len(self._rows) - 1 - len(self._changes)))
            changes = summary.changed_fields
            self._changes.append(self._shared_changes.setdefault(changes, changes))

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    @overload
    def __getitem__(self, index: int) -> ImportRowSummary: ...

    @overload
    def __getitem__(self, index: slice) -> list[ImportRowSummary]: ...

    def __getitem__(self, index):
        if not self.listed:
            raise TypeError("these rows were counted, not listed")
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        name, nationality, institution, service_number = self._texts[index].split(self.SEPARATOR)
        return ImportRowSummary(
            row=self._rows[index],
            name=name,
            nationality=nationality,
            institution=institution,
            service_number=service_number,
            changed_fields=self._changes[index] if index < len(self._changes) else (),
        )

    def __repr__(self) -> str:
        return f"<ImportRows: {len(self)} rows>"


@dataclass
class ImportPreview:
    filename: str
    listed: bool = True  # False: valid rows are counted, not listed
    row_count: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    to_create: ImportRows = field(init=False)
    to_update: ImportRows = field(init=False)
    unchanged: ImportRows = field(init=False)
    # Errors past MAX_LISTED_ERRORS are counted here instead of listed: the first ones tell
    # what to fix.
    errors_not_listed: int = 0
    committed: bool = False

    def __post_init__(self) -> None:
        self.to_create = ImportRows(listed=self.listed)
        self.to_update = ImportRows(listed=self.listed)
        self.unchanged = ImportRows(listed=self.listed)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.row_count,
            "create": len(self.to_create),
            "update": len(self.to_update),
            "unchanged": len(self.unchanged),
            "errors": len(self.errors) + self.errors_not_listed,
        }

    def add_error(self, problem: ImportProblem) -> None:
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(problem)
        else:
            self.errors_not_listed += 1
