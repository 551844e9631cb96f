"""The session pages: the list and calendar, one session with its enrolments, the session
form and the status moves; each role sees and does only what it may."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import CourseSession, Enrolment
from courses.services import enrolment_create, enrolment_withdraw
from tests.courses.helpers import a_course, a_session, seated
from tests.factories import make_user
from tests.trainees.helpers import a_trainee

pytestmark = pytest.mark.django_db


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def sessions(instructor, other_instructor, administrator):
    """Three sessions of one course: the instructor teaches two, the other instructor one."""
    course = a_course()
    mine = a_session(course, "UOF-2026-01", status="open", instructors=[instructor])
    seated(mine, 3, by=administrator)
    planned = a_session(
        course,
        "UOF-2026-02",
        start_date=datetime.date(2026, 3, 16),
        end_date=datetime.date(2026, 3, 20),
        instructors=[instructor, other_instructor],
    )
    theirs = a_session(
        course,
        "UOF-2026-03",
        status="in_progress",
        start_date=datetime.date(2026, 4, 6),
        end_date=datetime.date(2026, 4, 10),
        instructors=[other_instructor],
    )
    return {"mine": mine, "planned": planned, "theirs": theirs}


# ------------------------------------------------------------------ the list
def test_administrator_sees_every_session_with_seats_and_waitlist(client, administrator, sessions):
    session = a_session(a_course("DIH"), "DIH-2026-01", status="open", capacity=2)
    seated(session, 3, by=administrator, start=10)
    client.force_login(administrator)
    response = in_english(client).get(reverse("courses:session-list"))
    assert response.status_code == 200
    for code in ("UOF-2026-01", "UOF-2026-02", "UOF-2026-03", "DIH-2026-01"):
        assert code in response.text
    row = response.text.split("DIH-2026-01</a>", 1)[1].split("</tr>", 1)[0]
    assert "2 of 2" in row and ">1</td>" in row  # 2 seats taken of 2, 1 waiting
    assert "Open for enrolment" in row
    mine = response.text.split("UOF-2026-01</a>", 1)[1].split("</tr>", 1)[0]
    assert sessions["mine"].instructors.get().get_full_name() in mine


def test_the_list_answers_in_spanish(client, administrator, sessions):
    client.force_login(administrator)
    response = client.get(reverse("courses:session-list"))
    assert response.status_code == 200
    assert '<html lang="es-mx">' in response.text and "Uso de la fuerza" in response.text


def test_instructor_sees_only_their_sessions(client, instructor, sessions):
    client.force_login(instructor)
    text = client.get(reverse("courses:session-list")).text
    assert "UOF-2026-01" in text and "UOF-2026-02" in text
    assert "UOF-2026-03" not in text


def test_the_status_tab_filters_and_an_unknown_status_is_ignored(client, administrator, sessions):
    client.force_login(administrator)
    url = reverse("courses:session-list")
    text = client.get(url, {"status": "in_progress"}).text
    assert "UOF-2026-03" in text and "UOF-2026-01" not in text and "UOF-2026-02" not in text
    assert 'aria-current="page"\n             href="/courses/sessions/?status=in_progress"' in text
    response = client.get(url, {"status": "nonsense"})
    assert response.status_code == 200
    assert all(code in response.text for code in ("UOF-2026-01", "UOF-2026-02", "UOF-2026-03"))


def test_trainees_cannot_see_sessions(client, trainee_user, sessions):
    client.force_login(trainee_user)
    for name in ("session-list", "session-calendar", "session-create"):
        assert client.get(reverse(f"courses:{name}")).status_code == 403
    pk = sessions["mine"].pk
    for name in ("session-detail", "session-edit"):
        assert client.get(reverse(f"courses:{name}", args=[pk])).status_code == 403
    response = client.post(reverse("courses:session-transition", args=[pk]), {"to": "cancelled"})
    assert response.status_code == 403
    assert CourseSession.objects.get(pk=pk).status == "open"


@pytest.mark.parametrize("fixture", ["administrator", "instructor"])
def test_the_list_runs_as_many_queries_for_30_sessions_as_for_3(
    client, request, fixture, other_instructor
):
    user = request.getfixturevalue(fixture)
    instructor = user if fixture == "instructor" else other_instructor
    client.force_login(user)
    url = reverse("courses:session-list")
    course = a_course()

    def add(n):
        session = a_session(
            course, f"UOF-{n:03d}", status="open", instructors=[instructor, other_instructor]
        )
        seated(session, 2, by=None, start=n * 2)

    for n in range(3):
        add(n)
    few = queries_for(client, url)
    for n in range(3, 30):
        add(n)
    assert queries_for(client, url) == few


# ------------------------------------------------------------------ the calendar
def test_the_calendar_shows_a_month_from_monday_with_the_sessions_on_their_days(
    client, administrator, sessions
):
    client.force_login(administrator)
    response = in_english(client).get(reverse("courses:session-calendar"), {"month": "2026-03"})
    assert response.status_code == 200
    assert "Sessions in March 2026" in response.text
    weeks = response.context["weeks"]
    assert weeks[0][0].date == datetime.date(2026, 2, 23)  # the Monday before 1 March
    assert all(len(week) == 7 for week in weeks) and weeks[-1][-1].date.weekday() == 6
    days = {day.date: [s.code for s in day.sessions] for week in weeks for day in week}
    assert days[datetime.date(2026, 3, 2)] == ["UOF-2026-01"]
    assert days[datetime.date(2026, 3, 6)] == ["UOF-2026-01"]
    assert days[datetime.date(2026, 3, 7)] == days[datetime.date(2026, 3, 9)] == []
    assert days[datetime.date(2026, 3, 18)] == ["UOF-2026-02"]
    assert "UOF-2026-03" not in response.text  # April
    assert "?month=2026-02" in response.text and "?month=2026-04" in response.text
    header = response.text.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert header.index("Monday") < header.index("Tuesday") < header.index("Sunday")


def test_a_session_across_two_months_shows_in_each_on_its_own_days(client, administrator):
    a_session(
        code="UOF-2026-09",
        start_date=datetime.date(2026, 3, 30),
        end_date=datetime.date(2026, 4, 3),
    )
    client.force_login(administrator)
    url = reverse("courses:session-calendar")
    for month, shown in (("2026-03", {30, 31}), ("2026-04", {1, 2, 3})):  # Monday to Friday
        weeks = client.get(url, {"month": month}).context["weeks"]
        assert {day.date.day for week in weeks for day in week if day.sessions} == shown


def test_a_two_week_session_is_not_shown_on_the_weekend_between(client, administrator):
    a_session(start_date=datetime.date(2026, 3, 2), end_date=datetime.date(2026, 3, 13))
    client.force_login(administrator)
    weeks = client.get(reverse("courses:session-calendar"), {"month": "2026-03"}).context["weeks"]
    shown = {day.date.day for week in weeks for day in week if day.sessions}
    assert shown == {2, 3, 4, 5, 6, 9, 10, 11, 12, 13}


def test_the_calendar_names_the_month_in_spanish(client, administrator, sessions):
    client.force_login(administrator)
    text = client.get(reverse("courses:session-calendar"), {"month": "2026-03"}).text
    assert "marzo de 2026" in text.lower() and "lunes" in text.lower()


def test_the_calendar_stops_its_links_at_its_last_year(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("courses:session-calendar"), {"month": "2999-12"})
    assert response.status_code == 200
    assert "?month=2999-11" in response.text and "?month=3000-01" not in response.text


def test_the_calendar_crosses_the_year_in_its_links(client, administrator):
    client.force_login(administrator)
    text = client.get(reverse("courses:session-calendar"), {"month": "2026-12"}).text
    assert "?month=2026-11" in text and "?month=2027-01" in text


@pytest.mark.parametrize(
    "bad",
    [
        "nonsense",
        "2026-13",
        "2026",
        "0-01",
        "2026-03-01",
        "99999-01",
        "1" + "0" * 30 + "-01",
        "-1-05",
    ],
)
def test_a_bad_month_shows_the_current_month(client, administrator, bad):
    client.force_login(administrator)
    response = client.get(reverse("courses:session-calendar"), {"month": bad})
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_an_instructor_sees_only_their_sessions_in_the_calendar(client, other_instructor, sessions):
    client.force_login(other_instructor)
    march = client.get(reverse("courses:session-calendar"), {"month": "2026-03"}).text
    assert "UOF-2026-02" in march and "UOF-2026-01" not in march
    april = client.get(reverse("courses:session-calendar"), {"month": "2026-04"}).text
    assert "UOF-2026-03" in april


# ------------------------------------------------------------------ one session
def test_the_session_page_shows_facts_enrolments_and_waitlist(client, administrator):
    prerequisite = a_course("CPTM")
    course = a_course("STAFF", title_es="Oficial de estado mayor", prerequisites=[prerequisite])
    session = a_session(course, "STAFF-2026-01", status="open", capacity=1)
    first, second, third = (a_trainee(n) for n in range(3))
    for trainee in (first, second, third):
        enrolment_create(
            session=session, trainee=trainee, by=administrator, override_reason="Curso equivalente"
        )
    client.force_login(administrator)
    response = in_english(client).get(reverse("courses:session-detail", args=[session.pk]))
    assert response.status_code == 200
    text = response.text
    assert "STAFF-2026-01" in text and "CECOPAM, Campo Militar 1-A" in text
    assert "1 of 1" in text
    rows = text.split('id="enrolments-heading"', 1)[1].split("<tbody>", 1)[1].split("</tr>")
    assert reverse("trainees:detail", args=[first.pk]) in rows[0]
    assert "Confirmed" in rows[0]
    assert "Waitlisted" in rows[1] and "no. 1 in line" in rows[1]
    assert "no. 2 in line" in rows[2]
    assert administrator.get_full_name() in rows[0]
    assert "Curso equivalente" in rows[0]
    assert "SEMAR – Armada de México" in rows[0]


def test_the_session_page_answers_in_spanish(client, administrator, sessions):
    client.force_login(administrator)
    response = client.get(reverse("courses:session-detail", args=[sessions["mine"].pk]))
    assert response.status_code == 200
    assert "2 de marzo de 2026" in response.text.lower()


def test_instructor_sees_their_session_and_not_anothers(client, instructor, sessions):
    client.force_login(instructor)
    assert (
        client.get(reverse("courses:session-detail", args=[sessions["mine"].pk])).status_code == 200
    )
    theirs = sessions["theirs"].pk
    assert client.get(reverse("courses:session-detail", args=[theirs])).status_code == 404
    assert client.get(reverse("courses:session-edit", args=[theirs])).status_code == 403
    response = client.post(
        reverse("courses:session-transition", args=[theirs]), {"to": "cancelled"}
    )
    assert response.status_code == 404
    assert CourseSession.objects.get(pk=theirs).status == "in_progress"


def offered_moves(page: str) -> set[str]:
    """The statuses the page's move buttons post."""
    return {part.split('"', 1)[0] for part in page.split('name="to" value="')[1:]}


