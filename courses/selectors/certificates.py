"""Reads of certificates for their holders and for the people of a session: who may fetch a
PDF, a trainee's own certificates, a session's batch progress and the PDFs of its ZIP."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from cecopam.roles import Role, user_role
from courses.models import Certificate, CourseSession

Status = Certificate.Status

# What a holder or an instructor may download: the certificate in force, once its PDF exists.
_DOWNLOADABLE = (Status.ISSUED,)
# Administrators also keep the PDFs of revoked and superseded certificates within reach.
_DOWNLOADABLE_BY_ADMINISTRATORS = (Status.ISSUED, Status.REVOKED, Status.SUPERSEDED)
_BEING_ISSUED = (Status.PENDING, Status.RENDERING)


class CertificateUnavailable(Http404):
    """The requester may see this certificate, but there is no PDF to give them: not yet
    (being issued, or its rendering failed), or no longer (revoked, or replaced by
    ``replacement``). The view shows ``message`` on a 404 page."""

    def __init__(self, message, *, certificate: Certificate, replacement=None):
        super().__init__(message)
        self.message = message
        self.certificate = certificate
        self.replacement = replacement


def certificate_get_for_download(*, user, pk: int) -> Certificate:
    """The certificate ``pk``, whose PDF ``user`` may download.

    Who: its holder (the trainee whose account is ``user``), an administrator, or an instructor
    of its session. Anybody else gets 404, never 403, so that nobody learns which serials
    belong to whom; users without a role get 403.

    What: only a certificate whose PDF is stored. The holder and the session's instructors get
    the certificate in force (issued, expired included): a revoked PDF is worthless and a
    superseded one prints corrected-away data, so handing them out would put a wrong document
    in circulation; for a superseded one the holder is pointed at its replacement. Only
    administrators, who keep the record, may fetch revoked and superseded PDFs. Where the
    requester may see the certificate but gets no PDF, ``CertificateUnavailable`` (a 404)
    says why.
    """
    role = user_role(user)
    certificates = Certificate.objects.select_related("enrolment__session", "superseded_by")
    if role is Role.TRAINEE:
        certificates = certificates.filter(enrolment__trainee__user=user)
    elif role is Role.INSTRUCTOR:
        certificates = certificates.filter(enrolment__session__instructors=user)
    elif role is not Role.ADMINISTRATOR:
        raise PermissionDenied
    certificate = certificates.filter(pk=pk).first()
    if certificate is None:
        raise Http404
    allowed = _DOWNLOADABLE_BY_ADMINISTRATORS if role is Role.ADMINISTRATOR else _DOWNLOADABLE
    if certificate.status in allowed and certificate.pdf:
        return certificate
    replacement = getattr(certificate, "superseded_by", None)
    if replacement is not None and not (replacement.status == Status.ISSUED and replacement.pdf):
        replacement = None
    raise CertificateUnavailable(
        _unavailable_reason(certificate, replacement),
        certificate=certificate,
        replacement=replacement,
    )


def _unavailable_reason(certificate: Certificate, replacement: Certificate | None) -> str:
    if certificate.status == Status.REVOKED:
        return _("This certificate has been revoked: its PDF can no longer be downloaded.")
    if certificate.status == Status.SUPERSEDED and replacement is not None:
        return _("This certificate was replaced by a corrected one: download the new one.")
    if certificate.status == Status.SUPERSEDED:
        return _(
            "This certificate was replaced by a corrected one, which is still being issued. "
            "Try again in a few minutes."
        )
    return _("This certificate is still being issued. Try again in a few minutes.")


def certificates_for_holder(*, user) -> QuerySet[Certificate]:
    """The certificates of the trainee whose account is ``user``, newest first, with their
    course: revoked ones included (the holder must know), superseded ones left out (their
    replacement is listed). One query."""
    return (
        Certificate.objects.filter(enrolment__trainee__user=user)
        .exclude(status=Status.SUPERSEDED)
        .select_related("enrolment__session__course")
        .order_by("-issued_on", "-serial")
    )


def certificates_of_trainee(*, trainee) -> QuerySet[Certificate]:
    """Every certificate of ``trainee``, superseded ones included, newest first, with their
    course: for the administrators' view of a trainee's record. One query."""
    return (
        Certificate.objects.filter(enrolment__trainee=trainee)
        .select_related("enrolment__session__course")
        .order_by("-issued_on", "-serial")
    )


@dataclass(frozen=True)
class CertificateProgress:
    """Where a session's batch of certificates stands. ``issued`` counts every certificate that
    was issued, the revoked ones included (there is nothing left to do for them, and
    ``revoked`` says how many); ``pending`` those still waiting for or in the worker;
    ``failed`` those whose rendering gave up (an administrator retries them)."""

    issued: int
    total: int
    failed: int
    pending: int
    revoked: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.issued / self.total) if self.total else 0

    @property
    def done(self) -> bool:
        """Nothing left for the workers to do (failed ones wait for an administrator)."""
        return self.pending == 0


def session_certificate_progress(*, session: CourseSession) -> CertificateProgress:
    """The session's certificates in force (superseded ones left out), counted in one query."""
    counts = (
        Certificate.objects.filter(enrolment__session=session)
        .exclude(status=Status.SUPERSEDED)
        .aggregate(
            total=Count("pk"),
            issued=Count("pk", filter=Q(status__in=(Status.ISSUED, Status.REVOKED))),
            revoked=Count("pk", filter=Q(status=Status.REVOKED)),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
            pending=Count("pk", filter=Q(status__in=_BEING_ISSUED)),
        )
    )
    return CertificateProgress(**counts)


def session_certificates_for_zip(*, user, session: CourseSession) -> list[Certificate]:
    """The issued certificates in force of ``session`` that have a PDF, by serial, for its
    administrators and instructors: 404 for another instructor, 403 for anyone else. Revoked
    and superseded PDFs are left out: the ZIP is what may be handed out. One query, given a
    session from ``session_get_for_user`` (its instructors prefetched)."""
    role = user_role(user)
    if role is Role.INSTRUCTOR:
        if user not in session.instructors.all():
            raise Http404
    elif role is not Role.ADMINISTRATOR:
        raise PermissionDenied
    return list(
        Certificate.objects.filter(enrolment__session=session, status=Status.ISSUED)
        .exclude(pdf="")
        .order_by("serial")
    )
