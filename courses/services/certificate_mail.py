"""Emails to certificate holders: the certificate when it is issued, and reminders before it
expires. Each goes out once however often a task runs, is retried or runs twice at the same
time: a row is claimed first (``emailed_at``, a CertificateReminder), the message sent next,
and the claim given back if sending fails.

Every message is bilingual (``cecopam.mail``).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone

from cecopam.mail import bilingual_message
from courses.models import Certificate, CertificateReminder
from courses.verification_codes import verification_url

logger = logging.getLogger(__name__)

# The reminders' lead times in days, the most urgent last.
LEADS = sorted(CertificateReminder.Lead.values, reverse=True)


# ---------------------------------------------------------------------------- issued
def certificate_issued_email_send(*, certificate_id: int) -> bool:
    """Email the holder their issued certificate, its PDF attached. Returns whether this call
    sent it.

    Sent once: ``emailed_at`` is claimed by a conditional UPDATE before sending, so a
    duplicate message, a retry or a second worker finds it claimed and sends nothing. If
    sending raises, the claim is given back (a retry can send) and the error propagates.
    Nothing is sent, and nothing claimed, for a certificate not issued (or no longer) or a
    holder without an email address.

    Deliberately not atomic: the claim must be committed before the message leaves, and no
    transaction should stay open while a mail server answers.
    """
    certificate = (
        Certificate.objects.select_related("enrolment__trainee").filter(pk=certificate_id).first()
    )
    if certificate is None or certificate.status != Certificate.Status.ISSUED:
        return False
    address = certificate.enrolment.trainee.email
    if not address:
        return False
    claimed_at = timezone.now()
    claimed = Certificate.objects.filter(
        pk=certificate_id, status=Certificate.Status.ISSUED, emailed_at__isnull=True
    ).update(emailed_at=claimed_at)
    if not claimed:
        return False
    try:
        message = _issued_message(certificate, address)
        message.send()
    except BaseException:
        Certificate.objects.filter(pk=certificate_id, emailed_at=claimed_at).update(emailed_at=None)
        raise
    return True


def _issued_message(certificate: Certificate, address: str) -> EmailMultiAlternatives:
    snapshot = certificate.snapshot
    shared = {
        "holder": snapshot["holder"],
        "serial": certificate.serial,
        "code": certificate.code_display,
        "issued_on": certificate.issued_on,
        "valid_until": certificate.valid_until,
        "verification_url": verification_url(certificate.code),
        "portal_url": _portal_url(),
    }
    message = bilingual_message(
        templates="courses/email/certificate_issued",
        context=lambda language: {**shared, "course": snapshot[f"course_title_{language}"]},
        to=[address],
    )
    with certificate.pdf.open("rb") as pdf:
        message.attach(f"{certificate.serial}.pdf", pdf.read(), "application/pdf")
    return message


# ---------------------------------------------------------------------------- expiry reminders
def certificate_expiry_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind holders that their certificate expires soon: 90, 30 and 7 days before its
    valid-until date, each reminder once. Returns how many were sent. Run daily.

    On each run, a certificate issued and in force whose holder has an email address gets the
    most urgent reminder due (the smallest lead time L with days left <= L), unless that one
    or a more urgent one was already sent. So a missed day does not lose a reminder (on day 29
    the 30-day one still goes), and a late run never sends a stale one after a newer one (a
    certificate with 20 days left gets the 30-day reminder, never also the 90-day one). The
    reminders sent for the certificate a reissue replaced count too: the holder already has
    them and the valid-until date did not change.

    Each reminder is recorded (a CertificateReminder, unique per certificate and lead time)
    before it is sent, so two runs at once send it once; if sending fails, the row is deleted
    and logged, the others go on, and the next run tries again. Not atomic, for the same
    reasons as ``certificate_issued_email_send``. Revoked, superseded and expired certificates,
    and those that never expire, get nothing.
    """
    today = today or timezone.localdate()
    due = (
        Certificate.objects.filter(
            status=Certificate.Status.ISSUED,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=max(LEADS)),
        )
        .exclude(enrolment__trainee__email="")
        .select_related("enrolment__trainee")
        .annotate(
            most_urgent_sent=Min("reminders__days_before"),
            most_urgent_sent_before_reissue=Min("supersedes__reminders__days_before"),
        )
        .order_by("valid_until", "pk")
    )
    wanted: dict[int, tuple[Certificate, int]] = {}
    for certificate in due:
        days_left = (certificate.valid_until - today).days
        lead = min(lead for lead in LEADS if days_left <= lead)
        sent = [
            n
            for n in (certificate.most_urgent_sent, certificate.most_urgent_sent_before_reissue)
            if n is not None
        ]
        if not sent or min(sent) > lead:
            wanted[certificate.pk] = (certificate, lead)
    if not wanted:
        return 0

    # Claim them all at once; those another run claimed first are left to it.
    claimed_at = timezone.now()
    CertificateReminder.objects.bulk_create(
        [
            CertificateReminder(certificate=certificate, days_before=lead, sent_at=claimed_at)
            for certificate, lead in wanted.values()
        ],
        ignore_conflicts=True,
    )
    ours = CertificateReminder.objects.filter(
        certificate__in=list(wanted), sent_at=claimed_at
    ).values_list("pk", "certificate_id", "days_before")

    count = 0
    for reminder_pk, certificate_id, lead in ours:
        certificate = wanted[certificate_id][0]
        try:
            _expiry_message(certificate, today).send()
        except Exception:
            logger.exception(
                "The %d-day expiry reminder of certificate %s could not be sent; the next "
                "run tries again.",
                lead,
                certificate.serial,
            )
            CertificateReminder.objects.filter(pk=reminder_pk).delete()
            continue
        count += 1
    return count


def _expiry_message(certificate: Certificate, today: datetime.date) -> EmailMultiAlternatives:
    snapshot = certificate.snapshot
    shared = {
        "holder": snapshot["holder"],
        "serial": certificate.serial,
        "code": certificate.code_display,
        "valid_until": certificate.valid_until,
        "days_left": (certificate.valid_until - today).days,
        "verification_url": verification_url(certificate.code),
        "portal_url": _portal_url(),
    }
    return bilingual_message(
        templates="courses/email/certificate_expiry",
        context=lambda language: {**shared, "course": snapshot[f"course_title_{language}"]},
        to=[certificate.enrolment.trainee.email],
    )


def _portal_url() -> str:
    return settings.SITE_BASE_URL.rstrip("/") + reverse("portal")