def test_the_buttons_offer_only_the_allowed_moves(client, administrator, instructor, sessions):
    client.force_login(administrator)
    page = client.get(reverse("courses:session-detail", args=[sessions["mine"].pk])).text
    assert offered_moves(page) == {"planned", "in_progress", "cancelled"}
    assert 'data-bs-target="#cancel-dialog"' in page  # cancelling asks first
    client.force_login(instructor)
    page = client.get(reverse("courses:session-detail", args=[sessions["mine"].pk])).text
    assert offered_moves(page) == {"in_progress"}
    assert reverse("courses:session-edit", args=[sessions["mine"].pk]) not in page
    planned = client.get(reverse("courses:session-detail", args=[sessions["planned"].pk])).text
    assert 'name="to"' not in planned


def test_finalised_results_show_total_and_attendance(client, administrator, sessions):
    session = sessions["mine"]
    enrolment = session.enrolments.filter(status=Enrolment.Status.CONFIRMED).first()
    # Results as session_finalise freezes them.
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.PASSED, total="87.50", attendance_percent="100.00"
    )
    CourseSession.objects.filter(pk=session.pk).update(
        status="completed", results_finalised_at=timezone.now(), results_finalised_by=administrator
    )
    client.force_login(administrator)
    text = in_english(client).get(reverse("courses:session-detail", args=[session.pk])).text
    assert "87.50" in text and "100 %" in text
    assert f"by {administrator.get_full_name()}" in text


