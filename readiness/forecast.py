"""What lapses soon: certificates and clearances whose last valid day falls in the coming
days, per trainee and in total, so that administrators book a course or chase a document
before someone stops being ready. A lapse that a newer certificate of the same course (or a
newer clearance of the same kind) already covers is not listed: there is nothing to do.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Max

from courses.models import Certificate, in_language
from trainees.models import Clearance

WINDOW_DAYS = 90


@dataclass(frozen=True, slots=True)
class Lapse:
    trainee_id: int
    trainee: str  # "Surnames, Given names"
    what: str  # the course or clearance, in the active language
    kind: str  # "certificate" or "clearance"
    reference: str  # the certificate's serial, or the clearance's kind
    on: datetime.date  # its last valid day
    days_left: int = 0  # from the forecast's first day


@dataclass(frozen=True)
class Forecast:
    start: datetime.date
    end: datetime.date
    lapses: list[Lapse]

    @property
    def by_trainee(self) -> list[tuple[int, str, list[Lapse]]]:
        groups: dict[int, list[Lapse]] = {}
        for lapse in self.lapses:
            groups.setdefault(lapse.trainee_id, []).append(lapse)
        return sorted(
            ((pk, items[0].trainee, items) for pk, items in groups.items()),
            key=lambda group: (group[2][0].on, group[1]),
        )

    @property
    def totals(self) -> Counter:
        return Counter(lapse.kind for lapse in self.lapses)


def expiry_forecast(*, start: datetime.date, days: int = WINDOW_DAYS) -> Forecast:
    """Everything whose last valid day is between ``start`` and ``start + days`` (inclusive),
    soonest first. Four queries."""
    end = start + datetime.timedelta(days=days)
    lapses = [
        dataclasses.replace(lapse, days_left=(lapse.on - start).days)
        for lapse in _certificate_lapses(start, end) + _clearance_lapses(start, end)
    ]
    lapses.sort(key=lambda lapse: (lapse.on, lapse.trainee, lapse.what))
    return Forecast(start=start, end=end, lapses=lapses)


def _name(first: str, second: str, given: str) -> str:
    surnames = f"{first} {second}" if second else first
    return f"{surnames}, {given}"


def _certificate_lapses(start: datetime.date, end: datetime.date) -> list[Lapse]:
    lapsing = list(
        Certificate.objects.filter(
            status=Certificate.Status.ISSUED, valid_until__gte=start, valid_until__lte=end
        ).values_list(
            "enrolment__trainee_id",
            "enrolment__trainee__first_surname",
            "enrolment__trainee__second_surname",
            "enrolment__trainee__given_names",
            "enrolment__session__course_id",
            "enrolment__session__course__title_es",
            "enrolment__session__course__title_en",
            "serial",
            "valid_until",
        )
    )
    # The longest any standing certificate of the same course lasts, for those people.
    longest = {
        (row["enrolment__trainee_id"], row["enrolment__session__course_id"]): row["last"]
        for row in Certificate.objects.filter(
            status=Certificate.Status.ISSUED,
            enrolment__trainee_id__in={row[0] for row in lapsing},
        )
        .values("enrolment__trainee_id", "enrolment__session__course_id")
        .annotate(last=Max("valid_until"))
    }
    return [
        Lapse(
            trainee_id=pk,
            trainee=_name(first, second, given),
            what=in_language(title_es, title_en),
            kind="certificate",
            reference=serial,
            on=until,
        )
        for pk, first, second, given, course_id, title_es, title_en, serial, until in lapsing
        if longest.get((pk, course_id)) == until
    ]


def _clearance_lapses(start: datetime.date, end: datetime.date) -> list[Lapse]:
    lapsing = list(
        Clearance.objects.filter(
            status=Clearance.Status.GRANTED, valid_until__gte=start, valid_until__lte=end
        ).values_list(
            "trainee_id",
            "trainee__first_surname",
            "trainee__second_surname",
            "trainee__given_names",
            "kind",
            "valid_until",
        )
    )
    longest: dict[tuple[int, str], datetime.date | None] = {}
    for pk, kind, until in Clearance.objects.filter(
        status=Clearance.Status.GRANTED, trainee_id__in={row[0] for row in lapsing}
    ).values_list("trainee_id", "kind", "valid_until"):
        held = longest.get((pk, kind), datetime.date.min)
        longest[(pk, kind)] = None if until is None or held is None else max(held, until)
    kinds = dict(Clearance.Kind.choices)
    return [
        Lapse(
            trainee_id=pk,
            trainee=_name(first, second, given),
            what=str(kinds.get(kind, kind)),
            kind="clearance",
            reference=kind,
            on=until,
        )
        for pk, first, second, given, kind, until in lapsing
        if longest.get((pk, kind)) == until
    ]
