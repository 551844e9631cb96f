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
    return ReadinessEvaluator(requirements=requirements, mission=mission, on=on)(trainee)


class ReadinessEvaluator:
    """``readiness_evaluate`` for many people with one profile, mission and date (the board
    judges 100,000 at once).

    What depends on those alone (the mission's own findings, the clearances required, the day a
    passport must last until) is worked out once, not once a person. And findings are shared:
    thousands of people lack the same passport or hold a certificate that expired the same day,
    and one immutable ``Finding`` serves them all, which spares the memory and the garbage
    collector's time that hundreds of thousands of equal objects would take."""

    __slots__ = (
        "clearance_kinds",
        "findings",
        "horizon",
        "kinds",
        "languages",
        "minimum_level",
        "minimum_rank",
        "mission_findings",
        "on",
        "passport_needed",
        "requirements",
    )

    def __init__(
        self, *, requirements: ProfileRequirements, mission: MissionFacts, on: datetime.date
    ) -> None:
        self.requirements = requirements
        self.on = on
        self.horizon = on + LAPSE_WINDOW
        self.mission_findings = _mission_findings(mission, on, self.horizon)
        minimum = requirements.min_language_level
        self.languages = mission.languages if minimum else ()
        self.minimum_level = minimum
        self.minimum_rank = CEFR_ORDER[minimum] if self.languages else None
        self.kinds = tuple(_required_clearances(requirements, mission))
        # Every kind the evaluation looks at: what the board needs to read.
        self.clearance_kinds = (
            *self.kinds,
            *((Kind.POLICE_AMS,) if requirements.police_ams else ()),
            *((Kind.PASSPORT,) if requirements.passport_months is not None else ()),
        )
        self.passport_needed = (
            months_later(on, requirements.passport_months)
            if requirements.passport_months is not None
            else None
        )
        self.findings: dict[tuple, Finding] = {}

    def finding(
        self,
        code: Code,
        subject: str = "",
        on: datetime.date | None = None,
        required: str = "",
        actual: str = "",
        course: RequiredCourse | None = None,
    ) -> Finding:
        """The one finding with these values. Within one evaluator the subject decides the
        course, and the mission the languages and the passport's deadline."""
        key = (code, subject, on, required, actual)
        finding = self.findings.get(key)
        if finding is None:
            finding = self.findings[key] = Finding(
                code,
                subject=subject,
                on=on,
                required=required,
                actual=actual,
                course=course,
                needed=self.passport_needed if code == Code.PASSPORT_TOO_SHORT else None,
                languages=self.languages if code in _LANGUAGE_CODES else (),
            )
        return finding

    def dated(
        self,
        expired: Code,
        lapses: Code,
        valid_until: datetime.date | None,
        subject: str,
        course: RequiredCourse | None = None,
    ) -> Finding | None:
        """The finding for something that must be valid on the date: expired, lapsing or
        none."""
        if valid_until is None or valid_until > self.horizon:
            return None
        code = expired if valid_until < self.on else lapses
        return self.finding(code, subject, valid_until, course=course)

    def __call__(self, trainee: TraineeFacts) -> Readiness:
        requirements, on, horizon = self.requirements, self.on, self.horizon
        finding, dated = self.finding, self.dated
        findings: list[Finding] = list(self.mission_findings)

        # Who the person is.
        allowed = requirements.allowed_rank_categories
        if allowed and trainee.rank_category not in allowed:
            findings.append(finding(Code.RANK_NOT_ALLOWED, trainee.rank_category))
        allowed = requirements.allowed_un_categories
        if allowed and trainee.un_category not in allowed:
            findings.append(finding(Code.CATEGORY_NOT_ALLOWED, trainee.un_category))
        if requirements.min_age is not None or requirements.max_age is not None:
            age = years_completed(trainee.date_of_birth, on)
            if requirements.min_age is not None and age < requirements.min_age:
                findings.append(
                    finding(Code.AGE_BELOW, required=str(requirements.min_age), actual=str(age))
                )
            if requirements.max_age is not None and age > requirements.max_age:
                findings.append(
                    finding(Code.AGE_ABOVE, required=str(requirements.max_age), actual=str(age))
                )
        if requirements.min_years_of_service is not None:
            required = str(requirements.min_years_of_service)
            if trainee.service_start_date is None:
                findings.append(finding(Code.SERVICE_UNKNOWN, required=required))
            else:
                years = years_completed(trainee.service_start_date, on)
                if years < requirements.min_years_of_service:
                    findings.append(
                        finding(Code.SERVICE_TOO_SHORT, required=required, actual=str(years))
                    )

        # Courses. (Most people's certificates last beyond the horizon: ``dated`` is called
        # only for those that do not, the board's hottest loop.)
        qualifications = trainee.qualifications
        for course in requirements.required_courses:
            if course.id not in qualifications:
                findings.append(finding(Code.COURSE_MISSING, course.code, course=course))
                continue
            valid_until = qualifications[course.id]
            if valid_until is not None and valid_until <= horizon:
                findings.append(
                    dated(Code.COURSE_EXPIRED, Code.COURSE_LAPSES, valid_until, course.code, course)
                )

        # Language: the minimum level in any one of the mission's languages.
        if self.languages:
            lack = self._language(trainee.languages)
            if lack:
                findings.append(lack)

        # Clearances valid on the date.
        clearances = trainee.clearances
        for kind in self.kinds:
            held = clearances.get(kind)
            if held is None:
                findings.append(finding(Code.CLEARANCE_MISSING, kind))
                continue
            valid_until = held[1]
            if valid_until is not None and valid_until <= horizon:
                findings.append(
                    dated(Code.CLEARANCE_EXPIRED, Code.CLEARANCE_LAPSES, valid_until, kind)
                )
        if requirements.police_ams:
            lack = self._police_ams(clearances.get(Kind.POLICE_AMS))
            if lack:
                findings.append(lack)
        if self.passport_needed is not None:
            lack = self._passport(clearances.get(Kind.PASSPORT))
            if lack:
                findings.append(lack)

        if not findings:
            return _READY
        for found in findings:
            if found.code not in LAPSING:
                return Readiness(Verdict.NOT_READY, tuple(findings))
        return Readiness(Verdict.READY_EXPIRING, tuple(findings))

    def _language(self, levels: Mapping[str, str]) -> Finding | None:
        best_rank, best_code = -1, None
        for code in self.languages:
            rank = CEFR_ORDER.get(levels.get(code))
            if rank is not None and rank > best_rank:  # ties: the mission's first
                best_rank, best_code = rank, code
        if best_code is None:
            return self.finding(Code.LANGUAGE_MISSING, required=self.minimum_level)
        if best_rank >= self.minimum_rank:
            return None
        return self.finding(
            Code.LANGUAGE_BELOW, best_code, required=self.minimum_level, actual=levels[best_code]
        )

    def _police_ams(self, held: tuple | None) -> Finding | None:
        if held is None:
            return self.finding(Code.CLEARANCE_MISSING, Kind.POLICE_AMS)
        issued_on, valid_until = held
        window_end = months_later(issued_on, AMS_MONTHS)
        until = window_end if valid_until is None else min(valid_until, window_end)
        return self.dated(Code.CLEARANCE_EXPIRED, Code.CLEARANCE_LAPSES, until, Kind.POLICE_AMS)

    def _passport(self, held: tuple | None) -> Finding | None:
        if held is None:
            return self.finding(Code.CLEARANCE_MISSING, Kind.PASSPORT)
        valid_until = held[1]
        if valid_until is None:
            return None
        if valid_until < self.on:
            return self.finding(Code.CLEARANCE_EXPIRED, Kind.PASSPORT, valid_until)
        if valid_until < self.passport_needed:
            return self.finding(
                Code.PASSPORT_TOO_SHORT,
                Kind.PASSPORT,
                valid_until,
                required=str(self.requirements.passport_months),
            )
        if valid_until <= self.horizon:  # only with a requirement of under 3 months
            return self.finding(Code.CLEARANCE_LAPSES, Kind.PASSPORT, valid_until)
        return None


_LANGUAGE_CODES = frozenset({Code.LANGUAGE_MISSING, Code.LANGUAGE_BELOW})
_READY = Readiness(verdict=Verdict.READY, findings=())


def _mission_findings(
    mission: MissionFacts, on: datetime.date, horizon: datetime.date
) -> tuple[Finding, ...]:
    """The mission's own finding, whoever the person: closed, its mandate over or ending."""
    if mission.closed and (mission.closed_on is None or mission.closed_on < on):
        return (Finding(Code.MISSION_CLOSED, subject=mission.acronym, on=mission.closed_on),)
    if mission.mandate_end is not None and mission.mandate_end < on:
        return (Finding(Code.MANDATE_ENDED, subject=mission.acronym, on=mission.mandate_end),)
    last_day = min(
        (d for d in (mission.mandate_end, mission.closed_on) if d is not None), default=None
    )
    if last_day is not None and last_day <= horizon:
        return (Finding(Code.MANDATE_ENDS, subject=mission.acronym, on=last_day),)
    return ()
