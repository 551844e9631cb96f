"""Trainee records from a spreadsheet (CSV or XLSX): a preview of what an import would change,
and the import itself.

A row is matched to an existing trainee by nationality + institution + service number: a match
whose imported fields differ is updated, a match without differences is left alone, a new key is
created. Only the columns present in the file are imported; an optional column left out keeps
each trainee's current value.

The file is read twice, streaming both times, so that memory follows the size of the preview
rather than of the file: the first pass checks the header, counts the rows, collects the keys
(for duplicates inside the file and one query for the trainees that already exist) and notes
how the sex column is written (F/M or H/M, decided for the whole file); the second validates
every row and classifies it, and when committing writes in batches.

The package, from the bytes to the database: ``reading`` (the file into rows), ``header``,
``cells``, ``lookups`` and ``sex_codes`` (what each cell says), ``validation`` (a row and what
it would do), ``writing`` (the batched writes), ``preview`` (what the preview holds) and
``importer`` (the two passes, and the functions below).
"""

from trainees.imports.importer import import_commit, import_preview
from trainees.imports.preview import (
    MAX_LISTED_ERRORS,
    ImportPreview,
    ImportProblem,
    ImportRows,
    ImportRowSummary,
)
from trainees.imports.reading import MAX_FILE_BYTES, MAX_ROWS

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_LISTED_ERRORS",
    "MAX_ROWS",
    "ImportPreview",
    "ImportProblem",
    "ImportRowSummary",
    "ImportRows",
    "import_commit",
    "import_preview",
]
