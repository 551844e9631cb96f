"""Certificates for the people who hold or teach them: one PDF, a session's batch progress, a
session's PDFs as one ZIP.

PDFs leave only through these views, which check who asks (no media URL is served), and are
marked private so that no shared cache keeps a copy.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
import zipfile
from typing import IO

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin, user_role
from courses.models import Certificate
from courses.selectors import session_get_for_user
from courses.selectors.certificates import (
    CertificateUnavailable,
    certificate_get_for_download,
    session_certificate_progress,
    session_certificates_for_zip,
)

# A ZIP stays in memory up to this size, then goes to a temporary file on disk.
ZIP_IN_MEMORY_MAX = 8 * 1024 * 1024


def private_download(response: FileResponse) -> FileResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class CertificateDownloadView(RoleRequiredMixin, View):
    """The PDF of one certificate, for its holder, the session's instructors and
    administrators (courses.selectors.certificates.certificate_get_for_download)."""

    allowed_roles = (Role.ADMINISTRATOR, Role.INSTRUCTOR, Role.TRAINEE)

    def get(self, request, pk):
        try:
            certificate = certificate_get_for_download(user=request.user, pk=pk)
        except CertificateUnavailable as unavailable:
            context = {
                "certificate": unavailable.certificate,
                "message": unavailable.message,
                "replacement": unavailable.replacement,
            }
            return render(request, "courses/certificate_unavailable.html", context, status=404)
        response = FileResponse(
            certificate.pdf.open("rb"),
            as_attachment=True,
            filename=f"{certificate.serial}.pdf",
            content_type="application/pdf",
        )
        return private_download(response)


class SessionCertificatesProgressView(RoleRequiredMixin, View):
    """The htmx fragment of a session's page that shows its batch of certificates being
    issued; it asks for itself again every two seconds until nothing is pending."""

    allowed_roles = (Role.ADMINISTRATOR, Role.INSTRUCTOR)

    def get(self, request, pk):
        session = session_get_for_user(user=request.user, pk=pk)
        context = {
            "session": session,
            "progress": session_certificate_progress(session=session),
            "is_administrator": user_role(request.user) is Role.ADMINISTRATOR,
        }
        return render(request, "courses/_session_certificates.html", context)


class SessionCertificatesZipView(RoleRequiredMixin, View):
    """Every issued certificate of a session in one ZIP, one PDF per holder named by serial
    and holder. Built PDF by PDF into a temporary file (spilled to disk past a few
    megabytes), never all in memory at once."""

    allowed_roles = (Role.ADMINISTRATOR, Role.INSTRUCTOR)

    def get(self, request, pk):
        session = session_get_for_user(user=request.user, pk=pk)
        certificates = session_certificates_for_zip(user=request.user, session=session)
        if not certificates:
            messages.warning(
                request,
                _("No certificate of this session has been issued yet: nothing to download."),
            )
            return redirect("courses:session-detail", pk=session.pk)
        archive = certificates_zip(certificates)
        response = FileResponse(
            archive,
            as_attachment=True,
            filename=f"{session.code}-certificates.zip",
            content_type="application/zip",
        )
        return private_download(response)


def certificates_zip(certificates: list[Certificate]) -> IO[bytes]:
    """The certificates' PDFs in one ZIP, read back from its start; the caller closes it."""
    # Closed by the FileResponse that sends it, or here if building it fails.
    archive = tempfile.SpooledTemporaryFile(max_size=ZIP_IN_MEMORY_MAX)  # noqa: SIM115
    made = timezone.localtime().timetuple()[:6]
    try:
        # PDFs are compressed already: storing them is as small and much faster.
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zip_file:
            for certificate in certificates:
                entry = zipfile.ZipInfo(zip_member_name(certificate), date_time=made)
                entry.external_attr = 0o644 << 16  # rw-r--r-- once unzipped
                with certificate.pdf.open("rb") as pdf, zip_file.open(entry, "w") as member:
                    shutil.copyfileobj(pdf, member)
    except BaseException:
        archive.close()
        raise
    archive.seek(0)
    return archive


def zip_member_name(certificate: Certificate) -> str:
    """CECOPAM-2026-000123_Maria-Lopez-Garcia.pdf: the serial, then the holder's printed name
    in plain ASCII, which every unzip tool and file system takes."""
    holder = unicodedata.normalize("NFKD", certificate.snapshot.get("holder", ""))
    holder = holder.encode("ascii", "ignore").decode()
    holder = re.sub(r"[^A-Za-z0-9]+", "-", holder).strip("-")
    return f"{certificate.serial}_{holder}.pdf" if holder else f"{certificate.serial}.pdf"
