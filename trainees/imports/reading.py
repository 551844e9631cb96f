"""Reading a spreadsheet file into rows: CSV or XLSX, its encoding and delimiter, the limits.

A problem with the file as a whole (too big, not a spreadsheet, unreadable) is a
``FileProblem``: nothing of such a file is imported, and its messages are all the preview says.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# A 5 MB XLSX can hide far more XML than that; refuse before openpyxl inflates it.
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class FileProblem(Exception):
    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


def spreadsheet_rows(data: bytes, filename: str) -> Iterator[tuple[int, Any]]:
    """The file's non-blank rows, the header first, numbered as the spreadsheet shows them."""
    with closing(_table_rows(data, filename)) as rows:
        for number, cells in rows:
            if not _is_blank(cells):
                yield number, cells


def _table_rows(data: bytes, filename: str) -> Iterator[tuple[int, tuple[Any, ...] | list[str]]]:
    """(row number as a spreadsheet shows it, cells) for every row of the file's first sheet."""
    if not data:
        raise FileProblem(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(
            _("The file is %(size).1f MB; the limit is %(limit)d MB. Split it into smaller files.")
            % {"size": len(data) / 1024 / 1024, "limit": MAX_FILE_BYTES // 1024 // 1024}
        )
    if data.startswith(ZIP_MAGIC):
        return _xlsx_rows(data)
    if data.startswith(OLE2_MAGIC):
        raise FileProblem(
            _(
                "This is an Excel 97-2003 (.xls) workbook, which cannot be read. "
                "Save it as .xlsx or as CSV and import that file."
            )
        )
    if Path(filename).suffix.lower() in {".xlsx", ".xlsm"}:
        raise FileProblem(
            _(
                "The file is named .xlsx but is not an XLSX spreadsheet (it is not a zip "
                "archive). Save it again from the spreadsheet program as .xlsx or CSV."
            )
        )
    if data.startswith(UTF16_BOMS):
        raise FileProblem(
            _("The file is in UTF-16 (“Unicode text”). Save it as “CSV UTF-8” instead.")
        )
    if _looks_binary(data[:8192]):
        raise FileProblem(_("This is not a CSV or XLSX spreadsheet."))
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
    raise FileProblem(
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
        raise FileProblem(
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
        raise FileProblem(damaged) from error
    if inflated > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise FileProblem(
            _("The spreadsheet is too large once uncompressed. Split it into smaller files.")
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises a different error for each kind of damage
        raise FileProblem(damaged) from error
    try:
        if not workbook.worksheets:
            raise FileProblem(damaged)
        try:
            # The first sheet, whichever is active: the template's second sheet lists values.
            yield from enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
        except FileProblem:
            raise
        except Exception as error:
            raise FileProblem(damaged) from error
    finally:
        workbook.close()


def _is_blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)
