"""Readiness in bulk: the facts of many trainees gathered in a fixed number of queries, then
judged one by one by the pure engine (``readiness.engine``).

Whatever the number of trainees, ``readiness_rows`` runs four queries (the trainees, their
languages, their clearances, their certificates) after the profile's required courses: the
board, the report command, a trainee's own page and the benchmark all go through it, so they
agree.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from redis.exceptions import RedisError

from cecopam.dates import months_later
from courses.models import Certificate
from readiness.engine import (
    AMS_MONTHS,
    MissionFacts,
    ProfileRequirements,
    Readiness,
    ReadinessEvaluator,
    TraineeFacts,
    Verdict,
    readiness_evaluate,
    requirement_choices,
)
from readiness.models import DeploymentProfile, Mission
from trainees.models import Clearance, LanguageSkill, Trainee

log = logging.getLogger(__name__)

# A certificate counts while it stands: pending and rendering ones are passes whose PDF is
# still being printed, a failed render is still a pass. Revoked and superseded ones do not.
QUALIFYING_CERTIFICATES = (
    Certificate.Status.PENDING,
    Certificate.Status.RENDERING,
    Certificate.Status.ISSUED,
    Certificate.Status.FAILED,
)
NEVER = datetime.date.max  # sorts a "never expires" above every date

_TRAINEE_FIELDS = (
    "pk",
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "nationality",
    "institution_id",
    "institution__name",
    "rank",
    "rank_category",
    "un_category",
    "date_of_birth",
    "service_start_date",
)


@dataclass(frozen=True, slots=True)
class ReadinessRow:
    """One trainee's verdict, with what the board shows and groups by."""

    trainee_id: int
    name: str
    sex: str
    nationality: str  # ISO 3166 code
    institution_id: int
    institution: str
    rank: str
    un_category: str
    readiness: Readiness

    @property
    def verdict(self) -> Verdict:
        return self.readiness.verdict

    @property
    def lacking(self) -> frozenset[str]:
        """The requirements that keep this person from being ready."""
        return frozenset(f.requirement for f in self.readiness.blocking)


def deployment_pool(profile: DeploymentProfile) -> QuerySet[Trainee]:
    """The trainees a profile is for: those of its role's UN personnel category, or of one of
    the categories it allows."""
    categories = {profile.role, *profile.allowed_un_categories}
    return Trainee.objects.filter(un_category__in=categories)


def readiness_rows(
    *,
    trainees: QuerySet[Trainee],
    requirements: ProfileRequirements,
    mission: MissionFacts,
    on: datetime.date,
) -> Iterator[ReadinessRow]:
    """The verdict of each of ``trainees`` (in their order), in four queries."""
    evaluate = ReadinessEvaluator(requirements=requirements, mission=mission, on=on)
    facts = trainee_facts(
        trainees=trainees,
        on=on,
        languages=mission.languages if requirements.min_language_level else (),
        kinds=evaluate.clearance_kinds,
        course_ids=[course.id for course in requirements.required_courses],
    )
    for values, person in _trainees(trainees, facts):
        yield _row(values, evaluate(person))


def _trainees(trainees: QuerySet[Trainee], facts: _Facts) -> Iterator[tuple[tuple, TraineeFacts]]:
    """Each trainee's values (one query) and the engine's facts about them."""
    for values in trainees.values_list(*_TRAINEE_FIELDS):
        pk, *_, rank_category, un_category, born, service_start = values
        languages, clearances, qualifications = facts.of(pk)
        yield (
            values,
            TraineeFacts(
                date_of_birth=born,
                service_start_date=service_start,
                rank_category=rank_category,
                un_category=un_category,
                languages=languages,
                clearances=clearances,
                qualifications=qualifications,
            ),
        )


def _row(values: tuple, readiness: Readiness) -> ReadinessRow:
    (pk, given, first, second, sex, nationality, institution_id, institution, rank, _,
     un_category, *_) = values  # fmt: skip
    return ReadinessRow(
        trainee_id=pk,
        name=f"{first} {second}, {given}" if second else f"{first}, {given}",
        sex=sex,
        nationality=nationality,
        institution_id=institution_id,
        institution=institution,
        rank=rank,
        un_category=un_category,
        readiness=readiness,
    )


_NOTHING: Mapping = MappingProxyType({})


