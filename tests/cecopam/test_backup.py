"""Backups (cecopam.backup): an installation's database and certificate PDFs in one archive,
restored into a new installation that answers for every certificate as the original did; and
every archive or installation a restore must refuse, refused with nothing changed."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage, InMemoryStorage, storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cecopam.demo import DEMO_PASSWORD, demo_seed
from courses.models import Certificate
from courses.services import certificate_revoke
from courses.services.certificates import certificate_render
from tests.conftest import REPO, database_url_for_subprocess, subprocess_env
from tests.courses.helpers import finalised

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------ fixtures
@pytest.fixture
def stand_in_pdfs():
    """Certificates rendered through the real service, WeasyPrint's page replaced by a small
    stand-in of each certificate's own (quick_pdfs gives all the same page): a PDF restored
    under another certificate's name would show."""

    def page(html: str) -> bytes:
        return b"%PDF-1.4\n% " + hashlib.sha256(html.encode()).hexdigest().encode() + b"\n%%EOF\n"

    with mock.patch("courses.services.certificates.certificate_pdf", side_effect=page):
        yield


@pytest.fixture
def small_centre(administrator, stand_in_pdfs) -> list[Certificate]:
    """A session of three passers, their certificates issued, the first revoked."""
    finalised("UOF-2026-01", 3, by=administrator)
    certificates = [
        certificate_render(certificate_id=pk)
        for pk in Certificate.objects.order_by("serial").values_list("pk", flat=True)
    ]
    certificate_revoke(certificate=certificates[0], by=administrator, reason="Datos erróneos")
    return certificates


@pytest.fixture
def emptied(media_root):
    """Make this installation new again, after its backup was made: its database flushed
    (migrated and empty, but for the role groups, which a restore brings back) and its media
    folder gone."""

    def empty() -> None:
        # PostgreSQL truncates no table with foreign-key checks still deferred in the test's
        # transaction: run them now.
        connection.check_constraints()
        call_command("flush", interactive=False, verbosity=0)
        shutil.rmtree(media_root, ignore_errors=True)

    yield empty
    # The flush gave the content types new ids; the test's rollback gives back the old ones.
    ContentType.objects.clear_cache()


def backup(path: Path) -> Path:
    call_command("backup_create", output=str(path), stdout=io.StringIO())
    return path


def restore_refused(archive: Path) -> str:
    """The message of the restore's refusal, in English."""
    with translation.override("en"), pytest.raises(CommandError) as refusal:
        call_command("backup_restore", str(archive), stdout=io.StringIO())
    return str(refusal.value)


def rewritten(archive: Path, copy: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """``copy``: the archive with each member's bytes passed through ``change(name, data)``."""
    with tarfile.open(archive) as source, tarfile.open(copy, "w:gz") as target:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return copy


def record_counts() -> dict[str, int]:
    """Rows per model of the centre's records, their change history and the accounts."""
    models = [apps.get_model("auth", "User"), apps.get_model("auth", "Group")]
    for label in ("trainees", "courses", "readiness"):
        models += apps.get_app_config(label).get_models()
    return {model._meta.label: model._base_manager.count() for model in models}


def stored_files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def state(media_root: Path):
    """What a refused restore must leave as it was."""
    certificates = list(Certificate.objects.order_by("pk").values_list("serial", "status", "pdf"))
    return record_counts(), certificates, stored_files(media_root)


# ------------------------------------------------------------------------------ what a restored
# installation says of its certificates, asked as people ask it
def answers(client: Client) -> dict:
    """For each certificate: its public verification page's and JSON's standing and details,
    the SHA-256 of its PDF as an administrator downloads it, and its change history; and the
    rows per model. The same function asks the original installation and the restored one."""
    counts = record_counts()
    signed_in = client.post("/accounts/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302, "the demo administrator could not sign in"
    certificates = {}
    for certificate in Certificate.objects.order_by("serial"):
        code = certificate.code_display
        page = client.get(reverse("verify:detail", args=[code]))
        download = client.get(reverse("courses:certificate-download", args=[certificate.pk]))
        certificates[certificate.serial] = {
            "page": re.search(r'data-standing="(\w+)"', page.text).group(1),
            "json": client.get(reverse("verify:json", args=[code])).json(),
            "pdf_sha256": hashlib.sha256(b"".join(download.streaming_content)).hexdigest(),
            "stored_sha256": certificate.sha256,
            "history": [
                [
                    # A backup keeps times to the millisecond, as Django's JSON does.
                    h.history_date.isoformat(timespec="milliseconds"),
                    h.history_type,
                    h.status,
                    str(h.history_user or ""),
                ]
                for h in certificate.history.order_by("history_date", "history_id")
            ],
        }
    return {"counts": counts, "certificates": certificates}


def print_answers() -> None:
    """Run by Installation.answers inside the restored installation."""
    print(json.dumps(answers(Client())))


class Installation:
    """Another installation on this machine, run as its operator would run it: its own
    database, media folder and var folder, ``manage.py`` in a process of its own."""

    def __init__(self, root: Path, database_url: str) -> None:
        self.media = root / "media"
        self.env = subprocess_env(
            DATABASE_URL=database_url,
            DJANGO_MEDIA_ROOT=str(self.media),
            CECOPAM_VAR_DIR=str(root / "var"),
            DJANGO_ALLOWED_HOSTS="testserver",
            VERIFY_RATE="100000/m",  # one visitor checks every certificate
        )

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args], cwd=REPO, env=self.env, capture_output=True, text=True
        )

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return self.run("manage.py", *args)

    def answers(self) -> dict:
        script = (
            "import django; django.setup(); "
            "from tests.cecopam.test_backup import print_answers; print_answers()"
        )
        result = self.run("-c", script)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture
def new_installation(tmp_path):
    """A new installation, its database migrated and empty: a SQLite file, or on PostgreSQL a
    database of its own beside the test database."""
    if connection.vendor == "sqlite":
        url, name = f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
    else:
        name = f"{connection.settings_dict['NAME']}_restored"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        url = f"{database_url_for_subprocess().rsplit('/', 1)[0]}/{name}"
    installation = Installation(tmp_path / "restored", url)
    migrated = installation.manage("migrate", "--no-input", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    yield installation
    if name:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


# ------------------------------------------------------------------------------ the round trip
def test_a_backup_restored_into_a_new_installation_answers_for_every_certificate_as_before(
    client, settings, tmp_path, stand_in_pdfs, new_installation
):
    settings.VERIFY_RATE = "100000/m"  # one visitor checks every certificate
    demo_seed()
    archive = tmp_path / "cecopam-backup.tar.gz"
    out = io.StringIO()
    with translation.override("en"):
        call_command("backup_create", output=str(archive), stdout=out)
    original = answers(client)
    certificates = original["certificates"]
    assert f"{len(certificates)} certificate PDFs" in out.getvalue()

    # What the original says, which the restored installation must say too: the demo's
    # certificates in every standing, each PDF the one its certificate was issued with.
    assert len(certificates) > 100
    assert {c["page"] for c in certificates.values()} == {
        "valid",
        "expired",
        "revoked",
        "superseded",
    }
    for serial, certificate in certificates.items():
        assert certificate["json"]["status"] == certificate["page"], serial
        assert certificate["json"]["serial"] == serial
        assert certificate["pdf_sha256"] == certificate["stored_sha256"], serial
    assert original["counts"]["courses.HistoricalCertificate"] > len(certificates)

    restored = new_installation.manage("backup_restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert restored.stderr == ""
    assert f" {len(certificates)} " in restored.stdout

    assert new_installation.answers() == original
    assert len(stored_files(new_installation.media)) == len(certificates)


# ------------------------------------------------------------------------------ refusals
def test_a_restore_into_a_database_that_is_not_empty_is_refused_and_changes_nothing(
    tmp_path, media_root, small_centre
):
    archive = backup(tmp_path / "backup.tar.gz")
    # Changed since the backup: a restore that loaded anything would undo it.
    Certificate.objects.filter(pk=small_centre[1].pk).update(status="failed")
    before = state(media_root)

    message = restore_refused(archive)

    assert message.startswith("The database is not empty (users: 1, ")
    assert "nothing was changed" in message
    assert state(media_root) == before


def damaged_pdf(name: str, data: bytes) -> bytes:
    return data.replace(b"%%EOF", b"%%EOF altered") if name.startswith("files/") else data


def later_version(name: str, data: bytes) -> bytes:
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["migrations"]["courses"].append("0099_a_later_change")
    return json.dumps(manifest).encode()


def cut_short(archive: Path, copy: Path) -> Path:
    data = archive.read_bytes()
    copy.write_bytes(data[: len(data) // 2])
    return copy


def not_a_backup(archive: Path, copy: Path) -> Path:
    with tarfile.open(copy, "w:gz") as target:
        target.add(REPO / "README.md", arcname="README.md")
    return copy


@pytest.mark.parametrize(
    ("make", "refusal"),
    [
        (
            lambda archive, copy: rewritten(archive, copy, damaged_pdf),
            r"is damaged: files/certificates/\d{4}/CECOPAM-\d{4}-\d{6}\.pdf does not match its "
            r"SHA-256 in the manifest\. Nothing was restored",
        ),
        (cut_short, r"is damaged: it ends too early, or its data is corrupt\."),
        (not_a_backup, r"is not a backup made by this application's backup_create command\."),
        (
            lambda archive, copy: rewritten(archive, copy, later_version),
            r"This backup was made by another version of the application \(0\.1\.0\), whose "
            r"database was at other migrations \(courses\.0099_a_later_change\)",
        ),
        (lambda archive, copy: copy, r"^Cannot read .*copy\.tar\.gz: No such file or directory"),
    ],
    ids=["a PDF altered", "cut short", "not a backup", "another version", "no such file"],
)
def test_an_archive_that_cannot_be_restored_is_refused_and_changes_nothing(
    tmp_path, media_root, small_centre, emptied, make, refusal
):
    archive = backup(tmp_path / "backup.tar.gz")
    emptied()
    bad = make(archive, tmp_path / "copy.tar.gz")

    assert re.search(refusal, restore_refused(bad))

    assert not any(record_counts()[label] for label in ("auth.User", "courses.Certificate"))
    assert not media_root.exists()
    # Nothing was left half-written: the intact archive restores.
    call_command("backup_restore", str(archive), stdout=io.StringIO())
    assert Certificate.objects.count() == len(small_centre)


def test_a_restore_that_fails_writing_the_pdfs_takes_back_the_rows_and_the_pdfs_written(
    tmp_path, media_root, small_centre, emptied
):
    archive = backup(tmp_path / "backup.tar.gz")
    emptied()
    real_save, saved = FileSystemStorage._save, []

    def disk_full_at_the_second(storage, name, content):
        if saved:
            raise OSError(errno.ENOSPC, "No space left on device")
        saved.append(name)
        return real_save(storage, name, content)

    with mock.patch.object(FileSystemStorage, "_save", disk_full_at_the_second):
        message = restore_refused(archive)

    assert "Cannot store the PDF of certificate CECOPAM-" in message
    assert "No space left on device" in message
    assert saved  # one PDF was written, then taken back
    assert stored_files(media_root) == {}
    assert not Certificate.objects.exists()


def test_a_restore_refuses_a_media_folder_holding_another_file_under_a_pdfs_name(
    tmp_path, media_root, small_centre, emptied
):
    archive = backup(tmp_path / "backup.tar.gz")
    name = small_centre[1].pdf.name
    emptied()
    (media_root / name).parent.mkdir(parents=True)
    (media_root / name).write_bytes(b"another file")

    message = restore_refused(archive)

    assert f"under the name of the PDF of certificate {small_centre[1].serial} ({name})" in message
    assert stored_files(media_root) == {name: b"another file"}
    assert not Certificate.objects.exists()


# ------------------------------------------------------------------------------ storage
def test_a_pdf_already_missing_is_reported_by_the_backup_and_the_restore_restores_the_rest(
    tmp_path, media_root, small_centre, emptied
):
    lost = small_centre[2]
    (media_root / lost.pdf.name).unlink()
    archive = tmp_path / "backup.tar.gz"
    warnings = io.StringIO()
    with translation.override("en"):
        call_command("backup_create", output=str(archive), stdout=io.StringIO(), stderr=warnings)
    assert f"The PDF of certificate {lost.serial} is missing from the storage" in (
        warnings.getvalue()
    )
    emptied()

    out, warnings = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("backup_restore", str(archive), stdout=out, stderr=warnings)

    assert f"certificate {lost.serial} was already missing when the backup was made" in (
        warnings.getvalue()
    )
    assert "and 2 certificate PDFs; 2 PDFs match their certificate's SHA-256." in out.getvalue()
    assert sorted(stored_files(media_root)) == sorted(c.pdf.name for c in small_centre[:2])


@pytest.fixture
def memory_storage(settings):
    """The PDFs kept in this process's memory, off any disk, as in an S3 bucket: a backup that
    reached past the storage API (MEDIA_ROOT, a file's path) would find nothing."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return storages["default"]


def test_backup_and_restore_read_and_write_the_pdfs_through_the_storage_api_alone(
    tmp_path, settings, media_root, memory_storage, small_centre, emptied
):
    assert isinstance(memory_storage, InMemoryStorage)
    stored = {}
    for certificate in small_centre:
        with memory_storage.open(certificate.pdf.name, "rb") as pdf:
            stored[certificate.pdf.name] = pdf.read()
    archive = backup(tmp_path / "backup.tar.gz")
    emptied()
    settings.STORAGES = {**settings.STORAGES}  # a new, empty bucket
    bucket = storages["default"]
    assert bucket is not memory_storage and not bucket.exists(small_centre[0].pdf.name)

    call_command("backup_restore", str(archive), stdout=io.StringIO())

    for name, data in stored.items():
        with bucket.open(name, "rb") as pdf:
            assert pdf.read() == data
    assert not media_root.exists()
