"""The readiness engine: is this person ready to deploy in this role, to this mission, on this
date — and if not, what exactly is missing?

``readiness_evaluate`` is a pure function: plain values in, a ``Readiness`` out, no database,
no clock. Callers gather the facts (in bulk, for thousands of trainees at once) and the engine
only compares dates and levels, so that the board, the trainee's page and the report agree.

The rules, where a choice had to be made:

- **Valid on the date** means ``valid_until >= date``: a certificate or clearance that expires
  *on* the deployment date is still valid that day. ``valid_until = None`` never expires.
- **Lapsing** ("ready, but expiring"): a certificate, clearance or mission mandate whose last
  valid day is within 90 days after the date (``valid_until <= date + 90 days``) makes a ready
  person READY_EXPIRING. 90 days after: expiring; 91 days after: ready.
- **Age and years of service** are whole years completed on the date: a year is added on the
  anniversary of the birth (or service start) date. Someone born on 29 February gains a year
  on 1 March in non-leap years (on 28 February they have not yet reached it), the reading of
  "the day after 28 February" used by most civil codes. Someone reaching the minimum age *on*
  the date meets it; the maximum age is the last age accepted (62 means "until the day before
  the 63rd birthday").
- **Passport**: valid at least N months after the date, counted with ``months_later`` (31 Aug
  + 6 months = 28 or 29 Feb); exactly N months is enough.
- **Police AMS** clears for 24 months from its pass date: valid until the earlier of its own
  ``valid_until`` and the pass date + 24 months (inclusive).
- **Medical**: the kind required (MS2 armed, MS3 unarmed) must be held itself; one does not
  stand in for the other.
- **Language**: the minimum CEFR level in any one of the mission's working languages; equal
  to the minimum passes.
- **Mission**: ``closed_on`` and ``mandate_end`` are last days. A closed mission whose last
  day is before the date (or that has no date), or a date after the mandate's last day, makes
  the verdict NOT_READY whatever the person holds; the person's own findings are still listed.
- Clearances passed in are the ones granted; the caller leaves out pending, refused and
  withdrawn ones, and gives for each kind the one that lasts longest.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import models
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cecopam.dates import months_later
from courses.models import in_language
from trainees.models import Clearance, LanguageSkill, Trainee

LAPSE_WINDOW = datetime.timedelta(days=90)
AMS_MONTHS = 24
CEFR_ORDER = {level: rank for rank, level in enumerate(LanguageSkill.Level.values)}
Kind = Clearance.Kind


class Verdict(models.TextChoices):
    READY = "ready", _("Ready")
    READY_EXPIRING = "ready_expiring", _("Ready, but expiring")
    NOT_READY = "not_ready", _("Not ready")


class Medical(models.TextChoices):
    NONE = "none", _("Not required")
    BY_MISSION = "mission", _("As the mission: MS2 if armed, MS3 if unarmed")
    MS2 = "ms2", _("MS2 (armed)")
    MS3 = "ms3", _("MS3 (unarmed)")


class Code(StrEnum):
    """What a finding is about. Lapsing codes end in ``_lapses``/``_ends``; all others block."""

    MISSION_CLOSED = "mission_closed"
    MANDATE_ENDED = "mandate_ended"
    MANDATE_ENDS = "mandate_ends"
    COURSE_MISSING = "course_missing"
    COURSE_EXPIRED = "course_expired"
    COURSE_LAPSES = "course_lapses"
    LANGUAGE_MISSING = "language_missing"
    LANGUAGE_BELOW = "language_below"
    CLEARANCE_MISSING = "clearance_missing"
    CLEARANCE_EXPIRED = "clearance_expired"
    CLEARANCE_LAPSES = "clearance_lapses"
    PASSPORT_TOO_SHORT = "passport_too_short"
    AGE_BELOW = "age_below"
    AGE_ABOVE = "age_above"
    SERVICE_UNKNOWN = "service_unknown"
    SERVICE_TOO_SHORT = "service_too_short"
    RANK_NOT_ALLOWED = "rank_not_allowed"
    CATEGORY_NOT_ALLOWED = "category_not_allowed"


LAPSING = frozenset({Code.COURSE_LAPSES, Code.CLEARANCE_LAPSES, Code.MANDATE_ENDS})

_REQUIREMENT_OF = {
    Code.MISSION_CLOSED: "mission",
    Code.MANDATE_ENDED: "mission",
    Code.MANDATE_ENDS: "mission",
    Code.COURSE_MISSING: "course:{subject}",
    Code.COURSE_EXPIRED: "course:{subject}",
    Code.COURSE_LAPSES: "course:{subject}",
    Code.LANGUAGE_MISSING: "language",
    Code.LANGUAGE_BELOW: "language",
    Code.CLEARANCE_MISSING: "clearance:{subject}",
    Code.CLEARANCE_EXPIRED: "clearance:{subject}",
    Code.CLEARANCE_LAPSES: "clearance:{subject}",
    Code.PASSPORT_TOO_SHORT: "clearance:{subject}",
    Code.AGE_BELOW: "age",
    Code.AGE_ABOVE: "age",
    Code.SERVICE_UNKNOWN: "service",
    Code.SERVICE_TOO_SHORT: "service",
    Code.RANK_NOT_ALLOWED: "rank",
    Code.CATEGORY_NOT_ALLOWED: "category",
}


# ------------------------------------------------------------------ inputs


@dataclass(frozen=True, slots=True)
class TraineeFacts:
    date_of_birth: datetime.date
    service_start_date: datetime.date | None
    rank_category: str
    un_category: str
    # ISO 639-1 code -> CEFR level ("fr" -> "B2").
    languages: Mapping[str, str] = field(default_factory=dict)
    # Clearance.Kind -> (issued_on, valid_until), granted ones only.
    clearances: Mapping[str, tuple[datetime.date, datetime.date | None]] = field(
        default_factory=dict
    )
    # Course id -> valid_until (None: never expires) of the best in-force issued certificate.
    qualifications: Mapping[int, datetime.date | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RequiredCourse:
    id: int
    code: str
    title_es: str
    title_en: str

    @property
    def title(self) -> str:
        return in_language(self.title_es, self.title_en)


@dataclass(frozen=True, slots=True)
class ProfileRequirements:
    required_courses: tuple[RequiredCourse, ...] = ()
    min_language_level: str | None = None
    medical: str = Medical.NONE
    human_rights_screening: bool = False
    passport_months: int | None = None
    driving_licence: bool = False
    police_ams: bool = False
    weapons_handling: bool = False
    min_age: int | None = None
    max_age: int | None = None
    min_years_of_service: int | None = None
    allowed_rank_categories: frozenset[str] = frozenset()
    allowed_un_categories: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class MissionFacts:
    acronym: str
    languages: tuple[str, ...] = ()
    armed: bool = True
    mandate_end: datetime.date | None = None
    closed: bool = False
    closed_on: datetime.date | None = None


# ------------------------------------------------------------------ output


def _day(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _language(code: str) -> str:
    try:
        return str(LanguageSkill.Language(code).label)
    except ValueError:
        return code


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@dataclass(frozen=True, slots=True)
class Finding:
    """One unmet (or lapsing) requirement.

    ``subject`` names what it is about: a course code, a language code, a clearance kind or a
    mission acronym. ``on`` is when it lapses or lapsed (or when the deadline falls).
    ``required``/``actual`` carry the levels or numbers compared, for the message; ``needed``
    is the day a passport must last until.
    """

    code: Code
    subject: str = ""
    on: datetime.date | None = None
    required: str = ""
    actual: str = ""
    course: RequiredCourse | None = None
    needed: datetime.date | None = None
    languages: tuple[str, ...] = ()

    @property
    def blocking(self) -> bool:
        return self.code not in LAPSING

    @property
    def requirement(self) -> str:
        """The requirement this finding is about, as a key the board filters on: one course
        (``course:UOF``), the language test, one clearance (``clearance:passport``), age,
        service, rank, category or the mission itself."""
        return _REQUIREMENT_OF[self.code].format(subject=self.subject)

    def message(self) -> str:
        """What is wrong, in the active language, in words an administrator can act on."""
        code = self.code
        day = _day(self.on) if self.on else ""
        course = self.course.title if self.course else self.subject
        clearance = _label(Clearance.Kind, self.subject)
        if code == Code.MISSION_CLOSED:
            if self.on:
                return gettext("%(mission)s closed on %(date)s.") % {
                    "mission": self.subject,
                    "date": day,
                }
            return gettext("%(mission)s is closed.") % {"mission": self.subject}
        if code == Code.MANDATE_ENDED:
            return gettext("The %(mission)s mandate ended on %(date)s.") % {
                "mission": self.subject,
                "date": day,
            }
        if code == Code.MANDATE_ENDS:
            return gettext("The %(mission)s mandate ends on %(date)s.") % {
                "mission": self.subject,
                "date": day,
            }
        if code == Code.COURSE_MISSING:
            return gettext("No %(course)s certificate.") % {"course": course}
        if code == Code.COURSE_EXPIRED:
            return gettext("%(course)s certificate expired on %(date)s.") % {
                "course": course,
                "date": day,
            }
        if code == Code.COURSE_LAPSES:
            return gettext("%(course)s certificate expires on %(date)s.") % {
                "course": course,
                "date": day,
            }
        if code in (Code.LANGUAGE_MISSING, Code.LANGUAGE_BELOW):
            wanted = get_text_list([_language(c) for c in self.languages])
            if code == Code.LANGUAGE_MISSING:
                return gettext("%(languages)s %(level)s required, none recorded.") % {
                    "languages": wanted,
                    "level": self.required,
                }
            has = self.actual
            if len(self.languages) > 1:
                has = f"{_language(self.subject)} {self.actual}"
            return gettext("%(languages)s %(level)s required, has %(actual)s.") % {
                "languages": wanted,
                "level": self.required,
                "actual": has,
            }
        if code == Code.CLEARANCE_MISSING:
            return gettext("%(clearance)s: none on file.") % {"clearance": clearance}
        if code == Code.CLEARANCE_EXPIRED:
            return gettext("%(clearance)s expired on %(date)s.") % {
                "clearance": clearance,
                "date": day,
            }
        if code == Code.CLEARANCE_LAPSES:
            return gettext("%(clearance)s expires on %(date)s.") % {
                "clearance": clearance,
                "date": day,
            }
        if code == Code.PASSPORT_TOO_SHORT:
            months = int(self.required)
            return ngettext(
                "Passport valid until %(date)s; it must be valid until %(needed)s "
                "(%(months)s month after the deployment date).",
                "Passport valid until %(date)s; it must be valid until %(needed)s "
                "(%(months)s months after the deployment date).",
                months,
            ) % {"date": day, "needed": _day(self.needed), "months": months}
        if code == Code.AGE_BELOW:
            return gettext("Aged %(age)s; the minimum age is %(limit)s.") % {
                "age": self.actual,
                "limit": self.required,
            }
        if code == Code.AGE_ABOVE:
            return gettext("Aged %(age)s; the maximum age is %(limit)s.") % {
                "age": self.actual,
                "limit": self.required,
            }
        if code == Code.SERVICE_UNKNOWN:
            required = int(self.required)
            return ngettext(
                "Service start date not recorded (%(required)s year of service required).",
                "Service start date not recorded (%(required)s years of service required).",
                required,
            ) % {"required": required}
        if code == Code.SERVICE_TOO_SHORT:
            years = int(self.actual)
            return ngettext(
                "%(years)s year of service; %(required)s required.",
                "%(years)s years of service; %(required)s required.",
                years,
            ) % {"years": years, "required": self.required}
        if code == Code.RANK_NOT_ALLOWED:
            return gettext("Rank category “%(rank)s” is not accepted for this role.") % {
                "rank": _label(Trainee.RankCategory, self.subject)
            }
        if code == Code.CATEGORY_NOT_ALLOWED:
            return gettext(
                "UN personnel category “%(category)s” is not accepted for this role."
            ) % {"category": _label(Trainee.UNCategory, self.subject)}
        raise AssertionError(f"no message for {code}")


@dataclass(frozen=True, slots=True)
class Readiness:
    verdict: Verdict
    findings: tuple[Finding, ...]

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocking)

    @property
    def lapsing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.blocking)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(f.code for f in self.findings)


# ------------------------------------------------------------------ the rules


def years_completed(start: datetime.date, on: datetime.date) -> int:
    """Whole years from ``start`` to ``on``: a year is added on each anniversary. A 29
    February start reaches its anniversary on 1 March in non-leap years."""
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def _dated(
    code_expired: Code,
    code_lapses: Code,
    valid_until: datetime.date | None,
    on: datetime.date,
    horizon: datetime.date,
    **kwargs,
) -> Finding | None:
    """The finding for something that must be valid on ``on``: expired, lapsing or none."""
    if valid_until is None or valid_until > horizon:
        return None
    if valid_until < on:
        return Finding(code_expired, on=valid_until, **kwargs)
    return Finding(code_lapses, on=valid_until, **kwargs)


def _required_clearances(requirements: ProfileRequirements, mission: MissionFacts) -> list[str]:
    kinds = []
    medical = requirements.medical
    if medical == Medical.BY_MISSION:
        medical = Medical.MS2 if mission.armed else Medical.MS3
    if medical == Medical.MS2:
        kinds.append(Kind.MEDICAL_MS2)
    elif medical == Medical.MS3:
        kinds.append(Kind.MEDICAL_MS3)
    if requirements.human_rights_screening:
        kinds += [Kind.HR_CERTIFICATION, Kind.HR_SELF_ATTESTATION]
    if requirements.driving_licence:
        kinds.append(Kind.DRIVING_LICENCE)
    if requirements.weapons_handling:
        kinds.append(Kind.WEAPONS_HANDLING)
    return kinds


def requirement_choices(
    requirements: ProfileRequirements, mission: MissionFacts
) -> list[tuple[str, str]]:
    """Every requirement of this profile for this mission, as (key, label) in the active
    language, in the order the engine checks them: what the board's "lacks" filter offers."""
    choices = [("mission", gettext("The mission's mandate"))]
    if requirements.allowed_rank_categories:
        choices.append(("rank", gettext("Rank category")))
    if requirements.allowed_un_categories:
        choices.append(("category", gettext("UN personnel category")))
    if requirements.min_age is not None or requirements.max_age is not None:
        choices.append(("age", gettext("Age")))
    if requirements.min_years_of_service is not None:
        choices.append(("service", gettext("Years of service")))
    for course in requirements.required_courses:
        choices.append(
            (f"course:{course.code}", gettext("%(course)s certificate") % {"course": course.title})
        )
    if requirements.min_language_level and mission.languages:
        choices.append(
            (
                "language",
                gettext("%(languages)s test, %(level)s or above")
                % {
                    "languages": get_text_list([_language(c) for c in mission.languages]),
                    "level": requirements.min_language_level,
                },
            )
        )
    kinds = _required_clearances(requirements, mission)
    if requirements.police_ams:
        kinds.append(Kind.POLICE_AMS)
    if requirements.passport_months is not None:
        kinds.append(Kind.PASSPORT)
    choices += [(f"clearance:{kind}", _label(Clearance.Kind, kind)) for kind in kinds]
    return choices


