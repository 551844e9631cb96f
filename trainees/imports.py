"""Trainee records from a spreadsheet (CSV or XLSX): a preview of what an import would change,
and the import itself.

A row is matched to an existing trainee by nationality + institution + service number: a match
whose imported fields differ is updated, a match without differences is left alone, a new key is
created. Only the columns present in the file are imported; an optional column left out keeps
each trainee's current value.

The file is read twice, streaming both times, so that memory follows the size of the preview
rather than of the file: the first pass checks the header, counts the rows and collects the
keys (for duplicates inside the file and one query for the trainees that already exist); the
second validates every row and classifies it, and when committing writes in batches.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import enum
import io
import re
import unicodedata
import zipfile
from array import array
from collections.abc import Iterator, KeysView, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from trainees.columns import (
    COLUMNS,
    COLUMNS_BY_FIELD,
    FORMULA_PREFIXES,
    Column,
    Kind,
    choice_index,
    choice_values_text,
    fold,
    header_index,
    header_key,
)
from trainees.models import Institution, Trainee
from trainees.nationalities import nationality_from_text

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# A 5 MB XLSX can hide far more XML than that; refuse before openpyxl inflates it.
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_LISTED_ERRORS = 1_000
WRITE_BATCH = 1_000
EXISTING_CHUNK = 2_000
MAX_VALUE_SHOWN = 100

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")

# Checked by the import itself, once for the whole file, not by clean_fields() row by row: the
# institution is resolved from the prefetched list, nationality_from_text() only returns codes
# django-countries knows, and uniqueness is checked in bulk.
NOT_CLEANED = ["id", "user", "institution", "nationality", "created_at", "updated_at"]


# ------------------------------------------------------------------ what the preview holds
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
    of an import's memory. Here a row costs an array slot and one string.
    """

    SEPARATOR = "\x1f"  # the ASCII unit separator, which no one types into a spreadsheet

    def __init__(self) -> None:
        self._rows = array("I")
        self._texts: list[str] = []
        self._changes: list[tuple[str, ...]] = []
        self._shared_changes: dict[tuple[str, ...], tuple[str, ...]] = {}

    def append(self, summary: ImportRowSummary) -> None:
        self._rows.append(summary.row)
        parts = (summary.name, summary.nationality, summary.institution, summary.service_number)
        self._texts.append(self.SEPARATOR.join(p.replace(self.SEPARATOR, " ") for p in parts))
        if summary.changed_fields or self._changes:
            self._changes.extend([()] * (len(self._rows) - 1 - len(self._changes)))
            changes = summary.changed_fields
            self._changes.append(self._shared_changes.setdefault(changes, changes))

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> ImportRowSummary: ...

    @overload
    def __getitem__(self, index: slice) -> list[ImportRowSummary]: ...

    def __getitem__(self, index):
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
    row_count: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    to_create: ImportRows = field(default_factory=ImportRows)
    to_update: ImportRows = field(default_factory=ImportRows)
    unchanged: ImportRows = field(default_factory=ImportRows)
    # Errors past MAX_LISTED_ERRORS are counted here instead of listed: the first ones tell
    # what to fix.
    errors_not_listed: int = 0
    committed: bool = False

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


# ------------------------------------------------------------------ the public functions
def import_preview(*, data: bytes, filename: str) -> ImportPreview:
    """What importing this CSV or XLSX file would do; reads the database, writes nothing."""
    return _TraineeImport(data=data, filename=filename).run(user=None, write=False)


def import_commit(*, data: bytes, filename: str, user) -> ImportPreview:
    """Import the file if it has no error at all, in one transaction; else write nothing.

    Trainees are created and updated in batches with their history records, attributed to
    ``user`` with the file's name as the change reason. Returns the preview it applied (its
    ``committed`` is True), or the preview with the errors that stopped it. Validation and
    writing run as one streaming pass inside the transaction: a row error anywhere rolls back
    whatever was already written, so memory never holds the whole file's trainees.
    """
    return _TraineeImport(data=data, filename=filename).run(user=user, write=True)


# ------------------------------------------------------------------ reading the file
class _FileProblem(Exception):
    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


