"""Two requests at the same moment: the last seat, and one trainee on the same dates twice.

Each thread has its own database connection, so these tests commit for real
(transaction=True) and run against the same database file (SQLite) or server (PostgreSQL).
"""

import datetime
import threading
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from courses.models import Enrolment
from courses.services import enrolment_create, enrolment_create_many
from tests.courses.helpers import a_course, a_session, seated
from tests.trainees.helpers import a_trainee

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4


def at_once(*calls):
    """Run each call in its own thread, all released together; return what each returned or
    raised, in the order of the calls."""
    barrier = threading.Barrier(len(calls), timeout=30)
    outcomes: list = [None] * len(calls)

    def run(n, call):
        try:
            with translation.override("en"):
                barrier.wait()
                outcomes[n] = call()
        except Exception as error:
            outcomes[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a thread is still waiting: a deadlock?"
    return outcomes


def test_two_trainees_asking_for_the_last_seat_at_once_get_one_seat_and_one_place_in_line():
    course = a_course()
    for n in range(ROUNDS):
        session = a_session(
            course=course,
            code=f"UOF-2026-{n:02d}",
            status="open",
            capacity=3,
            start_date=datetime.date(2026, 3, 2) + datetime.timedelta(weeks=n),
            end_date=datetime.date(2026, 3, 6) + datetime.timedelta(weeks=n),
        )
        seated(session, 2, start=n * 10)
        late = [a_trainee(n * 10 + 5), a_trainee(n * 10 + 6)]

        outcomes = at_once(
            *(partial(enrolment_create, session=session, trainee=t, by=None) for t in late)
        )

        assert all(isinstance(o, Enrolment) for o in outcomes), outcomes
        assert sorted(o.status for o in outcomes) == [
            Enrolment.Status.CONFIRMED,
            Enrolment.Status.WAITLISTED,
        ]
        assert session.enrolments.filter(status=Enrolment.Status.CONFIRMED).count() == 3
        assert session.enrolments.filter(status=Enrolment.Status.WAITLISTED).count() == 1


def test_one_trainee_enrolled_into_two_sessions_on_the_same_dates_at_once_gets_one():
    course = a_course()
    for n in range(ROUNDS):
        start = datetime.date(2026, 3, 2) + datetime.timedelta(weeks=n)
        sessions = [
            a_session(
                course=course,
                code=f"UOF-{n}-A",
                status="open",
                start_date=start,
                end_date=start + datetime.timedelta(days=4),
            ),
            a_session(
                course=course,
                code=f"UOF-{n}-B",
                status="open",
                start_date=start + datetime.timedelta(days=4),
                end_date=start + datetime.timedelta(days=6),
            ),
        ]
        trainee = a_trainee(n)

        outcomes = at_once(
            *(partial(enrolment_create, session=s, trainee=trainee, by=None) for s in sessions)
        )

        enrolled = [o for o in outcomes if isinstance(o, Enrolment)]
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert (len(enrolled), len(refused)) == (1, 1), outcomes
        assert "same dates" in refused[0].messages[0]
        assert enrolled[0].session.code in refused[0].messages[0]
        assert Enrolment.objects.filter(trainee=trainee).count() == 1


def test_two_batches_naming_the_same_trainees_in_opposite_orders_do_not_deadlock():
    course = a_course()
    for n in range(ROUNDS):
        start = datetime.date(2026, 3, 2) + datetime.timedelta(weeks=2 * n)
        first = a_session(
            course=course,
            code=f"UOF-{n}-A",
            status="open",
            start_date=start,
            end_date=start + datetime.timedelta(days=2),
        )
        second = a_session(
            course=course,
            code=f"UOF-{n}-B",
            status="open",
            start_date=start + datetime.timedelta(days=7),
            end_date=start + datetime.timedelta(days=9),
        )
        trainees = [a_trainee(n * 10 + k) for k in range(4)]

        outcomes = at_once(
            partial(enrolment_create_many, session=first, trainees=trainees, by=None),
            partial(enrolment_create_many, session=second, trainees=trainees[::-1], by=None),
        )

        assert all(isinstance(o, list) for o in outcomes), outcomes
        assert first.enrolments.count() == second.enrolments.count() == 4