# ------------------------------------------------------------------ moves
def test_administrator_opens_a_planned_session(client, administrator, sessions):
    session = sessions["planned"]
    enrolment_create(session=session, trainee=a_trainee(50), by=administrator)
    client.force_login(administrator)
    response = client.post(reverse("courses:session-transition", args=[session.pk]), {"to": "open"})
    assert response["Location"] == reverse("courses:session-detail", args=[session.pk])
    session.refresh_from_db()
    assert session.status == "open"
    assert session.enrolments.get().status == Enrolment.Status.CONFIRMED
    # The message is written in the language of the request that made the move.
    page = client.get(response["Location"]).text
    assert "UOF-2026-02 está ahora “Abierta a inscripción”." in page


def test_an_illegal_move_answers_400_with_the_reason_and_changes_nothing(
    client, administrator, sessions
):
    session = sessions["planned"]
    client.force_login(administrator)
    response = in_english(client).post(
        reverse("courses:session-transition", args=[session.pk]), {"to": "completed"}
    )
    assert response.status_code == 400
    assert "A session that is “Planned” cannot become “Completed”." in response.text
    assert "Nothing was changed." in response.text
    assert CourseSession.objects.get(pk=session.pk).status == "planned"


def test_going_back_to_planned_with_seats_taken_is_refused(client, administrator, sessions):
    session = sessions["mine"]
    client.force_login(administrator)
    response = in_english(client).post(
        reverse("courses:session-transition", args=[session.pk]), {"to": "planned"}
    )
    assert response.status_code == 400
    assert "it cannot go back to planned" in response.text
    assert CourseSession.objects.get(pk=session.pk).status == "open"


