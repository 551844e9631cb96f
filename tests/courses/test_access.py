"""Writes to a session by someone who may not make them: refused on the server, nothing
changed. (tests/test_access_matrix.py covers every page's GET.)"""

import pytest
from django.urls import reverse

from courses.models import Attendance, CourseSession, Enrolment, Score
from courses.services import enrolment_create, session_transition
from tests.courses.helpers import a_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(instructor, trainee_user, administrator):
    """Instructor A's session in progress, with the trainee in it."""
    session = a_session(status="open", instructors=[instructor])
    enrolment_create(session=session, trainee=trainee_user.trainee, by=administrator)
    return session_transition(session=session, to="in_progress")


def writes(session):
    enrolment = session.enrolments.get()
    component = session.course.components.first()
    day = session.days[0]
    return [
        ("courses:session-transition", session.pk, {"to": "cancelled"}),
        (
            "courses:session-attendance",
            session.pk,
            {f"att-{enrolment.pk}-{day.isoformat()}": "present"},
        ),
        (
            "courses:session-gradebook",
            session.pk,
            {"version": "0", f"score-{enrolment.pk}-{component.pk}": "90"},
        ),
        ("courses:session-finalise", session.pk, {}),
        ("courses:session-reopen", session.pk, {"reason": "x"}),
        ("courses:session-edit", session.pk, {"capacity": "1"}),
        ("courses:enrolment-withdraw", enrolment.pk, {}),
    ]


def state(session):
    session = CourseSession.objects.get(pk=session.pk)
    return (
        session.status,
        session.capacity,
        session.gradebook_version,
        list(Enrolment.objects.values_list("status", flat=True)),
        Attendance.objects.count(),
        Score.objects.count(),
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [("other_instructor", 404), ("trainee_user", 403), ("other_trainee_user", 403)],
)
def test_another_instructor_or_a_trainee_cannot_write_to_the_session(
    client, request, session, who, expected
):
    client.force_login(request.getfixturevalue(who))
    before = state(session)
    for name, pk, data in writes(session):
        response = client.post(reverse(name, args=[pk]), data)
        allowed = {expected, 403}  # instructors may not edit, reopen or withdraw at all
        assert response.status_code in allowed, (name, response.status_code)
        if name in (
            "courses:session-transition",
            "courses:session-attendance",
            "courses:session-gradebook",
            "courses:session-finalise",
        ):
            assert response.status_code == expected, (name, response.status_code)
    assert state(session) == before


def test_the_sessions_instructor_may_not_cancel_edit_reopen_or_withdraw(
    client, instructor, session
):
    client.force_login(instructor)
    before = state(session)
    for name, pk, data in writes(session):
        if name in (
            "courses:session-attendance",
            "courses:session-gradebook",
            "courses:session-finalise",
        ):
            continue
        response = client.post(reverse(name, args=[pk]), data)
        assert response.status_code in (400, 403), (name, response.status_code)
    assert state(session) == before
