"""Every read of the courses app that a view or a service needs, with the access checks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.http import Http404

from cecopam.roles import Role, access_require_role, user_role
from courses.models import (
    AssessmentComponent,
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    Score,
)
from courses.results import ComponentRule, Result, result_compute, weighted_total
from trainees.models import Trainee


# ------------------------------------------------------------------ catalogue
def course_list() -> QuerySet[Course]:
    return (
        Course.objects.annotate(
            component_count=Count("components", distinct=True),
            session_count=Count("sessions", distinct=True),
        )
        .prefetch_related("prerequisites")
        .order_by("code")
    )


def course_get(*, pk: int) -> Course:
    course = (
        Course.objects.prefetch_related(
            "prerequisites",
            Prefetch("components", queryset=AssessmentComponent.objects.order_by("order", "pk")),
        )
        .filter(pk=pk)
        .first()
    )
    if course is None:
        raise Http404
    return course


def prerequisites_missing(
    *, trainee: Trainee, course: Course, on: datetime.date | None = None
) -> list[Course]:
    """The prerequisite courses of ``course`` that ``trainee`` has not passed."""
    required = list(course.prerequisites.all())
    if not required:
        return []
    passed = set(
        Enrolment.objects.filter(
            trainee=trainee,
            status=Enrolment.Status.PASSED,
            session__course__in=required,
        ).values_list("session__course_id", flat=True)
    )
    return [c for c in required if c.pk not in passed]


def nomination_candidates(
    *, session: CourseSession, trainees: QuerySet[Trainee]
) -> QuerySet[Trainee]:
    """Trainees to nominate to ``session``, each with their current enrolment status in it (or
    None) and whether they lack a prerequisite course; a fixed number of queries per page."""
    required = list(session.course.prerequisites.values_list("pk", flat=True))
    current = Enrolment.objects.filter(session=session, trainee=OuterRef("pk"))
    trainees = trainees.select_related("institution").annotate(
        enrolment_status=Subquery(current.values("status")[:1])
    )
    if not required:
        return trainees.annotate(lacks_prerequisites=Value(False))
    passed = (
        Enrolment.objects.filter(
            trainee=OuterRef("pk"),
            status=Enrolment.Status.PASSED,
            session__course__in=required,
        )
        .order_by()
        .values("trainee")
        .annotate(courses=Count("session__course", distinct=True))
        .values("courses")
    )
    return trainees.annotate(
        lacks_prerequisites=LessThan(Coalesce(Subquery(passed), 0), len(required))
    )


def enrolment_get_for_user(*, user, pk: int) -> Enrolment:
    """An enrolment, for an administrator (403 for everyone else)."""
    access_require_role(user, Role.ADMINISTRATOR)
    enrolment = Enrolment.objects.select_related("session", "trainee").filter(pk=pk).first()
    if enrolment is None:
        raise Http404
    return enrolment


# ------------------------------------------------------------------ sessions
def _sessions() -> QuerySet[CourseSession]:
    return CourseSession.objects.select_related("course").annotate(
        seats_taken=Count(
            "enrolments",
            filter=Q(
                enrolments__status__in=(
                    Enrolment.Status.CONFIRMED,
                    Enrolment.Status.PASSED,
                    Enrolment.Status.FAILED,
                )
            ),
            distinct=True,
        ),
        waitlisted=Count(
            "enrolments",
            filter=Q(enrolments__status=Enrolment.Status.WAITLISTED),
            distinct=True,
        ),
    )


def session_list_for_user(
    *,
    user,
    status: str | None = None,
    course: Course | None = None,
    include_cancelled: bool = True,
) -> QuerySet[CourseSession]:
    """Sessions an administrator (all) or an instructor (their own) may see, of one status or
    one course if given."""
    role = user_role(user)
    sessions = _sessions().prefetch_related("instructors")
    if role is Role.INSTRUCTOR:
        sessions = sessions.filter(instructors=user)
    elif role is not Role.ADMINISTRATOR:
        raise PermissionDenied
    if status:
        sessions = sessions.filter(status=status)
    if course is not None:
        sessions = sessions.filter(course=course)
    if not include_cancelled:
        sessions = sessions.exclude(status=CourseSession.Status.CANCELLED)
    return sessions.order_by("start_date", "code")


def session_get_for_user(*, user, pk: int) -> CourseSession:
    """The session ``pk`` if ``user`` administers or teaches it; 404 for an instructor's
    look at another's session (they must not learn what others teach), 403 for other roles."""
    role = user_role(user)
    if role not in (Role.ADMINISTRATOR, Role.INSTRUCTOR):
        raise PermissionDenied
    sessions = _sessions().prefetch_related(
        "instructors",
        "course__prerequisites",
        Prefetch(
            "course__components", queryset=AssessmentComponent.objects.order_by("order", "pk")
        ),
    )
    if role is Role.INSTRUCTOR:
        sessions = sessions.filter(instructors=user)
    session = sessions.filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def session_enrolments(*, session: CourseSession) -> QuerySet[Enrolment]:
    """Everyone enrolled, seated first, then the waitlist in order, then the rest."""
    return session.enrolments.select_related(
        "trainee__institution", "nominated_by", "prerequisite_override_by"
    ).order_by("status", "requested_at", "pk")


