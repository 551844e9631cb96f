"""``backup_create``: the database and the certificates' PDFs into one archive."""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from cecopam.backup.archive import (
    APPLICATION,
    DATA,
    FILES,
    FORMAT,
    MANIFEST,
    backed_up_models,
    migrations_applied,
    sha256_copy,
)
from courses.models import Certificate


@dataclass(frozen=True)
class BackupReport:
    path: Path
    rows: int
    tables: int
    files: int
    size: int  # of the archive, in bytes
    problems: list[str]


@dataclass(frozen=True)
class _Pdf:
    name: str
    serial: str
    sha256: str


def backup_create(*, output: Path) -> BackupReport:
    """Write a backup of the database and of the certificates' PDFs to ``output``.

    The rows are read in one transaction, so that they hold together while the application
    keeps running. A PDF missing from the storage, or different from its certificate's
    SHA-256, does not stop the backup: it is named in ``problems`` (and in the manifest, so that
    a restore expects it). The archive appears at ``output`` only once complete.
    """
    migrations = migrations_applied()
    with tempfile.TemporaryDirectory(prefix="cecopam-backup-") as work:
        work = Path(work)
        counts, pdfs = _dump(work / DATA)
        entries, missing, problems = _pdfs_copy(pdfs, work)
        with (work / DATA).open("rb") as data:
            data_sha256, data_size = sha256_copy(data)
        manifest = {
            "format": FORMAT,
            "application": APPLICATION,
            "version": importlib.metadata.version(APPLICATION),
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": migrations,
            "counts": counts,
            "data": {"member": DATA, "sha256": data_sha256, "size": data_size},
            "files": entries,
            "missing_files": missing,
        }
        _archive_write(output, manifest, work)
    return BackupReport(
        path=output,
        rows=sum(counts.values()),
        tables=len(counts),
        files=len(entries),
        size=output.stat().st_size,
        problems=problems,
    )


@contextlib.contextmanager
def _one_moment() -> Iterator[None]:
    """A transaction whose queries all see the database at one moment. PostgreSQL needs
    REPEATABLE READ for that (under its default, each query sees what was committed before it
    started); SQLite's transaction sees one moment already, and writers wait until it ends."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _dump(path: Path) -> tuple[dict[str, int], list[_Pdf]]:
    """Every row into ``path``; the rows per model and the certificates' PDFs, as dumped."""
    models = backed_up_models()
    counts = {model._meta.label_lower: 0 for model in models}
    pdfs: list[_Pdf] = []

    def rows() -> Iterator[Model]:
        for model in models:
            for row in model._base_manager.order_by("pk").iterator():
                counts[model._meta.label_lower] += 1
                if isinstance(row, Certificate) and row.pdf:
                    pdfs.append(_Pdf(name=row.pdf.name, serial=row.serial, sha256=row.sha256))
                yield row

    with _one_moment(), path.open("w", encoding="utf-8") as stream:
        serializers.serialize(
            "json",
            rows(),
            stream=stream,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
    return counts, pdfs


def _pdfs_copy(pdfs: list[_Pdf], work: Path) -> tuple[list[dict], list[dict], list[str]]:
    """Copy each PDF from the storage into ``work``: the manifest's entries of the copies and
    of the PDFs the storage lacks, and what is wrong with them, in words."""
    storage = Certificate._meta.get_field("pdf").storage
    entries, missing, problems = [], [], []
    for pdf in pdfs:
        member = FILES + pdf.name
        copy = work / member
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(pdf.name, "rb") as source, copy.open("wb") as target:
                sha256, size = sha256_copy(source, target)
        except FileNotFoundError:
            missing.append({"name": pdf.name, "certificate": pdf.serial})
            problems.append(
                _("The PDF of certificate %(serial)s is missing from the storage (%(name)s).")
                % {"serial": pdf.serial, "name": pdf.name}
            )
            continue
        if sha256 != pdf.sha256:
            problems.append(
                _(
                    "The PDF of certificate %(serial)s does not match the SHA-256 recorded when "
                    "it was issued; it is in the backup as it is."
                )
                % {"serial": pdf.serial}
            )
        entries.append(
            {
                "member": member,
                "name": pdf.name,
                "certificate": pdf.serial,
                "sha256": sha256,
                "size": size,
            }
        )
    return entries, missing, problems


def _archive_write(output: Path, manifest: dict, work: Path) -> None:
    """The archive, the manifest first, written beside ``output`` and then moved there."""
    partial = output.with_name(f".{output.name}.partial")
    try:
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(work / DATA, arcname=DATA)
            for entry in manifest["files"]:
                archive.add(work / entry["member"], arcname=entry["member"])
        os.replace(partial, output)
    except OSError as error:
        raise ValidationError(
            _("Cannot write %(file)s: %(error)s")
            % {"file": output, "error": error.strerror or error}
        ) from error
    finally:
        partial.unlink(missing_ok=True)  # left only by a failure
