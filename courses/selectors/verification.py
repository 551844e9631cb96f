"""Reads for the public verification of certificates: anyone holding a certificate's code may
learn whether it holds, and the few printed facts that match it to the paper. Nobody signs in,
so nothing here takes a user; what is shown is chosen here, once, for the page and the JSON."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone, translation

from courses.models import Certificate
from courses.verification_codes import verification_code_normalise


def certificate_get_by_code(*, code: str) -> Certificate:
    """The certificate whose verification code is ``code``, typed in any form people use (any
    case, spaces, dashes, O for 0). Http404 for a code that matches none, and for a certificate
    not yet issued: until its PDF exists there is no paper to check against."""
    stored = verification_code_normalise(code)
    certificate = Certificate.objects.filter(code=stored).first() if stored else None
    if certificate is None or certificate.standing() is None:
        raise Http404
    return certificate


@dataclass(frozen=True)
class CertificateStanding:
    """What the verification page and its JSON say about a certificate: its standing and what
    is printed on it that identifies it, from the frozen snapshot, never the live record. No
    rank, institution, nationality or contact of the holder; for a revoked certificate the
    date only, not why or by whom."""

    status: str  # Certificate.Standing
    serial: str
    holder: str
    course_title_es: str
    course_title_en: str
    start_date: datetime.date
    end_date: datetime.date
    issued_on: datetime.date
    valid_until: datetime.date | None
    revoked_on: datetime.date | None

    @property
    def course_title(self) -> str:
        """The course's title in the page's language (Spanish for every Spanish variant)."""
        if (translation.get_language() or "").startswith("es"):
            return self.course_title_es or self.course_title_en
        return self.course_title_en or self.course_title_es

    def as_json(self) -> dict:
        data = {
            "status": self.status,
            "serial": self.serial,
            "holder": self.holder,
            "course": {"es": self.course_title_es, "en": self.course_title_en},
            "session": {"start": self.start_date.isoformat(), "end": self.end_date.isoformat()},
            "issued_on": self.issued_on.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }
        if self.status == Certificate.Standing.REVOKED:
            data["revoked_on"] = self.revoked_on.isoformat() if self.revoked_on else None
        return data


def certificate_standing(
    certificate: Certificate, *, today: datetime.date | None = None
) -> CertificateStanding:
    """The public facts of an issued (or revoked, or superseded) certificate on ``today``."""
    snapshot = certificate.snapshot
    revoked_at = certificate.revoked_at
    return CertificateStanding(
        status=certificate.standing(today),
        serial=certificate.serial,
        holder=snapshot["holder"],
        course_title_es=snapshot["course_title_es"],
        course_title_en=snapshot["course_title_en"],
        start_date=datetime.date.fromisoformat(snapshot["start_date"]),
        end_date=datetime.date.fromisoformat(snapshot["end_date"]),
        issued_on=certificate.issued_on,
        valid_until=certificate.valid_until,
        revoked_on=timezone.localdate(revoked_at) if revoked_at else None,
    )
