"""``backup_restore``: an archive of ``backup_create`` into a new, empty installation."""

from __future__ import annotations

import contextlib
import json
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from cecopam.backup.archive import (
    APPLICATION,
    DATA,
    FORMAT,
    MADE_BY_MIGRATIONS,
    MANIFEST,
    backed_up_models,
    migrations_applied,
    sha256_copy,
)
from courses.models import Certificate


@dataclass(frozen=True)
class RestoreReport:
    rows: int
    tables: int
    files: int
    verified: int  # PDFs whose SHA-256 is their certificate's
    problems: list[str]


def backup_restore(*, archive: Path) -> RestoreReport:
    """Restore the backup ``archive`` into this installation: its database empty and at the
    backup's migrations, its storage holding no other file under the PDFs' names.

    Refused, with nothing changed: a file that is not a backup, a damaged one (a member not as
    the manifest says), a backup of another version, a database that is not empty. The rows
    are loaded and the PDFs written in one transaction, each PDF read back from the storage and
    compared with its certificate's SHA-256. Loading makes no history record and sends no mail
    or task (the receivers of ``post_save`` leave raw saves alone).
    """
    storage = Certificate._meta.get_field("pdf").storage
    with tempfile.TemporaryDirectory(prefix="cecopam-restore-") as work:
        manifest, unpacked = _unpack(archive, Path(work))
        for entry in manifest["files"]:
            _storage_free_check(storage, entry)
        written: list[str] = []
        try:
            with transaction.atomic():
                _empty_check()
                _load(unpacked[DATA], manifest["counts"])
                verified, problems = _pdfs_restore(storage, manifest, unpacked, written)
        except BaseException:
            for name in written:
                with contextlib.suppress(OSError):
                    storage.delete(name)
            raise
    return RestoreReport(
        rows=sum(manifest["counts"].values()),
        tables=len(manifest["counts"]),
        files=len(manifest["files"]),
        verified=verified,
        problems=problems,
    )


def _unpack(archive: Path, work: Path) -> tuple[dict, dict[str, Path]]:
    """The manifest, and every other member copied into ``work`` and checked against it. The
    manifest comes first: a backup of another version, or a database that is not empty, is
    refused before the rest is read."""
    try:
        stream = archive.open("rb")
    except OSError as error:
        raise ValidationError(
            _("Cannot read %(file)s: %(error)s") % {"file": archive, "error": error.strerror}
        ) from error
    try:
        with stream, tarfile.open(fileobj=stream, mode="r|gz") as tar:
            members = iter(tar)
            first = next(members, None)
            if first is None or first.name != MANIFEST or not first.isfile():
                raise _not_a_backup(archive)
            manifest = _manifest_read(tar.extractfile(first), archive)
            _version_check(manifest)
            _empty_check()
            return manifest, _members_unpack(tar, members, manifest, archive, work)
    except tarfile.TarError as error:  # before the manifest (_members_unpack reports the rest)
        raise _not_a_backup(archive) from error


def _members_unpack(tar, members, manifest: dict, archive: Path, work: Path) -> dict[str, Path]:
    """The members after the manifest, each copied into ``work``: exactly those it lists, each
    of the size and SHA-256 it says."""
    expected = {DATA: manifest["data"]} | {entry["member"]: entry for entry in manifest["files"]}
    unpacked: dict[str, Path] = {}
    try:
        for member in members:
            entry = expected.pop(member.name, None)
            if entry is None or not member.isfile():
                raise _damaged(
                    archive,
                    _("it holds %(member)s, which its manifest does not list.")
                    % {"member": member.name},
                )
            path = work / (DATA if member.name == DATA else f"file-{len(unpacked)}")
            with tar.extractfile(member) as source, path.open("wb") as target:
                digest = sha256_copy(source, target)
            if digest != (entry["sha256"], entry["size"]):
                raise _damaged(
                    archive,
                    _("%(member)s does not match its SHA-256 in the manifest.")
                    % {"member": member.name},
                )
            unpacked[member.name] = path
    except tarfile.TarError as error:
        raise _damaged(archive, _("it ends too early, or its data is corrupt.")) from error
    if expected:
        raise _damaged(archive, _("%(member)s is missing.") % {"member": next(iter(expected))})
    return unpacked


def _manifest_read(stream: IO[bytes], archive: Path) -> dict:
    """The manifest, if it is one of this application's, in a format this version reads."""
    try:
        manifest = json.load(stream)
        ours = manifest["application"] == APPLICATION
    except (ValueError, KeyError, TypeError) as error:
        raise _not_a_backup(archive) from error
    if not ours:
        raise _not_a_backup(archive)
    if manifest.get("format") != FORMAT:
        raise ValidationError(
            _(
                "%(file)s is a backup in format %(format)s; this version of the application "
                "reads format %(ours)s. Restore it with the version that made it (%(version)s)."
            )
            % {
                "file": archive,
                "format": manifest.get("format"),
                "ours": FORMAT,
                "version": manifest.get("version", "?"),
            }
        )
    if not _manifest_complete(manifest):
        raise _not_a_backup(archive)
    return manifest


def _manifest_complete(manifest: dict) -> bool:
    try:
        members = [manifest["data"], *manifest["files"]]
        named = [*manifest["files"], *manifest["missing_files"]]
        return (
            all({"member", "sha256", "size"} <= entry.keys() for entry in members)
            and all({"name", "certificate"} <= entry.keys() for entry in named)
            and isinstance(manifest["counts"], dict)
            and isinstance(manifest["migrations"], dict)
        )
    except (KeyError, TypeError, AttributeError):
        return False


