"""The header row: which column of the file fills which field."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from trainees.columns import COLUMNS, Column, header_index, header_key
from trainees.imports.cells import cell_text
from trainees.imports.reading import FileProblem


@dataclass
class FileHeader:
    row: int
    width: int
    positions: dict[str, tuple[int, str]] = field(default_factory=dict)  # field -> (index, header)
    # The file's columns in COLUMNS' order, which parses nationality before institution.
    columns: list[tuple[Column, int, str]] = field(default_factory=list)
    unnamed: set[int] = field(default_factory=set)  # cell indexes of blank headers

    def text(self, cells, field_name: str) -> str:
        """The text of a field's cell in a row."""
        position = self.positions[field_name][0]
        return cell_text(cells[position]) if position < len(cells) else ""


def header_read(number: int, cells) -> FileHeader:
    """The header of the file, or a FileProblem with everything wrong with it at once."""
    texts = [cell_text(cell) for cell in cells]
    header = FileHeader(row=number, width=len(texts))
    positions = header.positions
    index = header_index()
    unknown: list[str] = []
    repeated: list[str] = []
    for position, text in enumerate(texts):
        if not text:
            header.unnamed.add(position)
            continue
        column = index.get(header_key(text))
        if column is None:
            unknown.append(text)
        elif column.field in positions:
            first_position, first_text = positions[column.field]
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
            positions[column.field] = (position, text)
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
    missing = [c.header for c in COLUMNS if c.required and c.field not in positions]
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
        raise FileProblem(*problems)
    header.columns = [
        (column, *positions[column.field]) for column in COLUMNS if column.field in positions
    ]
    return header