class _RollBack(Exception):
    pass


class _Outcome(enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


def _table_rows(data: bytes, filename: str) -> Iterator[tuple[int, tuple[Any, ...] | list[str]]]:
    """(row number as a spreadsheet shows it, cells) for every row of the file's first sheet."""
    if not data:
        raise _FileProblem(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise _FileProblem(
            _("The file is %(size).1f MB; the limit is %(limit)d MB. Split it into smaller files.")
            % {"size": len(data) / 1024 / 1024, "limit": MAX_FILE_BYTES // 1024 // 1024}
        )
    if data.startswith(ZIP_MAGIC):
        return _xlsx_rows(data)
    if data.startswith(OLE2_MAGIC):
        raise _FileProblem(
            _(
                "This is an Excel 97-2003 (.xls) workbook, which cannot be read. "
                "Save it as .xlsx or as CSV and import that file."
            )
        )
    if Path(filename).suffix.lower() in {".xlsx", ".xlsm"}:
        raise _FileProblem(
            _(
                "The file is named .xlsx but is not an XLSX spreadsheet (it is not a zip "
                "archive). Save it again from the spreadsheet program as .xlsx or CSV."
            )
        )
    if data.startswith(UTF16_BOMS):
        raise _FileProblem(
            _("The file is in UTF-16 (“Unicode text”). Save it as “CSV UTF-8” instead.")
        )
    if _looks_binary(data[:8192]):
        raise _FileProblem(_("This is not a CSV or XLSX spreadsheet."))
    return _csv_rows(data, _csv_encoding(data))


def _looks_binary(head: bytes) -> bool:
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return b"\x00" in head or controls > len(head) // 100


def _csv_encoding(data: bytes) -> str:
    # Windows-1252 (what Excel writes as plain "CSV") is a fallback only: nearly any byte
    # string decodes as it, so a file that is valid UTF-8 must be read as UTF-8.
    for encoding in ("utf-8-sig", "cp1252"):
        if _decodes(data, encoding):
            return encoding
    raise _FileProblem(
        _(
            "The file's text is neither UTF-8 nor Windows-1252, so its accents cannot be "
            "read. Save it as “CSV UTF-8”."
        )
    )


def _decodes(data: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(view), 1 << 16):
            decoder.decode(view[start : start + (1 << 16)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_rows(data: bytes, encoding: str) -> Iterator[tuple[int, list[str]]]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    first_line = text.readline()
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    text.seek(0)
    number = 0
    try:
        # A record is a spreadsheet row, even when a quoted cell spans several lines.
        for number, cells in enumerate(csv.reader(text, delimiter=delimiter), start=1):
            yield number, cells
    except csv.Error as error:
        raise _FileProblem(
            _("The CSV file cannot be read after row %(row)d: %(error)s")
            % {"row": number, "error": error}
        ) from error


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, tuple[Any, ...]]]:
    damaged = _(
        "The file is not a valid XLSX spreadsheet (it may be damaged). Open it in the "
        "spreadsheet program and save it again as .xlsx or CSV."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _FileProblem(damaged) from error
    if inflated > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise _FileProblem(
            _("The spreadsheet is too large once uncompressed. Split it into smaller files.")
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises a different error for each kind of damage
        raise _FileProblem(damaged) from error
    try:
        if not workbook.worksheets:
            raise _FileProblem(damaged)
        try:
            # The first sheet, whichever is active: the template's second sheet lists values.
            yield from enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
        except _FileProblem:
            raise
        except Exception as error:
            raise _FileProblem(damaged) from error
    finally:
        workbook.close()


def _is_blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _cell_text(value: Any) -> str:
    """A cell as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _shown(text: str) -> str:
    return text if len(text) <= MAX_VALUE_SHOWN else text[: MAX_VALUE_SHOWN - 1] + "…"


class _CellProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _parse_date(value: Any, text: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        raise _CellProblem(_("This is a number, not a date.") + " " + _date_formats())
    if match := ISO_DATE.fullmatch(text):
        year, month, day = map(int, match.groups())
    elif match := DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = map(int, match.groups())
    elif TWO_DIGIT_YEAR.fullmatch(text):
        raise _CellProblem(_("A two-digit year is ambiguous.") + " " + _date_formats())
    else:
        raise _CellProblem(_("This is not a date.") + " " + _date_formats())
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        hint = (
            _("Dates with slashes are read as day/month/year (DD/MM/YYYY).")
            if "/" in text
            else _date_formats()
        )
        raise _CellProblem(_("There is no such date.") + " " + hint) from error


def _date_formats() -> str:
    return _("Write dates as YYYY-MM-DD or DD/MM/YYYY.")


def _unneutralised(text: str) -> str:
    """Undo the quote our export puts before text a spreadsheet would take for a formula."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


# ------------------------------------------------------------------ the import
class _TraineeImport:
    def __init__(self, *, data: bytes, filename: str) -> None:
        self.data = data
        self.filename = filename
        self.header_row = 0
        self.header_width = 0
        self.positions: dict[str, tuple[int, str]] = {}  # field -> (cell index, header as typed)
        # The file's columns in COLUMNS' order, which parses nationality before institution.
        self.columns: list[tuple[Column, int, str]] = []
        self.unnamed: set[int] = set()  # cell indexes of blank headers
        self.duplicates: dict[int, int] = {}  # row -> the earlier row with the same key
        self.existing: dict[tuple[str, int, str], Trainee] = {}
        self._nationalities: dict[str, str | None] = {}
        self._institutions: dict[str, list[Institution]] = {}
        self._choices: dict[str, dict[str, str]] = {}
        self._choice_memo: dict[str, dict[str, str | None]] = {}
        self._institution_memo: dict[tuple[str, str | None], Institution | str] = {}

    # ---------------------------------------------------------------- running
    def run(self, *, user, write: bool) -> ImportPreview:
        preview = ImportPreview(filename=self.filename)
        try:
            if not write:
                self._check(preview, writer=None)
            else:
                try:
                    # Reads too, so that the trainees compared are the ones updated.
                    with transaction.atomic():
                        self._check(preview, writer=_Writer(user=user, filename=self.filename))
                        if not preview.ok:
                            raise _RollBack
                except _RollBack:
                    pass
                except IntegrityError:
                    preview.add_error(
                        ImportProblem(
                            _(
                                "Someone else changed the trainee records during the import; "
                                "nothing was imported. Import the file again."
                            )
                        )
                    )
                else:
                    preview.committed = True
        except _FileProblem as problem:
            preview = ImportPreview(filename=self.filename)
            for message in problem.messages:
                preview.add_error(ImportProblem(message))
            return preview
        preview.errors.sort(key=lambda problem: problem.row or 0)
        return preview

    def _check(self, preview: ImportPreview, writer: _Writer | None) -> None:
        self._prepare_lookups()
        self._fetch_existing(self._first_pass(preview))
        self._validate(preview, writer)

    def _rows(self) -> Iterator[tuple[int, Any]]:
        """The file's non-blank rows, the header first, numbered as the spreadsheet shows them."""
        with closing(_table_rows(self.data, self.filename)) as rows:
            for number, cells in rows:
                if not _is_blank(cells):
                    yield number, cells

    # ---------------------------------------------------------------- the header
    def _read_header(self, number: int, cells) -> None:
        self.header_row, header = number, [_cell_text(cell) for cell in cells]
        self.header_width = len(header)
        index = header_index()
        unknown: list[str] = []
        repeated: list[str] = []
        for position, text in enumerate(header):
            if not text:
                self.unnamed.add(position)
                continue
            column = index.get(header_key(text))
            if column is None:
                unknown.append(text)
            elif column.field in self.positions:
                first_position, first_text = self.positions[column.field]
                repeated.append(
                    _(
                        "The column “%(header)s” (column %(letter)s) repeats “%(first)s” "
                        "(column %(first_letter)s): each column may appear only once."
                    )
                    % {
                        "header": text,
                        "letter": get_column_letter(position + 1),
                        "first": first_text,
                        "first_letter": get_column_letter(first_position + 1),
                    }
                )
            else:
                self.positions[column.field] = (position, text)
        problems = []
        if unknown:
            problems.append(
                ngettext(
                    "Unknown column: %(columns)s. The accepted columns are: %(accepted)s.",
                    "Unknown columns: %(columns)s. The accepted columns are: %(accepted)s.",
                    len(unknown),
                )
                % {
                    "columns": ", ".join(f"“{text}”" for text in unknown),
                    "accepted": ", ".join(column.header for column in COLUMNS),
                }
            )
        problems += repeated
        missing = [c.header for c in COLUMNS if c.required and c.field not in self.positions]
        if missing:
            problems.append(
                ngettext(
                    "A required column is missing: %(columns)s.",
                    "Required columns are missing: %(columns)s.",
                    len(missing),
                )
                % {"columns": ", ".join(missing)}
            )
        if problems:
            raise _FileProblem(*problems)
        self.columns = [
            (column, *self.positions[column.field])
            for column in COLUMNS
            if column.field in self.positions
        ]

    def _prepare_lookups(self) -> None:
        for institution in Institution.objects.only("pk", "name", "short_name", "country"):
            for name in {fold(institution.name), fold(institution.short_name)} - {""}:
                self._institutions.setdefault(name, []).append(institution)
        for column in COLUMNS:
            if column.kind is Kind.CHOICE:
                self._choices[column.field] = choice_index(column)

    # ---------------------------------------------------------------- first pass: the keys
    def _first_pass(self, preview: ImportPreview) -> KeysView[tuple[str, int, str]]:
        """Read the header, count the rows, note repeated keys; return every key of the file."""
        first_row_of_key: dict[tuple[str, int, str], int] = {}
        with closing(self._rows()) as rows:
            header = next(rows, None)
            if header is None:
                raise _FileProblem(_("The file is empty."))
            self._read_header(*header)
            for number, cells in rows:
                preview.row_count += 1
                if preview.row_count > MAX_ROWS:
                    raise _FileProblem(
                        _("The file has more than %(limit)s rows. Split it into smaller files.")
                        % {"limit": f"{MAX_ROWS:,}"}
                    )
                key = self._key(cells)
                if key is None:
                    continue  # the second pass says what is wrong with it
                first = first_row_of_key.setdefault(key, number)
                if first != number:
                    self.duplicates[number] = first
        if not preview.row_count:
            raise _FileProblem(
                _("The file has a header row but no trainees: add one row per trainee.")
            )
        return first_row_of_key.keys()

    def _key(self, cells) -> tuple[str, int, str] | None:
        try:
            nationality = self._nationality(self._text(cells, "nationality"))
            institution = self._institution(self._text(cells, "institution"), nationality)
        except _CellProblem:
            return None
        service_number = _unneutralised(self._text(cells, "service_number"))
        if not service_number:
            return None
        return nationality, institution.pk, service_number

    def _fetch_existing(self, keys: KeysView[tuple[str, int, str]]) -> None:
        """Load the trainees the file's rows match.

        One query streams the keys of the trainees of the file's institutions (a few columns
        each, however many there are) and a second loads those that match. An ``IN`` list of
        every service number would cost more memory than the rest of the import.
        """
        if not keys:
            return
        candidates = (
            Trainee.objects.filter(institution_id__in={key[1] for key in keys})
            .values_list("pk", "nationality", "institution_id", "service_number")
            .iterator(chunk_size=EXISTING_CHUNK)
        )
        matches = [pk for pk, *key in candidates if tuple(key) in keys]
        if matches:
            for trainee in Trainee.objects.filter(pk__in=matches):
                key = (trainee.nationality.code, trainee.institution_id, trainee.service_number)
                self.existing[key] = trainee

    # ---------------------------------------------------------------- second pass: the rows
    def _validate(self, preview: ImportPreview, writer: _Writer | None) -> None:
        outcomes = {
            _Outcome.CREATE: preview.to_create,
            _Outcome.UPDATE: preview.to_update,
            _Outcome.UNCHANGED: preview.unchanged,
        }
        with closing(self._rows()) as rows:
            for number, cells in rows:
                if number <= self.header_row:
                    continue
                outcome, summary, trainee = self._row(number, cells, preview)
                if summary is None:
                    continue
                outcomes[outcome].append(summary)
                if writer is None:
                    continue
                if not preview.ok:
                    writer.discard()  # it will all be rolled back: stop writing
                elif outcome is _Outcome.CREATE:
                    writer.create(trainee)
                elif outcome is _Outcome.UPDATE:
                    writer.update(trainee, summary.changed_fields)
        if writer is not None and preview.ok:
            writer.flush()

    def _row(
        self, number: int, cells, preview: ImportPreview
    ) -> tuple[_Outcome | None, ImportRowSummary | None, Trainee | None]:
        """Parse and validate one row; its errors go to the preview."""
        problems: list[ImportProblem] = []
        values: dict[str, Any] = {}
        for column, position, header in self.columns:
            raw = cells[position] if position < len(cells) else None
            text = _cell_text(raw)
            try:
                values[column.field] = self._parse(column, raw, text, values)
            except _CellProblem as problem:
                problems.append(ImportProblem(problem.message, number, header, _shown(text)))
        problems += self._stray_cells(number, cells)
        if number in self.duplicates:
            position, header = self.positions["service_number"]
            problems.append(
                ImportProblem(
                    _(
                        "Row %(row)d already has a trainee of this nationality and institution "
                        "with this service number."
                    )
                    % {"row": self.duplicates[number]},
                    number,
                    header,
                    _shown(_cell_text(cells[position])),
                )
            )
        if not problems:
            trainee = Trainee(**values)
            try:
                trainee.clean_fields(exclude=NOT_CLEANED)
            except ValidationError as error:
                problems = self._problems(number, cells, error, trainee)
        if problems:
            for problem in problems:
                preview.add_error(problem)
            return None, None, None

        key = (values["nationality"], values["institution"].pk, values["service_number"])
        existing = self.existing.get(key)
        changed: list[str] = []
        outcome = _Outcome.CREATE
        if existing is not None:
            changed = [name for name in values if _stored(existing, name) != _stored(trainee, name)]
            for name in changed:
                setattr(existing, name, values[name])
            trainee = existing
            outcome = _Outcome.UPDATE if changed else _Outcome.UNCHANGED
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

    def _parse(self, column: Column, raw: Any, text: str, values: dict[str, Any]) -> Any:
        if not text and column.required:
            raise _CellProblem(_("This column is required."))
        if column.kind is Kind.DATE:
            return _parse_date(raw, text) if text else None
        if column.kind is Kind.TEXT:
            return _unneutralised(text)
        if column.kind is Kind.CHOICE:
            # Memoised: a column of thousands of rows holds a handful of distinct spellings.
            memo = self._choice_memo.setdefault(column.field, {})
            if text not in memo:
                memo[text] = self._choices[column.field].get(fold(text))
            value = memo[text]
            if value is None:
                raise _CellProblem(
                    _("This is not one of the accepted values: %(values)s.")
                    % {"values": choice_values_text(column)}
                )
            return value
        if column.kind is Kind.NATIONALITY:
            return self._nationality(text)
        return self._institution(text, values.get("nationality"))

    def _stray_cells(self, number: int, cells) -> list[ImportProblem]:
        """A value beyond the header's last column, or under a blank header, belongs nowhere."""
        problems = []
        if len(cells) > self.header_width:
            extra = [(i, cells[i]) for i in range(self.header_width, len(cells))]
            if stray := [(i, cell) for i, cell in extra if _cell_text(cell)]:
                position, cell = stray[0]
                problems.append(
                    ImportProblem(
                        _("This row has %(cells)d cells but the header has %(columns)d.")
                        % {"cells": len(cells), "columns": self.header_width},
                        number,
                        get_column_letter(position + 1),
                        _shown(_cell_text(cell)),
                    )
                )
        for position in sorted(self.unnamed):
            if position < len(cells) and (text := _cell_text(cells[position])):
                problems.append(
                    ImportProblem(
                        _("This cell has a value but its column has no header."),
                        number,
                        get_column_letter(position + 1),
                        _shown(text),
                    )
                )
        return problems

    def _problems(
        self, number: int, cells, error: ValidationError, trainee: Trainee
    ) -> list[ImportProblem]:
        problems = []
        for field_name, messages in error.message_dict.items():
            if field_name in self.positions:
                position, header = self.positions[field_name]
                value = _cell_text(cells[position] if position < len(cells) else None)
            elif field_name in COLUMNS_BY_FIELD:
                header = COLUMNS_BY_FIELD[field_name].header
                value = _cell_text(getattr(trainee, field_name))
            else:
                header = "" if field_name == NON_FIELD_ERRORS else field_name
                value = ""
            for message in messages:
                problems.append(ImportProblem(str(message), number, header, _shown(value)))
        return problems

    # ---------------------------------------------------------------- lookups
    def _text(self, cells, field_name: str) -> str:
        position = self.positions[field_name][0]
        return _cell_text(cells[position]) if position < len(cells) else ""

    def _nationality(self, text: str) -> str:
        if text not in self._nationalities:
            code = nationality_from_text(text) if text else None
            self._nationalities[text] = code if code in countries else None
        code = self._nationalities[text]
        if code is None:
            if not text:
                raise _CellProblem(_("This column is required."))
            raise _CellProblem(
                _("Unknown country. Write its ISO code (such as MX or MEX) or its name.")
            )
        return code

    def _institution(self, text: str, nationality: str | None) -> Institution:
        key = (text, nationality)
        if key not in self._institution_memo:
            try:
                self._institution_memo[key] = self._find_institution(text, nationality)
            except _CellProblem as problem:
                self._institution_memo[key] = problem.message
        found = self._institution_memo[key]
        if isinstance(found, str):
            raise _CellProblem(found)
        return found

    def _find_institution(self, text: str, nationality: str | None) -> Institution:
        if not text:
            raise _CellProblem(_("This column is required."))
        candidates = self._institutions.get(fold(text), [])
        if len(candidates) > 1 and nationality:
            # The same name in two countries (each national police, say): the trainee's own.
            candidates = [i for i in candidates if i.country.code == nationality] or candidates
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise _CellProblem(
                _("There is no institution “%(name)s”. Add it first, or check its spelling.")
                % {"name": _shown(text)}
            )
        raise _CellProblem(
            _("Several institutions are called “%(name)s”: %(institutions)s. Use the full name.")
            % {
                "name": _shown(text),
                "institutions": "; ".join(f"{i.name} ({i.country.code})" for i in candidates),
            }
        )


def _stored(trainee: Trainee, field_name: str) -> Any:
    """A field's value as stored, for comparing a row with the trainee it would update."""
    if field_name == "institution":
        return trainee.institution_id
    if field_name == "nationality":
        return trainee.nationality.code
    return getattr(trainee, field_name)


# ------------------------------------------------------------------ writing
class _Writer:
    """Creates and updates trainees in batches, each with its history record."""

    def __init__(self, *, user, filename: str) -> None:
        self.user = user
        self.reason = (_("Spreadsheet import: %(file)s") % {"file": filename})[:100]
        self.to_create: list[Trainee] = []
        self.to_update: list[Trainee] = []
        self.update_fields: set[str] = set()

    def create(self, trainee: Trainee) -> None:
        self.to_create.append(trainee)
        self._flush_when_full()

    def update(self, trainee: Trainee, fields: tuple[str, ...]) -> None:
        self.to_update.append(trainee)
        self.update_fields.update(fields)
        self._flush_when_full()

    def discard(self) -> None:
        self.to_create.clear()
        self.to_update.clear()

    def _flush_when_full(self) -> None:
        if len(self.to_create) + len(self.to_update) >= WRITE_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.to_create:
            bulk_create_with_history(
                self.to_create,
                Trainee,
                default_user=self.user,
                default_change_reason=self.reason,
            )
            self.to_create.clear()
        if self.to_update:
            # bulk_update() leaves auto_now alone, so the time of change is set here.
            now = timezone.now()
            for trainee in self.to_update:
                trainee.updated_at = now
            bulk_update_with_history(
                self.to_update,
                Trainee,
                fields=[*sorted(self.update_fields), "updated_at"],
                default_user=self.user,
                default_change_reason=self.reason,
            )
            self.to_update.clear()
            self.update_fields.clear()