def _not_a_backup(archive: Path) -> ValidationError:
    return ValidationError(
        _("%(file)s is not a backup made by this application's backup_create command.")
        % {"file": archive}
    )


def _damaged(archive: Path, detail: str) -> ValidationError:
    return ValidationError(
        _("%(file)s is damaged: %(detail)s Nothing was restored; use another copy of the backup.")
        % {"file": archive, "detail": detail}
    )


def _version_check(manifest: dict) -> None:
    """The backup's rows fit this database only at the migrations they were dumped at."""
    ours, theirs = migrations_applied(), manifest["migrations"]
    if ours != theirs:
        differing = sorted(
            {f"{app}.{name}" for app, names in ours.items() for name in names}
            ^ {f"{app}.{name}" for app, names in theirs.items() for name in names}
        )
        raise ValidationError(
            _(
                "This backup was made by another version of the application (%(version)s), "
                "whose database was at other migrations (%(migrations)s). Restore it with that "
                "version, then update."
            )
            % {"version": manifest.get("version", "?"), "migrations": ", ".join(differing[:5])}
        )


def _empty_check() -> None:
    """Refuse a database that holds any row a restore would load (but for the rows that
    migrations create)."""
    found = [
        f"{model._meta.verbose_name_plural}: {count}"
        for model in backed_up_models()
        if model._meta.label_lower not in MADE_BY_MIGRATIONS
        and (count := model._base_manager.count())
    ]
    if found:
        raise ValidationError(
            _(
                "The database is not empty (%(found)s). A backup is restored only into a new "
                "database, migrated and with nothing else in it; nothing was changed."
            )
            % {"found": ", ".join(found[:5]) + (", …" if len(found) > 5 else "")}
        )


def _storage_free_check(storage, entry: dict) -> None:
    """A file already stored under a PDF's name must be that very PDF (a restore tried
    before): anything else would be overwritten, or the PDF stored under another name."""
    if not storage.exists(entry["name"]):
        return
    with storage.open(entry["name"], "rb") as stored:
        if sha256_copy(stored)[0] == entry["sha256"]:
            return
    raise ValidationError(
        _(
            "The storage already holds another file under the name of the PDF of certificate "
            "%(serial)s (%(name)s). Restore into an empty media folder or bucket; nothing was "
            "changed."
        )
        % {"serial": entry["certificate"], "name": entry["name"]}
    )


def _load(data: Path, counts: dict[str, int]) -> None:
    """Load the rows (inside the caller's transaction) and check that they are the backup's.
    simple_history records an m2m change even on a raw save: its history is switched off, so
    that the restored history is the backup's, no more."""
    try:
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", str(data), verbosity=0)
    except (DeserializationError, DatabaseError, ValueError) as error:
        raise ValidationError(
            _("The backup's rows do not load into this database: %(error)s") % {"error": error}
        ) from error
    loaded = {model._meta.label_lower: model._base_manager.count() for model in backed_up_models()}
    differing = sorted(
        label
        for label in counts.keys() | loaded.keys()
        if label not in MADE_BY_MIGRATIONS and counts.get(label, 0) != loaded.get(label, 0)
    )
    if differing:
        raise ValidationError(
            _("The restored rows differ from the backup's counts (%(models)s).")
            % {"models": ", ".join(differing)}
        )


def _pdfs_restore(storage, manifest: dict, unpacked: dict[str, Path], written: list[str]):
    """Write each certificate's PDF to the storage (adding its name to ``written``), read it
    back and compare it with the certificate's SHA-256. Returns how many match, and the PDFs
    that were already missing or different when the backup was made, in words."""
    entries = {entry["name"]: entry for entry in manifest["files"]}
    missing = {entry["name"] for entry in manifest["missing_files"]}
    verified, problems = 0, []
    certificates = Certificate.objects.exclude(pdf="").order_by("pk")
    for serial, name, sha256 in certificates.values_list("serial", "pdf", "sha256"):
        entry = entries.pop(name, None)
        if entry is None and name in missing:
            problems.append(
                _("The PDF of certificate %(serial)s was already missing when the backup was made.")
                % {"serial": serial}
            )
            continue
        if entry is None:
            raise ValidationError(
                _("The backup holds no PDF for certificate %(serial)s.") % {"serial": serial}
            )
        if not storage.exists(name):
            written.append(name)
            try:
                with unpacked[entry["member"]].open("rb") as content:
                    saved = storage.save(name, File(content, name=name))
            except OSError as error:
                raise ValidationError(
                    _("Cannot store the PDF of certificate %(serial)s: %(error)s")
                    % {"serial": serial, "error": error.strerror or error}
                ) from error
            if saved != name:
                written.append(saved)
                raise ValidationError(
                    _("The storage kept the PDF of certificate %(serial)s as %(saved)s.")
                    % {"serial": serial, "saved": saved}
                )
        with storage.open(name, "rb") as stored:
            stored_sha256 = sha256_copy(stored)[0]
        if stored_sha256 != entry["sha256"]:
            raise ValidationError(
                _("The PDF of certificate %(serial)s reads back from the storage altered.")
                % {"serial": serial}
            )
        if stored_sha256 == sha256:
            verified += 1
        else:
            problems.append(
                _(
                    "The PDF of certificate %(serial)s does not match the SHA-256 recorded when "
                    "it was issued (it did not when the backup was made either)."
                )
                % {"serial": serial}
            )
    if entries:
        raise ValidationError(
            _("The backup holds PDFs of no certificate: %(names)s.")
            % {"names": ", ".join(sorted(entries)[:5])}
        )
    return verified, problems
