"""What administrators do to a certificate once it exists: revoke it, or reissue it after a
correction. Neither deletes anything: the row, its PDF and its history stay."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from courses.models import Certificate, Enrolment
from courses.services.certificates import (
    certificate_serials_take,
    certificate_snapshot,
    certificates_queue,
)
from courses.verification_codes import verification_code_new
from courses.verification_pages import verification_page_forget

Status = Certificate.Status

# simple_history keeps this many characters of a change's reason.
CHANGE_REASON_LENGTH = 100


def _change_reason(text: str) -> str:
    return text[:CHANGE_REASON_LENGTH]


def _locked(certificate: Certificate) -> Certificate:
    """The certificate read again under a row lock, so two administrators acting at once act
    once: the second sees what the first did."""
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related(
            "enrolment__trainee__institution", "enrolment__session__course", "superseded_by"
        )
        .get(pk=certificate.pk)
    )


def _refuse_if_replaced_or_revoked(certificate: Certificate) -> None:
    if certificate.status == Status.REVOKED:
        raise ValidationError(
            _("Certificate %(serial)s was already revoked on %(date)s.")
            % {
                "serial": certificate.serial,
                "date": date_format(timezone.localtime(certificate.revoked_at).date()),
            }
        )
    if certificate.status == Status.SUPERSEDED:
        replacement = getattr(certificate, "superseded_by", None)
        raise ValidationError(
            _("Certificate %(serial)s was replaced by %(replacement)s: act on that one.")
            % {
                "serial": certificate.serial,
                "replacement": replacement.serial if replacement else "—",
            }
        )


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Withdraw a certificate: the verification page says "revoked" from now on. Who, when
    and why are kept on the row, which stays. A certificate not yet issued may be revoked
    too; it is then never rendered. Refused for one already revoked or superseded."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    certificate = _locked(certificate)
    _refuse_if_replaced_or_revoked(certificate)
    certificate.status = Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revocation_reason = reason
    certificate._history_user = by
    certificate._change_reason = _change_reason(_("Revoked: %(reason)s") % {"reason": reason})
    certificate.save(
        update_fields=["status", "revoked_at", "revoked_by", "revocation_reason", "updated_at"]
    )
    transaction.on_commit(partial(verification_page_forget, code=certificate.code))
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Replace an issued certificate after a correction to what it prints (a misspelt name):
    a new certificate, with a new serial and verification code, issued today, printing the
    trainee's, course's and session's current details, valid until the same date as the old
    one (a correction does not extend validity). The old one becomes "superseded" and its
    verification page says so. Returns the new certificate, queued for rendering on commit.

    Refused for certificates revoked, superseded, expired or not yet issued, and while the
    session's results are reopened."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say what was corrected, and why.")})
    old = _locked(certificate)
    _refuse_if_replaced_or_revoked(old)
    if old.status != Status.ISSUED:
        raise ValidationError(
            _(
                "Certificate %(serial)s is not issued yet (“%(status)s”): only an issued "
                "certificate can be reissued. A corrected record is printed when it is rendered."
            )
            % {"serial": old.serial, "status": old.get_status_display()}
        )
    today = timezone.localdate()
    if old.valid_until is not None and old.valid_until < today:
        raise ValidationError(
            _(
                "Certificate %(serial)s expired on %(date)s: an expired certificate is not "
                "reissued; the trainee needs to take the course again."
            )
            % {"serial": old.serial, "date": date_format(old.valid_until)}
        )
    enrolment = old.enrolment
    if enrolment.status != Enrolment.Status.PASSED:
        raise ValidationError(
            _(
                "The results of session %(session)s are not final: finalise them before "
                "reissuing the certificate."
            )
            % {"session": enrolment.session.code}
        )
    note = _change_reason(_("Reissued: %(reason)s") % {"reason": reason})
    # The old one steps aside first: the database holds one certificate in force per enrolment.
    old.status = Status.SUPERSEDED
    old._history_user = by
    old._change_reason = note
    old.save(update_fields=["status", "updated_at"])
    transaction.on_commit(partial(verification_page_forget, code=old.code))

    (serial,) = certificate_serials_take(year=today.year, count=1)
    new = Certificate(
        enrolment=enrolment,
        serial=serial,
        code=verification_code_new(),
        issued_on=today,
        valid_until=old.valid_until,
        snapshot={**certificate_snapshot(enrolment, enrolment.session), "serial": serial},
        supersedes=old,
    )
    new.full_clean()
    new._history_user = by
    new._change_reason = note
    new.save()
    certificates_queue([new.pk])
    return new
