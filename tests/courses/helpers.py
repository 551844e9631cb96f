"""Courses and sessions for tests, made through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from courses.models import CourseSession
from courses.services import (
    course_create,
    enrolment_create_many,
    session_create,
    session_transition,
)
from tests.trainees.helpers import a_trainee

USE_OF_FORCE_COMPONENTS = [
    {
        "name_es": "Examen escrito",
        "name_en": "Written exam",
        "weight": Decimal(40),
        "max_score": Decimal(100),
        "pass_mark": Decimal(60),
        "critical": False,
    },
    {
        "name_es": "Escenario práctico",
        "name_en": "Practical scenario",
        "weight": Decimal(60),
        "max_score": Decimal(100),
        "pass_mark": Decimal(70),
        "critical": True,
    },
]


def a_course(code: str = "UOF", **overrides):
    fields = {
        "code": code,
        "title_es": "Uso de la fuerza",
        "title_en": "Use of force",
        "category": "use_of_force",
        "hours": 40,
        "pass_mark": Decimal(70),
        "min_attendance_percent": 90,
        "validity_months": 24,
        "components": USE_OF_FORCE_COMPONENTS,
    }
    fields.update(overrides)
    return course_create(**fields)


def a_session(course=None, code: str = "UOF-2026-01", *, status: str = "planned", **overrides):
    """A session of ``course`` (a new Use of Force course if None), moved to ``status`` through
    the allowed transitions."""
    course = course or a_course()
    fields = {
        "code": code,
        "course": course,
        "start_date": datetime.date(2026, 3, 2),  # a Monday
        "end_date": datetime.date(2026, 3, 6),  # the Friday: five days
        "venue": "CECOPAM, Campo Militar 1-A",
        "capacity": 20,
        "language": "es",
    }
    fields.update(overrides)
    session = session_create(**fields)
    path = ["open", "in_progress"]
    if status in path:
        for step in path[: path.index(status) + 1]:
            session = session_transition(session=session, to=step)
    elif status == "cancelled":
        session = session_transition(session=session, to="cancelled")
    return session


def seated(session: CourseSession, count: int, *, by=None, start: int = 0, override_reason=""):
    """``count`` new trainees enrolled in ``session`` (confirmed if it is open)."""
    trainees = [a_trainee(n) for n in range(start, start + count)]
    return enrolment_create_many(
        session=session, trainees=trainees, by=by, override_reason=override_reason
    )


def ready_to_finalise(
    code: str, passers: int, *, by, failing: int = 0, course=None, start: int = 0
):
    """A session in progress of ``passers + failing`` trainees, present every day, full marks
    for the first ``passers`` and zero for the rest. Returns the session and its enrolments."""
    from courses.services import attendance_save, gradebook_save

    count = passers + failing
    session = a_session(course, code, status="open", capacity=max(count, 1))
    enrolments = seated(session, count, start=start)
    session = session_transition(session=session, to="in_progress")
    marks = {(e.pk, day): "present" for e in enrolments for day in session.days}
    attendance_save(session=session, by=by, marks=marks)
    components = list(session.course.components.all())
    scores = {
        (e.pk, c.pk): c.max_score if i < passers else Decimal(0)
        for i, e in enumerate(enrolments)
        for c in components
    }
    session = gradebook_save(
        session=session, by=by, version=session.gradebook_version, scores=scores
    )
    return session, enrolments


def finalised(code: str, passers: int, *, by, failing: int = 0, course=None, start: int = 0):
    """``ready_to_finalise``, with its results finalised by ``by``: each passer holds a
    pending certificate. Returns the session and its enrolments."""
    from courses.services import session_finalise

    session, enrolments = ready_to_finalise(
        code, passers, by=by, failing=failing, course=course, start=start
    )
    return session_finalise(session=session, by=by), enrolments