def sessions_in_month(*, user, year: int, month: int) -> QuerySet[CourseSession]:
    first = datetime.date(year, month, 1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return session_list_for_user(user=user).filter(start_date__lte=last, end_date__gte=first)


# ------------------------------------------------------------------ grids
@dataclass
class GridRow:
    enrolment: Enrolment
    cells: list = field(default_factory=list)
    total: Decimal | None = None
    passed: bool | None = None
    failed_critical: bool = False


def attendance_grid(*, session: CourseSession) -> list[GridRow]:
    """Each seated trainee with their mark for each day of the session (None: not taken)."""
    enrolments = list(_seated_or_resulted(session))
    marks = {
        (a.enrolment_id, a.day): a.status
        for a in Attendance.objects.filter(enrolment__in=enrolments)
    }
    return [GridRow(e, [marks.get((e.pk, day)) for day in session.days]) for e in enrolments]


def gradebook_grid(*, session: CourseSession) -> list[GridRow]:
    """Each seated trainee with their score for each component, the weighted total so far,
    and whether that passes (critical components included; attendance is left to the
    results)."""
    components = list(session.course.components.all())
    rules = [
        ComponentRule(c.pk, c.weight, c.max_score, c.pass_mark, c.critical) for c in components
    ]
    enrolments = list(_seated_or_resulted(session))
    values = {
        (s.enrolment_id, s.component_id): s.value
        for s in Score.objects.filter(enrolment__in=enrolments)
    }
    rows = []
    for e in enrolments:
        scores = {
            c.pk: values[(e.pk, c.pk)] for c in components if values.get((e.pk, c.pk)) is not None
        }
        row = GridRow(e, [values.get((e.pk, c.pk)) for c in components])
        if len(scores) == len(components):
            row.total = weighted_total(rules, scores)
            row.failed_critical = any(r.critical and scores[r.id] < r.pass_mark for r in rules)
            row.passed = row.total >= session.course.pass_mark and not row.failed_critical
        rows.append(row)
    return rows


def _seated_or_resulted(session: CourseSession) -> QuerySet[Enrolment]:
    return (
        session.enrolments.filter(
            status__in=(
                Enrolment.Status.CONFIRMED,
                Enrolment.Status.PASSED,
                Enrolment.Status.FAILED,
            )
        )
        .select_related("trainee")
        .order_by("trainee__first_surname", "trainee__second_surname", "trainee__given_names", "pk")
    )


# ------------------------------------------------------------------ a trainee's training
def training_history(*, trainee: Trainee) -> QuerySet[Enrolment]:
    """A trainee's sessions, latest first: dates, status, result and total."""
    return trainee.enrolments.select_related("session__course").order_by(
        "-session__start_date", "-pk"
    )


# ---- results preview


@dataclass
class ResultPreview:
    """A seated trainee's result as finalising computes it: from the scores and attendance
    recorded so far, with the scores still missing and the critical components failed."""

    enrolment: Enrolment
    result: Result
    days_present: int
    missing: list[AssessmentComponent]
    failed_critical: list[AssessmentComponent]

    @property
    def complete(self) -> bool:
        return not self.missing


def results_preview(*, session: CourseSession) -> list[ResultPreview]:
    """Each trainee with a seat (or, once final, a result) and the result the course's rules
    give them, by courses.results.result_compute. Two queries whatever the number of
    trainees, given a session from session_get_for_user (its components prefetched)."""
    course = session.course
    components = list(course.components.all())
    rules = [
        ComponentRule(c.pk, c.weight, c.max_score, c.pass_mark, c.critical) for c in components
    ]
    enrolments = list(
        _seated_or_resulted(session).annotate(
            # Only the session's days count, should a mark be left on a day it no longer has.
            days_present=Count(
                "attendance",
                filter=Q(
                    attendance__status=Attendance.Status.PRESENT,
                    attendance__day__in=session.days,
                ),
            )
        )
    )
    values: dict[int, dict[int, Decimal]] = {e.pk: {} for e in enrolments}
    recorded = Score.objects.filter(enrolment__in=enrolments, value__isnull=False).values_list(
        "enrolment_id", "component_id", "value"
    )
    for enrolment_id, component_id, value in recorded:
        values[enrolment_id][component_id] = value
    days_total = len(session.days)
    previews = []
    for enrolment in enrolments:
        scores = values[enrolment.pk]
        result = result_compute(
            pass_mark=course.pass_mark,
            min_attendance_percent=course.min_attendance_percent,
            components=rules,
            scores=scores,
            days_present=enrolment.days_present,
            days_total=days_total,
        )
        previews.append(
            ResultPreview(
                enrolment=enrolment,
                result=result,
                days_present=enrolment.days_present,
                missing=[c for c in components if c.pk not in scores],
                failed_critical=[c for c in components if c.pk in result.failed_critical],
            )
        )
    return previews


@dataclass
class ResultsAudit:
    """Who finalised a session's results and when, who last saved its gradebook, and every
    reopening of its results (latest first)."""

    finalised_at: datetime.datetime | None
    finalised_by: object | None
    gradebook_saved_at: datetime.datetime | None
    gradebook_saved_by: object | None
    reopenings: list = field(default_factory=list)


def results_audit(*, session: CourseSession) -> ResultsAudit:
    """Two queries: the session's finaliser and last gradebook saver, then the reopenings."""
    current = (
        CourseSession.objects.select_related("results_finalised_by", "gradebook_saved_by")
        .only(
            "results_finalised_at",
            "results_finalised_by",
            "gradebook_saved_at",
            "gradebook_saved_by",
        )
        .get(pk=session.pk)
    )
    return ResultsAudit(
        finalised_at=current.results_finalised_at,
        finalised_by=current.results_finalised_by,
        gradebook_saved_at=current.gradebook_saved_at,
        gradebook_saved_by=current.gradebook_saved_by,
        reopenings=list(
            session.reopenings.select_related("reopened_by").order_by("-created_at", "-pk")
        ),
    )
