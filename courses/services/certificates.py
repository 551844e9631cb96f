"""Certificates: created, pending, when a session's results are finalised.

The PDF is rendered later by a worker from the frozen snapshot; here the certificate gets
what never changes again: its serial number, its verification code, its issue date, how long
it is valid and every field it prints.
"""

from __future__ import annotations

import calendar
import datetime

from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history

from courses.models import Certificate, CertificateSerial, CourseSession, Enrolment
from courses.verification_codes import verification_code_new


def months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Jan + 1
    month is 28 or 29 Feb)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def certificate_serials_take(*, year: int, count: int) -> list[str]:
    """``count`` consecutive serial numbers of ``year`` (CECOPAM-2026-000123).

    Must run inside the caller's transaction: the year's counter stays locked until it
    commits, so concurrent finalisations queue here, and a rollback returns the numbers.
    """
    CertificateSerial.objects.get_or_create(year=year)
    counter = CertificateSerial.objects.select_for_update().get(year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"CECOPAM-{year}-{number:06d}" for number in range(first, counter.last + 1)]


def _snapshot(enrolment: Enrolment, session: CourseSession) -> dict:
    trainee, course = enrolment.trainee, session.course
    nationality = {}
    for language in ("es", "en"):
        with translation.override(language):
            nationality[language] = str(trainee.nationality.name)
    return {
        "holder": trainee.full_name,
        "rank": trainee.rank,
        "institution": trainee.institution.name,
        "nationality": trainee.nationality.code,
        "nationality_es": nationality["es"],
        "nationality_en": nationality["en"],
        "course_code": course.code,
        "course_title_es": course.title_es,
        "course_title_en": course.title_en,
        "hours": course.hours,
        "session_code": session.code,
        "start_date": session.start_date.isoformat(),
        "end_date": session.end_date.isoformat(),
        "total": str(enrolment.total),
    }


def certificates_create_for_session(*, session: CourseSession, by) -> list[Certificate]:
    """A pending certificate for each passed enrolment of the session that has none in force
    (finalising again after a reopening keeps the certificates already made). Runs inside
    session_finalise's transaction."""
    passed = list(
        session.enrolments.filter(status=Enrolment.Status.PASSED)
        .exclude(certificates__status__in=_IN_FORCE)
        .select_related("trainee__institution")
        .order_by("trainee__first_surname", "trainee__second_surname", "trainee__given_names")
    )
    if not passed:
        return []
    issued_on = timezone.localdate()
    months = session.course.validity_months
    valid_until = months_later(issued_on, months) if months else None
    serials = certificate_serials_take(year=issued_on.year, count=len(passed))
    certificates = [
        Certificate(
            enrolment=enrolment,
            serial=serial,
            code=verification_code_new(),
            issued_on=issued_on,
            valid_until=valid_until,
            snapshot={**_snapshot(enrolment, session), "serial": serial},
        )
        for enrolment, serial in zip(passed, serials, strict=True)
    ]
    return bulk_create_with_history(certificates, Certificate, default_user=by)


_IN_FORCE = [s for s in Certificate.Status.values if s != Certificate.Status.SUPERSEDED]
