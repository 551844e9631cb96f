"""Tables to spreadsheets (CSV or XLSX) the same way everywhere: a byte order mark so that
Excel reads UTF-8 CSV, dates as ISO dates, and text a spreadsheet program would run as a
formula given a leading quote (OWASP's advice on CSV injection)."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# What a spreadsheet program may run as a formula when a cell begins with it (OWASP's list): an
# export puts a quote before such text, and the trainee import takes that quote off again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"


def neutralised(text: str) -> str:
    """Text that a spreadsheet program will show, not evaluate."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralised(str(value))


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        # openpyxl refuses control characters a cell cannot hold; an imported value may have one.
        text = neutralised(ILLEGAL_CHARACTERS_RE.sub("", value))
        if "\n" in text:
            cell = WriteOnlyCell(sheet, value=text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            return cell
        return text
    return value


def bold_cells(sheet: WriteOnlyWorksheet, texts: Iterable[str]) -> list[WriteOnlyCell]:
    cells = []
    for text in texts:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def csv_write(
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    stream: IO[str],
    byte_order_mark: bool = True,
) -> int:
    """Write a header and rows as CSV (UTF-8, comma-separated); return how many rows."""
    if byte_order_mark:
        stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        count += 1
    return count


def xlsx_write(
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    stream: IO[bytes],
    widths: Sequence[int] = (),
) -> int:
    """Write a header and rows as a one-sheet XLSX workbook; return how many rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(bold_cells(sheet, headers))
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
        count += 1
    workbook.save(stream)
    return count