def readiness_evaluate(
    *,
    trainee: TraineeFacts,
    requirements: ProfileRequirements,
    mission: MissionFacts,
    on: datetime.date,
) -> Readiness:
    """The verdict for one person, one profile, one mission and one date, with every unmet or
    lapsing requirement (all of them, not only the first)."""
    horizon = on + LAPSE_WINDOW
    findings: list[Finding] = []

    # The mission itself.
    if mission.closed and (mission.closed_on is None or mission.closed_on < on):
        findings.append(Finding(Code.MISSION_CLOSED, subject=mission.acronym, on=mission.closed_on))
    elif mission.mandate_end is not None and mission.mandate_end < on:
        findings.append(
            Finding(Code.MANDATE_ENDED, subject=mission.acronym, on=mission.mandate_end)
        )
    else:
        last_day = min(
            (d for d in (mission.mandate_end, mission.closed_on) if d is not None), default=None
        )
        if last_day is not None and last_day <= horizon:
            findings.append(Finding(Code.MANDATE_ENDS, subject=mission.acronym, on=last_day))

    # Who the person is.
    allowed = requirements.allowed_rank_categories
    if allowed and trainee.rank_category not in allowed:
        findings.append(Finding(Code.RANK_NOT_ALLOWED, subject=trainee.rank_category))
    allowed = requirements.allowed_un_categories
    if allowed and trainee.un_category not in allowed:
        findings.append(Finding(Code.CATEGORY_NOT_ALLOWED, subject=trainee.un_category))
    if requirements.min_age is not None or requirements.max_age is not None:
        age = years_completed(trainee.date_of_birth, on)
        if requirements.min_age is not None and age < requirements.min_age:
            findings.append(
                Finding(Code.AGE_BELOW, required=str(requirements.min_age), actual=str(age))
            )
        if requirements.max_age is not None and age > requirements.max_age:
            findings.append(
                Finding(Code.AGE_ABOVE, required=str(requirements.max_age), actual=str(age))
            )
    if requirements.min_years_of_service is not None:
        required = str(requirements.min_years_of_service)
        if trainee.service_start_date is None:
            findings.append(Finding(Code.SERVICE_UNKNOWN, required=required))
        else:
            years = years_completed(trainee.service_start_date, on)
            if years < requirements.min_years_of_service:
                findings.append(
                    Finding(Code.SERVICE_TOO_SHORT, required=required, actual=str(years))
                )

    # Courses.
    for course in requirements.required_courses:
        if course.id not in trainee.qualifications:
            findings.append(Finding(Code.COURSE_MISSING, subject=course.code, course=course))
            continue
        finding = _dated(
            Code.COURSE_EXPIRED,
            Code.COURSE_LAPSES,
            trainee.qualifications[course.id],
            on,
            horizon,
            subject=course.code,
            course=course,
        )
        if finding:
            findings.append(finding)

    # Language: the minimum level in any one of the mission's languages.
    minimum = requirements.min_language_level
    if minimum and mission.languages:
        held = [
            (CEFR_ORDER[trainee.languages[code]], code)
            for code in mission.languages
            if trainee.languages.get(code) in CEFR_ORDER
        ]
        if not held:
            findings.append(
                Finding(Code.LANGUAGE_MISSING, required=minimum, languages=mission.languages)
            )
        else:
            best_rank, best_code = max(held, key=lambda h: h[0])  # ties: the mission's first
            if best_rank < CEFR_ORDER[minimum]:
                findings.append(
                    Finding(
                        Code.LANGUAGE_BELOW,
                        subject=best_code,
                        required=minimum,
                        actual=trainee.languages[best_code],
                        languages=mission.languages,
                    )
                )

    # Clearances valid on the date.
    for kind in _required_clearances(requirements, mission):
        held = trainee.clearances.get(kind)
        if held is None:
            findings.append(Finding(Code.CLEARANCE_MISSING, subject=kind))
            continue
        finding = _dated(
            Code.CLEARANCE_EXPIRED, Code.CLEARANCE_LAPSES, held[1], on, horizon, subject=kind
        )
        if finding:
            findings.append(finding)
    if requirements.police_ams:
        held = trainee.clearances.get(Kind.POLICE_AMS)
        if held is None:
            findings.append(Finding(Code.CLEARANCE_MISSING, subject=Kind.POLICE_AMS))
        else:
            issued_on, valid_until = held
            window_end = months_later(issued_on, AMS_MONTHS)
            until = window_end if valid_until is None else min(valid_until, window_end)
            finding = _dated(
                Code.CLEARANCE_EXPIRED,
                Code.CLEARANCE_LAPSES,
                until,
                on,
                horizon,
                subject=Kind.POLICE_AMS,
            )
            if finding:
                findings.append(finding)
    if requirements.passport_months is not None:
        held = trainee.clearances.get(Kind.PASSPORT)
        if held is None:
            findings.append(Finding(Code.CLEARANCE_MISSING, subject=Kind.PASSPORT))
        elif held[1] is not None:
            valid_until = held[1]
            needed = months_later(on, requirements.passport_months)
            if valid_until < on:
                findings.append(
                    Finding(Code.CLEARANCE_EXPIRED, subject=Kind.PASSPORT, on=valid_until)
                )
            elif valid_until < needed:
                findings.append(
                    Finding(
                        Code.PASSPORT_TOO_SHORT,
                        subject=Kind.PASSPORT,
                        on=valid_until,
                        required=str(requirements.passport_months),
                        needed=needed,
                    )
                )
            elif valid_until <= horizon:  # only with a requirement of under 3 months
                findings.append(
                    Finding(Code.CLEARANCE_LAPSES, subject=Kind.PASSPORT, on=valid_until)
                )

    if any(f.blocking for f in findings):
        verdict = Verdict.NOT_READY
    elif findings:
        verdict = Verdict.READY_EXPIRING
    else:
        verdict = Verdict.READY
    return Readiness(verdict=verdict, findings=tuple(findings))
