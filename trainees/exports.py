"""Trainee records to a spreadsheet (CSV or XLSX), and the template for importing them.

An export has the import's columns, so that it can be edited and imported again: headers in the
active language, choices as their stored values, nationality as its ISO code, the institution by
its full name, dates as ISO dates. Text a spreadsheet program would run as a formula gets a
leading quote (OWASP's advice on CSV injection); the import takes it off again.
"""

import datetime
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cecopam.spreadsheets import bold_cells, csv_write, neutralised, xlsx_cell, xlsx_write
from trainees.columns import COLUMNS, Column, Kind
from trainees.models import Institution, Trainee

EXPORT_CHUNK = 2_000


def trainee_export_csv(
    *, trainees: Iterable[Trainee], stream: IO[str], byte_order_mark: bool = True
) -> int:
    """Write the trainees as CSV (UTF-8, comma-separated) to a text stream; return how many."""
    return csv_write(
        headers=[column.header for column in COLUMNS],
        rows=_rows(trainees),
        stream=stream,
        byte_order_mark=byte_order_mark,
    )


def trainee_export_xlsx(*, trainees: Iterable[Trainee], stream: IO[bytes]) -> int:
    """Write the trainees as an XLSX workbook to a binary stream; return how many."""
    return xlsx_write(
        title=_("Trainees"),
        headers=[column.header for column in COLUMNS],
        rows=_rows(trainees),
        stream=stream,
        widths=[20] * len(COLUMNS),
    )


def trainee_import_template_xlsx(*, stream: IO[bytes]) -> None:
    """Write the workbook to fill in for an import: the header, an example row, and a second
    sheet with the accepted values (the choices and the institutions in the database)."""
    institutions = list(Institution.objects.order_by("country", "name"))
    workbook = Workbook(write_only=True)

    sheet = _sheet(workbook, _("Trainees"))
    sheet.append(bold_cells(sheet, [column.header for column in COLUMNS]))
    example = _example(institutions[0] if institutions else None)
    sheet.append([xlsx_cell(sheet, example[column.field]) for column in COLUMNS])

    values = workbook.create_sheet(_("Accepted values")[:31])
    for letter, width in zip("ABC", (30, 45, 60), strict=True):
        values.column_dimensions[letter].width = width
    values.append([_("Fill in one row per trainee on the first sheet; delete the example row.")])
    values.append([])
    values.append(bold_cells(values, [_("Column"), _("Required"), _("What to write")]))
    for column in COLUMNS:
        values.append([column.header, _("yes") if column.required else _("no"), _describe(column)])
    for column in COLUMNS:
        if column.choices is None:
            continue
        values.append([])
        values.append(bold_cells(values, [column.header, _("Meaning")]))
        for value, label in column.choices.choices:
            values.append([value, str(label)])
    values.append([])
    values.append(bold_cells(values, [_("Institution"), _("Short name"), _("Country")]))
    for institution in institutions:
        values.append(
            [
                neutralised(institution.name),
                neutralised(institution.short_name),
                f"{institution.country.code} – {institution.country.name}",
            ]
        )
    workbook.save(stream)


# ------------------------------------------------------------------ the cells
def _rows(trainees: Iterable[Trainee]) -> Iterator[list[Any]]:
    if isinstance(trainees, QuerySet):
        trainees = trainees.select_related("institution").iterator(chunk_size=EXPORT_CHUNK)
    for trainee in trainees:
        yield [_value(trainee, column) for column in COLUMNS]


def _value(trainee: Trainee, column: Column) -> Any:
    if column.kind is Kind.NATIONALITY:
        return trainee.nationality.code
    if column.kind is Kind.INSTITUTION:
        return trainee.institution.name
    value = getattr(trainee, column.field)
    if column.kind is Kind.DATE:
        return value
    return value or ""


def _sheet(workbook: Workbook, title: str) -> WriteOnlyWorksheet:
    sheet = workbook.create_sheet(title[:31])
    for index in range(len(COLUMNS)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = 20
    sheet.freeze_panes = "A2"
    return sheet


def _describe(column: Column) -> str:
    if column.kind is Kind.DATE:
        return _("A date: YYYY-MM-DD or DD/MM/YYYY.")
    if column.kind is Kind.NATIONALITY:
        return _("The country's ISO code (MX, MEX) or its name.")
    if column.kind is Kind.INSTITUTION:
        return _("The name or short name of an institution listed below.")
    if column.choices is not None:
        return _("One of the values listed below, or its meaning.")
    if column.field == "email":
        return _("An email address.")
    return _("Text.")


def _example(institution: Institution | None) -> dict[str, Any]:
    return {
        "given_names": "María Fernanda",
        "first_surname": "López",
        "second_surname": "Hernández",
        "sex": Trainee.Sex.FEMALE.value,
        "date_of_birth": datetime.date(1992, 3, 14),
        "nationality": "MX",
        "institution": institution.name if institution else "SEDENA – Ejército Mexicano",
        "rank": "Capitán Primero",
        "rank_category": Trainee.RankCategory.OFFICER.value,
        "service_number": "A-1234567",
        "service_start_date": datetime.date(2012, 9, 1),
        "un_category": Trainee.UNCategory.STAFF_OFFICER.value,
        "email": "maria.lopez@example.org",
        "phone": "+52 55 5555 0100",
    }
