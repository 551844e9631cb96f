"""A roster's nomination list: what the centre sends with its nominations for a rotation, one
row per person: name, rank, institution, nationality, passport expiry, and the certificates
they hold with their serials and public verification addresses."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Max
from django.utils.translation import gettext as _

from cecopam.spreadsheets import csv_write, xlsx_write
from courses.models import Certificate, in_language
from courses.verification_codes import verification_url
from readiness.models import Roster, RosterMember
from trainees.models import Clearance


@dataclass(frozen=True)
class HeldCertificate:
    serial: str
    course: str
    valid_until: datetime.date | None
    url: str


@dataclass(frozen=True)
class Nominee:
    member: RosterMember
    passport_until: datetime.date | None
    certificates: tuple[HeldCertificate, ...]

    @property
    def trainee(self):
        return self.member.trainee


def roster_nominees(roster: Roster) -> list[Nominee]:
    """The roster's people in name order, with their passport's expiry and their issued
    certificates in force on the deployment date. Three queries."""
    members = list(
        roster.members.select_related("trainee__institution").order_by(
            "trainee__first_surname", "trainee__second_surname", "trainee__given_names"
        )
    )
    ids = [member.trainee_id for member in members]
    passports = dict(
        Clearance.objects.filter(
            trainee_id__in=ids, kind=Clearance.Kind.PASSPORT, status=Clearance.Status.GRANTED
        )
        .values("trainee_id")
        .annotate(until=Max("valid_until"))
        .values_list("trainee_id", "until")
    )
    held: dict[int, list[HeldCertificate]] = {pk: [] for pk in ids}
    for trainee_id, serial, code, title_es, title_en, until in (
        Certificate.objects.filter(enrolment__trainee_id__in=ids, status=Certificate.Status.ISSUED)
        .exclude(valid_until__lt=roster.deploys_on)
        .order_by("enrolment__session__course__code", "-issued_on")
        .values_list(
            "enrolment__trainee_id",
            "serial",
            "code",
            "enrolment__session__course__title_es",
            "enrolment__session__course__title_en",
            "valid_until",
        )
    ):
        held[trainee_id].append(
            HeldCertificate(
                serial=serial,
                course=in_language(title_es, title_en),
                valid_until=until,
                url=verification_url(code),
            )
        )
    return [
        Nominee(
            member=member,
            passport_until=passports.get(member.trainee_id),
            certificates=tuple(held[member.trainee_id]),
        )
        for member in members
    ]


def _headers() -> list[str]:
    return [
        _("Surnames"),
        _("Given names"),
        _("Rank"),
        _("Institution"),
        _("Nationality"),
        _("Sex"),
        _("Passport valid until"),
        _("Verdict when saved"),
        _("First lapse"),
        _("Certificates (serial, course, valid until, verification address)"),
    ]


def _values(nominee: Nominee) -> list[Any]:
    trainee = nominee.trainee
    certificates = "\n".join(
        " · ".join(
            [
                held.serial,
                held.course,
                held.valid_until.isoformat() if held.valid_until else _("does not expire"),
                held.url,
            ]
        )
        for held in nominee.certificates
    )
    return [
        trainee.surnames,
        trainee.given_names,
        trainee.rank,
        trainee.institution.name,
        trainee.nationality.code,
        trainee.sex,
        nominee.passport_until,
        nominee.member.get_verdict_display(),
        nominee.member.lapses_on,
        certificates,
    ]


def nomination_csv(*, roster: Roster, stream: IO[str]) -> int:
    return csv_write(headers=_headers(), rows=map(_values, roster_nominees(roster)), stream=stream)


def nomination_xlsx(*, roster: Roster, stream: IO[bytes]) -> int:
    return xlsx_write(
        title=_("Nomination list"),
        headers=_headers(),
        rows=map(_values, roster_nominees(roster)),
        stream=stream,
        widths=(24, 22, 18, 32, 12, 6, 14, 20, 12, 110),
    )