def test_an_unknown_status_is_refused(client, administrator, sessions):
    client.force_login(administrator)
    url = reverse("courses:session-transition", args=[sessions["planned"].pk])
    assert client.post(url, {"to": "exploded"}).status_code == 400
    assert client.post(url, {}).status_code == 400
    assert client.get(url).status_code == 405


def test_instructor_starts_their_open_session_and_nothing_else(client, instructor, sessions):
    client.force_login(instructor)
    session = sessions["mine"]
    url = reverse("courses:session-transition", args=[session.pk])
    response = in_english(client).post(url, {"to": "cancelled"})
    assert response.status_code == 403
    assert "Only a training administrator" in response.text
    assert CourseSession.objects.get(pk=session.pk).status == "open"
    assert client.post(url, {"to": "in_progress"}).status_code == 302
    assert CourseSession.objects.get(pk=session.pk).status == "in_progress"


def test_cancelling_withdraws_everyone(client, administrator, sessions):
    session = sessions["mine"]
    client.force_login(administrator)
    client.post(reverse("courses:session-transition", args=[session.pk]), {"to": "cancelled"})
    assert CourseSession.objects.get(pk=session.pk).status == "cancelled"
    assert set(session.enrolments.values_list("status", flat=True)) == {"withdrawn"}


# ------------------------------------------------------------------ the form
def session_data(course, *instructors, **overrides):
    data = {
        "code": "UOF-2026-09", "course": course.pk, "start_date": "2026-09-07",
        "end_date": "2026-09-11", "venue": "CECOPAM, aula 3", "capacity": "24",
        "language": "en", "instructors": [i.pk for i in instructors],
    }  # fmt: skip
    data.update(overrides)
    return data


def test_administrator_schedules_a_session_with_an_instructor(client, administrator, instructor):
    course = a_course()
    client.force_login(administrator)
    response = client.post(reverse("courses:session-create"), session_data(course, instructor))
    session = CourseSession.objects.get(code="UOF-2026-09")
    assert response["Location"] == reverse("courses:session-detail", args=[session.pk])
    assert session.status == "planned" and session.capacity == 24 and session.language == "en"
    assert list(session.instructors.all()) == [instructor]


def test_only_instructors_are_offered_as_instructors(
    client, administrator, instructor, other_instructor
):
    make_user("someone.else", role="trainee")
    client.force_login(administrator)
    form = client.get(reverse("courses:session-create")).context["form"]
    assert set(form.fields["instructors"].queryset) == {instructor, other_instructor}
    response = client.post(
        reverse("courses:session-create"), session_data(a_course(), administrator)
    )
    assert response.status_code == 400
    assert not CourseSession.objects.exists()


