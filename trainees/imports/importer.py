"""The import itself: the two passes over the file, and the functions the rest of the site calls."""

from __future__ import annotations

from collections.abc import Iterator, KeysView
from contextlib import closing
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from trainees.columns import COLUMNS_BY_FIELD
from trainees.imports.cells import CellProblem, unneutralised
from trainees.imports.header import FileHeader, header_read
from trainees.imports.lookups import CellLookups
from trainees.imports.preview import ImportPreview, ImportProblem
from trainees.imports.reading import MAX_ROWS, FileProblem, spreadsheet_rows
from trainees.imports.sex_codes import SexCodes
from trainees.imports.validation import Outcome, RowValidator, trainee_key
from trainees.imports.writing import TraineeWriter
from trainees.models import Trainee

EXISTING_CHUNK = 2_000


def import_preview(*, data: bytes, filename: str) -> ImportPreview:
    """What importing this CSV or XLSX file would do; reads the database, writes nothing."""
    return TraineeImport(data=data, filename=filename).run(user=None, write=False, listed=True)


def import_commit(*, data: bytes, filename: str, user, list_rows: bool = False) -> ImportPreview:
    """Import the file if it has no error at all, in one transaction; else write nothing.

    Trainees are created and updated in batches with their history records, attributed to
    ``user`` with the file's name as the change reason. Returns the preview it applied (its
    ``committed`` is True), or the preview with the errors that stopped it. Validation and
    writing run as one streaming pass inside the transaction: a row error anywhere rolls back
    whatever was already written, so memory never holds the whole file's trainees. The valid
    rows are counted; ``list_rows`` lists them too, as a preview does.
    """
    return TraineeImport(data=data, filename=filename).run(user=user, write=True, listed=list_rows)


class _RollBack(Exception):
    pass


class TraineeImport:
    def __init__(self, *, data: bytes, filename: str) -> None:
        self.data = data
        self.filename = filename
        self.header: FileHeader | None = None
        self.lookups: CellLookups | None = None
        self.duplicates: dict[int, int] = {}  # row -> the earlier row with the same key
        self.existing: dict[str, Trainee] = {}
        self.institution_ids: set[int] = set()
        self.sex_codes = SexCodes(COLUMNS_BY_FIELD["sex"])

    # ---------------------------------------------------------------- running
    def run(self, *, user, write: bool, listed: bool) -> ImportPreview:
        preview = ImportPreview(filename=self.filename, listed=listed)
        try:
            if not write:
                self._check(preview, writer=None)
            else:
                try:
                    # Reads too, so that the trainees compared are the ones updated.
                    with transaction.atomic():
                        writer = TraineeWriter(user=user, filename=self.filename)
                        self._check(preview, writer=writer)
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
        except FileProblem as problem:
            preview = ImportPreview(filename=self.filename, listed=listed)
            for message in problem.messages:
                preview.add_error(ImportProblem(message))
            return preview
        preview.errors.sort(key=lambda problem: problem.row or 0)
        return preview

    def _check(self, preview: ImportPreview, writer: TraineeWriter | None) -> None:
        self.lookups = CellLookups()
        self._fetch_existing(self._first_pass(preview))
        self._validate(preview, writer)

    def _rows(self) -> Iterator[tuple[int, Any]]:
        return spreadsheet_rows(self.data, self.filename)

    # ---------------------------------------------------------------- first pass: the keys
    def _first_pass(self, preview: ImportPreview) -> KeysView[str]:
        """Read the header, count the rows, note repeated keys and how sex is written; return
        every key of the file."""
        first_row_of_key: dict[str, int] = {}
        with closing(self._rows()) as rows:
            first = next(rows, None)
            if first is None:
                raise FileProblem(_("The file is empty."))
            self.header = header_read(*first)
            sex_noted = "sex" in self.header.positions
            for number, cells in rows:
                preview.row_count += 1
                if preview.row_count > MAX_ROWS:
                    raise FileProblem(
                        _("The file has more than %(limit)s rows. Split it into smaller files.")
                        % {"limit": f"{MAX_ROWS:,}"}
                    )
                if sex_noted:
                    self.sex_codes.note(number, self.header.text(cells, "sex"))
                key = self._key(cells)
                if key is None:
                    continue  # the second pass says what is wrong with it
                first_row = first_row_of_key.setdefault(key, number)
                if first_row != number:
                    self.duplicates[number] = first_row
        if not preview.row_count:
            raise FileProblem(
                _("The file has a header row but no trainees: add one row per trainee.")
            )
        return first_row_of_key.keys()

    def _key(self, cells) -> str | None:
        try:
            nationality = self.lookups.nationality(self.header.text(cells, "nationality"))
            institution = self.lookups.institution(
                self.header.text(cells, "institution"), nationality
            )
        except CellProblem:
            return None
        service_number = unneutralised(self.header.text(cells, "service_number"))
        if not service_number:
            return None
        self.institution_ids.add(institution.pk)
        return trainee_key(nationality, institution.pk, service_number)

    def _fetch_existing(self, keys: KeysView[str]) -> None:
        """Load the trainees the file's rows match.

        One query streams the keys of the trainees of the file's institutions (a few columns
        each, however many there are) and a second loads those that match. An ``IN`` list of
        every service number would cost more memory than the rest of the import.
        """
        if not keys:
            return
        candidates = (
            Trainee.objects.filter(institution_id__in=self.institution_ids)
            .values_list("pk", "nationality", "institution_id", "service_number")
            .iterator(chunk_size=EXISTING_CHUNK)
        )
        matches = [pk for pk, *key in candidates if trainee_key(*key) in keys]
        if matches:
            for trainee in Trainee.objects.filter(pk__in=matches):
                key = trainee_key(
                    trainee.nationality.code, trainee.institution_id, trainee.service_number
                )
                self.existing[key] = trainee

    # ---------------------------------------------------------------- second pass: the rows
    def _validate(self, preview: ImportPreview, writer: TraineeWriter | None) -> None:
        validator = RowValidator(
            header=self.header,
            lookups=self.lookups,
            sex_codes=self.sex_codes,
            duplicates=self.duplicates,
            existing=self.existing,
        )
        outcomes = {
            Outcome.CREATE: preview.to_create,
            Outcome.UPDATE: preview.to_update,
            Outcome.UNCHANGED: preview.unchanged,
        }
        with closing(self._rows()) as rows:
            for number, cells in rows:
                if number <= self.header.row:
                    continue
                outcome, summary, trainee = validator.validate(number, cells, preview)
                if summary is None:
                    continue
                outcomes[outcome].append(summary)
                if writer is None:
                    continue
                if not preview.ok:
                    writer.discard()  # it will all be rolled back: stop writing
                elif outcome is Outcome.CREATE:
                    writer.create(trainee)
                elif outcome is Outcome.UPDATE:
                    writer.update(trainee, summary.changed_fields)
        if writer is not None and preview.ok:
            writer.flush()