@dataclass
class _Facts:
    """The facts read for many trainees, handed out one trainee at a time.

    Clearances are kept in one dict a kind, keyed by trainee, not in a dict a trainee: a dict
    that holds tuples stays tracked by the garbage collector until a full collection, and a
    hundred thousand of them set off full collections that took over a second of the eight
    the board took for 100,000 people. Each trainee's own dict is built when they are judged,
    and dropped after."""

    languages: dict[int, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    # kind -> trainee id -> (issued_on, valid_until)
    clearances: dict[str, dict[int, tuple]] = field(default_factory=lambda: defaultdict(dict))
    qualifications: dict[int, dict[int, datetime.date | None]] = field(
        default_factory=lambda: defaultdict(dict)
    )

    # One call for all the rows, not one a row: the board passes hundreds of thousands.
    def keep_best_clearances(self, rows: Iterable[tuple]) -> None:
        """(trainee id, kind, issued on, valid until) of granted clearances issued on or
        before the date: keep each trainee's best of each kind."""
        best = self.clearances
        for trainee_id, kind, issued_on, valid_until in rows:
            held_by = best[kind]
            held = held_by.get(trainee_id)
            if held is None or _lasts(kind, issued_on, valid_until) > _lasts(kind, *held):
                held_by[trainee_id] = (issued_on, valid_until)

    def keep_best_certificates(self, rows: Iterable[tuple]) -> None:
        """(trainee id, course id, valid until) of standing certificates issued on or before
        the date: keep each trainee's longest-lasting one of each course."""
        qualifications = self.qualifications
        for trainee_id, course_id, valid_until in rows:
            held = qualifications[trainee_id]
            if course_id not in held or (valid_until or NEVER) > (held[course_id] or NEVER):
                held[course_id] = valid_until

    def of(self, pk: int):
        clearances = {}
        for kind, held_by in self.clearances.items():
            held = held_by.get(pk)
            if held is not None:
                clearances[kind] = held
        return (
            self.languages.get(pk, _NOTHING),
            clearances,
            self.qualifications.get(pk, _NOTHING),
        )


def trainee_facts(
    *,
    trainees: QuerySet[Trainee],
    on: datetime.date,
    languages: Iterable[str] | None,
    kinds: Iterable[str] | None,
    course_ids: Iterable[int] | None,
) -> _Facts:
    """What the engine compares, for every trainee of the queryset, in at most three queries:
    their levels in these languages, their best granted clearance of each of these kinds, and
    their best standing certificate of each of these courses, as they stood on the date.
    ``None`` asks for all of a sort; an empty list for none (no query)."""
    facts = _Facts()
    pool = trainees.order_by().values("pk")

    if languages is None or languages:
        skills = LanguageSkill.objects.filter(trainee__in=pool)
        if languages is not None:
            skills = skills.filter(language__in=list(languages))
        for trainee_id, language, level in skills.values_list("trainee_id", "language", "level"):
            facts.languages[trainee_id][language] = level

    if kinds is None or kinds:
        clearances = Clearance.objects.filter(
            trainee__in=pool, status=Clearance.Status.GRANTED, issued_on__lte=on
        )
        if kinds is not None:
            clearances = clearances.filter(kind__in=list(kinds))
        facts.keep_best_clearances(
            clearances.values_list("trainee_id", "kind", "issued_on", "valid_until")
        )

    if course_ids is None or course_ids:
        certificates = Certificate.objects.filter(
            enrolment__trainee__in=pool,
            status__in=QUALIFYING_CERTIFICATES,
            issued_on__lte=on,
        )
        if course_ids is not None:
            certificates = certificates.filter(enrolment__session__course_id__in=list(course_ids))
        facts.keep_best_certificates(
            certificates.values_list(
                "enrolment__trainee_id", "enrolment__session__course_id", "valid_until"
            )
        )
    return facts


def _lasts(kind: str, issued_on: datetime.date, valid_until: datetime.date | None):
    """How long a clearance lasts, to keep the best of several of a kind."""
    until = valid_until or NEVER
    if kind == Clearance.Kind.POLICE_AMS:
        until = min(until, months_later(issued_on, AMS_MONTHS))
    return (until, issued_on)


# ------------------------------------------------------------------ the board


@dataclass
class Board:
    """The readiness board for one mission, profile and date: the counts over the whole
    pool, broken down, and the rows the filters keep."""

    mission: Mission
    profile: DeploymentProfile
    on: datetime.date
    counts: Counter
    by_nationality: dict[str, Counter]
    by_institution: dict[str, Counter]
    by_sex: dict[str, Counter]
    requirements: list[tuple[str, str]]
    rows: list[ReadinessRow]
    lacking: Counter  # requirement -> how many not-ready people lack it
    # requirement -> how many not-ready people lack it and nothing else
    lacking_only: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def readiness_board(
    *,
    mission: Mission,
    profile: DeploymentProfile,
    on: datetime.date,
    verdict: str | None = None,
    lacks: str | None = None,
    only: bool = False,
    search: str = "",
) -> Board:
    """Evaluate the profile's pool for the mission on the date; count every verdict, by
    nationality, institution and sex; keep the rows with this verdict and lacking this
    requirement (``only``: lacking nothing else). A fixed number of queries."""
    requirements = profile.requirements()  # one query: its courses
    facts = mission.facts()
    pool = deployment_pool(profile)
    counts: Counter = Counter()
    by_nationality: dict[str, Counter] = defaultdict(Counter)
    by_institution: dict[str, Counter] = defaultdict(Counter)
    by_sex: dict[str, Counter] = defaultdict(Counter)
    lacking: Counter = Counter()
    lacking_only: Counter = Counter()
    rows = []
    for row in readiness_rows(trainees=pool, requirements=requirements, mission=facts, on=on):
        counts[row.verdict] += 1
        by_nationality[row.nationality][row.verdict] += 1
        by_institution[row.institution][row.verdict] += 1
        by_sex[row.sex][row.verdict] += 1
        lacking.update(row.lacking)
        if len(row.lacking) == 1:
            lacking_only.update(row.lacking)
        if _kept(row, verdict=verdict, lacks=lacks, only=only, search=search):
            rows.append(row)
    return Board(
        mission=mission,
        profile=profile,
        on=on,
        counts=counts,
        by_nationality=dict(by_nationality),
        by_institution=dict(by_institution),
        by_sex=dict(by_sex),
        requirements=requirement_choices(requirements, facts),
        rows=rows,
        lacking=lacking,
        lacking_only=lacking_only,
    )


def _kept(row: ReadinessRow, *, verdict, lacks, only, search) -> bool:
    if verdict and row.verdict != verdict:
        return False
    if lacks:
        if only and row.lacking != {lacks}:
            return False
        if not only and lacks not in row.lacking:
            return False
    return not search or search.casefold() in row.name.casefold()


def readiness_of_trainee(
    *, trainee: Trainee, on: datetime.date
) -> list[tuple[DeploymentProfile, Mission, Readiness]]:
    """The trainee's verdict for each active profile of their UN personnel category, for its
    own mission or else for each active mission. Reads the trainee's clearances and languages
    from the instance (prefetch them, as the record page and the portal do), their certificates
    in one query, and the profiles and missions from ``active_reference``."""
    reference = [
        entry
        for entry in active_reference()
        if trainee.un_category in {entry.profile.role, *entry.profile.allowed_un_categories}
    ]
    if not reference:
        return []
    person = _facts_of_one(trainee, on)
    return [
        (
            entry.profile,
            mission,
            readiness_evaluate(
                trainee=person, requirements=entry.requirements, mission=mission.facts(), on=on
            ),
        )
        for entry in reference
        for mission in entry.missions
    ]


def _facts_of_one(trainee: Trainee, on: datetime.date) -> TraineeFacts:
    """The engine's facts about one trainee, as ``trainee_facts`` gathers them for many."""
    facts = _Facts()
    for skill in trainee.languages.all():
        facts.languages[trainee.pk][skill.language] = skill.level
    facts.keep_best_clearances(
        (trainee.pk, clearance.kind, clearance.issued_on, clearance.valid_until)
        for clearance in trainee.clearances.all()
        if clearance.status == Clearance.Status.GRANTED and clearance.issued_on <= on
    )
    facts.keep_best_certificates(
        Certificate.objects.filter(
            enrolment__trainee=trainee, status__in=QUALIFYING_CERTIFICATES, issued_on__lte=on
        ).values_list("enrolment__trainee_id", "enrolment__session__course_id", "valid_until")
    )
    languages, clearances, qualifications = facts.of(trainee.pk)
    return TraineeFacts(
        date_of_birth=trainee.date_of_birth,
        service_start_date=trainee.service_start_date,
        rank_category=trainee.rank_category,
        un_category=trainee.un_category,
        languages=languages,
        clearances=clearances,
        qualifications=qualifications,
    )


@dataclass(frozen=True)
class ReferenceEntry:
    """An active profile, what it requires, and the missions it is judged for: its own
    mission, or else every active one."""

    profile: DeploymentProfile
    requirements: ProfileRequirements
    missions: tuple[Mission, ...]


REFERENCE_CACHE_KEY = "readiness:active-reference"
REFERENCE_CACHE_SECONDS = 300


def active_reference() -> list[ReferenceEntry]:
    """Every active profile with its requirements and missions: three queries, then kept in
    the cache until a mission, a profile or a course is saved or deleted (``reference_changed``)
    or five minutes have passed. Every trainee's page and portal reads it."""
    try:
        found = cache.get(REFERENCE_CACHE_KEY)
    except RedisError:  # no cache: read the rows, as on a miss
        log.warning("The readiness reference is read without the cache: Redis does not answer.")
        found, cache_up = None, False
    else:
        cache_up = True
    if found is None:
        missions = tuple(Mission.objects.filter(status=Mission.Status.ACTIVE))
        found = [
            ReferenceEntry(
                profile=profile,
                requirements=profile.requirements(),
                missions=(profile.mission,) if profile.mission else missions,
            )
            for profile in DeploymentProfile.objects.filter(active=True)
            .select_related("mission")
            .prefetch_related("required_courses")
        ]
        if cache_up:
            _cache_call(cache.set, REFERENCE_CACHE_KEY, found, REFERENCE_CACHE_SECONDS)
    return found


def reference_changed(**kwargs) -> None:
    """Signal receiver (``ReadinessConfig.ready``): forget ``active_reference`` now, for the
    rest of this transaction, and again once it commits, in case another request read the
    old rows meanwhile and put them back. A Redis that does not answer holds nothing to forget
    (``make run``'s seeding, before its Redis starts, saves missions and profiles)."""
    _cache_call(cache.delete, REFERENCE_CACHE_KEY)
    transaction.on_commit(lambda: _cache_call(cache.delete, REFERENCE_CACHE_KEY))


def _cache_call(method, *args) -> None:
    try:
        method(*args)
    except RedisError:
        log.debug("Cache call skipped: Redis does not answer.")
