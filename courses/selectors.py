"""Every read of the courses app that a view or a service needs, with the access checks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cecopam.roles import Role, user_role
from courses.models import (
    AssessmentComponent,
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    Score,
)
from courses.results import ComponentRule, weighted_total
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


def session_list_for_user(*, user, status: str | None = None) -> QuerySet[CourseSession]:
    """Sessions an administrator (all) or an instructor (their own) may see."""
    role = user_role(user)
    sessions = _sessions().prefetch_related("instructors")
    if role is Role.INSTRUCTOR:
        sessions = sessions.filter(instructors=user)
    elif role is not Role.ADMINISTRATOR:
        raise PermissionDenied
    if status:
        sessions = sessions.filter(status=status)
    return sessions.order_by("start_date", "code")


def session_get_for_user(*, user, pk: int) -> CourseSession:
    """The session ``pk`` if ``user`` administers or teaches it; 404 for an instructor's
    look at another's session (they must not learn what others teach), 403 for other roles."""
    role = user_role(user)
    if role not in (Role.ADMINISTRATOR, Role.INSTRUCTOR):
        raise PermissionDenied
    sessions = _sessions().prefetch_related(
        "instructors",
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


def today() -> datetime.date:
    return timezone.localdate()
