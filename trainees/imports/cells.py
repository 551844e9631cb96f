"""One cell of a row: the text a person reads in it, and the values parsed from that text."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from cecopam.spreadsheets import FORMULA_PREFIXES

MAX_VALUE_SHOWN = 100

ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")


class CellProblem(Exception):
    """What is wrong with one cell; the message is for the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def cell_text(value: Any) -> str:
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


def value_shown(text: str) -> str:
    """A value as an error message quotes it: cut short when it is long."""
    return text if len(text) <= MAX_VALUE_SHOWN else text[: MAX_VALUE_SHOWN - 1] + "…"


def parse_date(value: Any, text: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        raise CellProblem(_("This is a number, not a date.") + " " + _date_formats())
    if match := ISO_DATE.fullmatch(text):
        year, month, day = map(int, match.groups())
    elif match := DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = map(int, match.groups())
    elif TWO_DIGIT_YEAR.fullmatch(text):
        raise CellProblem(_("A two-digit year is ambiguous.") + " " + _date_formats())
    else:
        raise CellProblem(_("This is not a date.") + " " + _date_formats())
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        hint = (
            _("Dates with slashes are read as day/month/year (DD/MM/YYYY).")
            if "/" in text
            else _date_formats()
        )
        raise CellProblem(_("There is no such date.") + " " + hint) from error


def _date_formats() -> str:
    return _("Write dates as YYYY-MM-DD or DD/MM/YYYY.")


def unneutralised(text: str) -> str:
    """Undo the quote our export puts before text a spreadsheet would take for a formula."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text
