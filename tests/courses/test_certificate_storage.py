"""Certificates on a storage that is not this machine's disk, as the S3-compatible bucket that
hosts share in production: rendered, replaced and downloaded through Django's storage API
alone; and the production settings that choose that bucket from the environment."""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import subprocess
import sys
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, storages
from django.urls import reverse

from courses.models import Certificate
from courses.services.certificates import certificate_render
from tests.conftest import REPO
from tests.courses.held_certificates import taught_and_finalised


@pytest.fixture
def memory_storage(settings, media_root):
    """The default storage kept in this process's memory for the test: nothing is on disk, so
    code that reaches past the storage API (``open(field.path)``, MEDIA_ROOT) finds no file,
    and nothing may appear under MEDIA_ROOT."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    storage = storages["default"]
    assert isinstance(storage, InMemoryStorage)
    yield storage
    assert not media_root.exists() or not any(media_root.rglob("*"))


def stored(storage, name: str) -> bytes:
    with storage.open(name, "rb") as file:
        return file.read()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_certificate_printed_into_a_storage_off_disk_downloads_byte_for_byte(
    client, instructor, trainee_user, memory_storage
):
    taught_and_finalised(instructor, [trainee_user.trainee])
    pending = Certificate.objects.get(enrolment__trainee__user=trainee_user)

    certificate = certificate_render(certificate_id=pending.pk, worker="pdf@host-a")

    assert certificate.status == "issued"
    assert certificate.rendered_by == "pdf@host-a"
    assert memory_storage.exists(certificate.pdf.name)
    data = stored(memory_storage, certificate.pdf.name)
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == certificate.sha256

    client.force_login(trainee_user)
    response = client.get(reverse("courses:certificate-download", args=[certificate.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert body(response) == data


@pytest.mark.django_db
def test_a_sessions_zip_from_a_storage_off_disk_holds_each_pdf_as_stored(
    client, instructor, trainee_user, other_trainee_user, memory_storage
):
    session = taught_and_finalised(instructor, [trainee_user.trainee, other_trainee_user.trainee])
    certificates = [
        certificate_render(certificate_id=pk)
        for pk in Certificate.objects.filter(enrolment__session=session).values_list(
            "pk", flat=True
        )
    ]

    client.force_login(instructor)
    response = client.get(reverse("courses:session-certificates-zip", args=[session.pk]))

    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
        members = {name.split("_")[0]: archive.read(name) for name in archive.namelist()}
    assert members == {c.serial: stored(memory_storage, c.pdf.name) for c in certificates}


@pytest.mark.django_db
def test_a_file_left_by_a_render_killed_before_its_commit_is_replaced_under_the_same_name(
    instructor, trainee_user, memory_storage
):
    """A storage that never overwrites (S3 with AWS_S3_FILE_OVERWRITE=False) would store the
    new PDF under another name beside the leftover; the render removes the leftover first."""
    taught_and_finalised(instructor, [trainee_user.trainee])
    pending = Certificate.objects.get(enrolment__trainee__user=trainee_user)
    name = pending.pdf.field.generate_filename(pending, f"{pending.serial}.pdf")
    memory_storage.save(name, ContentFile(b"%PDF-1.4\n% half a page\n"))

    certificate = certificate_render(certificate_id=pending.pk)

    assert certificate.pdf.name == name
    data = stored(memory_storage, name)
    assert hashlib.sha256(data).hexdigest() == certificate.sha256
    _folders, files = memory_storage.listdir(os.path.dirname(name))
    assert files == [f"{pending.serial}.pdf"]


# ------------------------------------------------------------------ production settings
S3_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "cecopam-certificates",
    "AWS_S3_ENDPOINT_URL": "https://minio.cecopam.example.org:9000",
    "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_S3_ADDRESSING_STYLE": "path",
    "AWS_ACCESS_KEY_ID": "cecopam-app",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
}

STORAGE_ATTRIBUTES = """
import json
from django.core.files.storage import storages
s = storages["default"]
print(json.dumps({
    "class": f"{type(s).__module__}.{type(s).__name__}",
    "bucket": getattr(s, "bucket_name", None),
    "endpoint": getattr(s, "endpoint_url", None),
    "region": getattr(s, "region_name", None),
    "addressing": getattr(s, "addressing_style", None),
    "access_key": getattr(s, "access_key", None),
    "overwrite": getattr(s, "file_overwrite", None),
    "acl": getattr(s, "default_acl", "unset"),
    "signed_urls": getattr(s, "querystring_auth", None),
}))
"""


def production(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``manage.py`` under the production settings, with the S3 variables in ``env`` only."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="cecopam.settings.production",
        DJANGO_ALLOWED_HOSTS="cecopam.example.org",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL="sqlite:////tmp/cecopam-deploy-check.sqlite3",
        REDIS_URL="redis://127.0.0.1:6379/0",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_a_bucket_named_in_the_environment_certificates_go_to_private_s3_storage():
    result = production("shell", "-c", STORAGE_ATTRIBUTES, **S3_ENV)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "class": "storages.backends.s3.S3Storage",
        "bucket": "cecopam-certificates",
        "endpoint": "https://minio.cecopam.example.org:9000",
        "region": "us-east-1",
        "addressing": "path",
        "access_key": "cecopam-app",
        "overwrite": False,
        "acl": None,
        "signed_urls": True,
    }
    check = production("check", "--deploy", "--fail-level", "WARNING", **S3_ENV)
    assert check.returncode == 0, check.stdout + check.stderr


def test_without_a_bucket_certificates_stay_on_the_media_folder():
    result = production("shell", "-c", STORAGE_ATTRIBUTES)

    assert result.returncode == 0, result.stderr
    attributes = json.loads(result.stdout.strip().splitlines()[-1])
    assert attributes["class"] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_s3_asked_for_without_a_bucket_refuses_to_start_and_says_what_is_missing():
    result = production("check", DJANGO_STORAGE="s3")

    assert result.returncode != 0
    assert "DJANGO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME" in result.stderr