def test_the_form_has_date_inputs_and_no_status(client, administrator):
    client.force_login(administrator)
    text = client.get(reverse("courses:session-create")).text
    assert 'type="date" name="start_date"' in text and 'type="date" name="end_date"' in text
    assert 'name="status"' not in text


def test_a_session_ending_before_it_starts_is_refused(client, administrator, instructor):
    client.force_login(administrator)
    data = session_data(a_course(), instructor, end_date="2026-09-01")
    response = in_english(client).post(reverse("courses:session-create"), data)
    assert response.status_code == 400
    assert "The session cannot end before it starts." in response.text
    assert "Nothing was saved" in response.text
    assert not CourseSession.objects.exists()


def test_the_form_answers_in_spanish(client, administrator, instructor):
    client.force_login(administrator)
    response = client.post(reverse("courses:session-create"), {"code": ""})
    assert response.status_code == 400
    assert "Este campo es obligatorio." in response.text


def test_a_capacity_below_the_confirmed_seats_is_refused_on_the_field(
    client, administrator, sessions
):
    session = sessions["mine"]  # three confirmed
    client.force_login(administrator)
    data = session_data(
        session.course,
        *session.instructors.all(),
        code=session.code,
        start_date="2026-03-02",
        end_date="2026-03-06",
        capacity="2",
        venue="Otra sede",
    )
    response = in_english(client).post(reverse("courses:session-edit", args=[session.pk]), data)
    assert response.status_code == 400
    assert "3 trainees already hold a seat: the capacity cannot be less." in response.text
    assert response.context["form"].has_error("capacity")
    session.refresh_from_db()
    assert (session.capacity, session.venue) == (20, "CECOPAM, Campo Militar 1-A")


def test_a_larger_capacity_gives_the_waitlist_its_seats(client, administrator):
    session = a_session(status="open", capacity=1)
    seated(session, 3, by=administrator)
    enrolment_withdraw(
        enrolment=session.enrolments.get(status="waitlisted", trainee__service_number="T-00002")
    )
    client.force_login(administrator)
    data = session_data(
        session.course, code=session.code, start_date="2026-03-02", end_date="2026-03-06",
        capacity="3",
    )  # fmt: skip
    assert client.post(reverse("courses:session-edit", args=[session.pk]), data).status_code == 302
    statuses = sorted(session.enrolments.values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "withdrawn"]


def test_the_course_of_a_session_with_trainees_cannot_change(client, administrator, sessions):
    session = sessions["mine"]
    other = a_course("DIH")
    client.force_login(administrator)
    data = session_data(
        other,
        *session.instructors.all(),
        code=session.code,
        start_date="2026-03-02",
        end_date="2026-03-06",
        venue="CECOPAM, aula 5",
    )
    response = client.post(reverse("courses:session-edit", args=[session.pk]), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.course.code == "UOF" and session.venue == "CECOPAM, aula 5"


def test_the_menu_marks_the_current_section(client, administrator, instructor, sessions):
    client.force_login(administrator)
    pages = {
        reverse("courses:course-list"): 'href="/courses/"',
        reverse("courses:course-create"): 'href="/courses/"',
        reverse("courses:session-list"): 'href="/courses/sessions/"',
        reverse("courses:session-calendar"): 'href="/courses/sessions/"',
        reverse("courses:session-detail", args=[sessions["mine"].pk]): 'href="/courses/sessions/"',
    }
    for url, link in pages.items():
        nav = client.get(url).text.split('id="main-nav"', 1)[1].split("</ul>", 1)[0]
        assert nav.count('aria-current="page"') == 1, url
        assert re.search(r'aria-current="page"\s+' + re.escape(link), nav), url
    client.force_login(instructor)
    nav = client.get(reverse("courses:session-list")).text.split('id="main-nav"', 1)[1]
    nav = nav.split("</ul>", 1)[0]
    assert re.search(r'aria-current="page"\s+href="/courses/sessions/"', nav)
    assert 'href="/courses/"' not in nav


@pytest.mark.parametrize("course", ["abc", "99999", ""])
def test_a_bad_course_in_the_new_session_link_is_ignored(client, administrator, course):
    client.force_login(administrator)
    assert client.get(reverse("courses:session-create"), {"course": course}).status_code == 200
