"""The attendance sheet, the gradebook, finalising and reopening results, as the instructors and
administrators of a session use them.

The pages are read in English (the language cookie): the app's own strings are then the ones
written in the code, whatever the state of the Spanish catalogue.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Attendance, CourseSession, Enrolment, Score
from courses.services import (
    attendance_save,
    gradebook_save,
    session_finalise,
    session_results_reopen,
    session_transition,
)
from tests.courses.helpers import a_course, a_session, seated

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY, FRIDAY = (
    datetime.date(2026, 3, 2),
    datetime.date(2026, 3, 3),
    datetime.date(2026, 3, 6),
)
WEEK = [MONDAY + datetime.timedelta(days=n) for n in range(5)]

SIX_COMPONENTS = [
    {
        "name_es": f"Parte {n}",
        "name_en": f"Part {n}",
        "weight": Decimal(weight),
        "max_score": Decimal(max_score),
        "pass_mark": Decimal(max_score) / 2,
        "critical": n == 6,
    }
    for n, (weight, max_score) in enumerate(
        [(20, 100), (20, 100), (20, 50), (20, 20), (10, 10), (10, 100)], start=1
    )
]


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def in_progress(
    instructors, trainees: int = 3, course=None, code: str = "UOF-2026-01", first: int = 0
):
    """A session of ``course`` taught by ``instructors`` with ``trainees`` seated (numbered
    from ``first``), in progress."""
    session = a_session(
        course, code, status="open", instructors=instructors, capacity=max(trainees, 1)
    )
    seated(session, trainees, start=first)
    return session_transition(session=session, to="in_progress")


def fresh(session: CourseSession) -> CourseSession:
    return CourseSession.objects.get(pk=session.pk)


def url(name: str, session: CourseSession) -> str:
    return reverse(f"courses:{name}", args=[session.pk])


def seats(session: CourseSession) -> list[Enrolment]:
    return list(
        session.enrolments.filter(status=Enrolment.Status.CONFIRMED)
        .select_related("trainee")
        .order_by("trainee__given_names")
    )


def components(session: CourseSession):
    return list(session.course.components.order_by("order"))


def gradebook_post(session, values, *, version=None) -> dict:
    """The gradebook form: ``values`` maps (enrolment, component) to what is typed."""
    data = {"version": session.gradebook_version if version is None else version}
    for (enrolment, component), typed in values.items():
        data[f"score-{enrolment.pk}-{component.pk}"] = typed
    return data


def full_gradebook(session, typed: str = "10") -> dict:
    return gradebook_post(
        session, {(e, c): typed for e in seats(session) for c in components(session)}
    )


def page_version(html: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def input_tag(html: str, name: str) -> str:
    """The <input> tag of the field ``name`` on the page."""
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


# ------------------------------------------------------------------ who may see the pages
GRID_PAGES = ["session-attendance", "session-gradebook", "session-finalise"]


@pytest.mark.parametrize("name", [*GRID_PAGES, "session-reopen"])
def test_a_trainee_is_refused_every_page(client, trainee_user, instructor, name):
    session = in_progress([instructor])
    client.force_login(trainee_user)
    assert client.get(url(name, session)).status_code == 403
    assert client.post(url(name, session), {}).status_code == 403


@pytest.mark.parametrize("name", [*GRID_PAGES, "session-reopen"])
def test_signing_in_is_asked_first(client, instructor, name):
    session = in_progress([instructor])
    response = client.get(url(name, session))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", GRID_PAGES)
def test_the_instructor_and_an_administrator_open_the_pages(
    client, instructor, administrator, name
):
    session = in_progress([instructor])
    for user in (instructor, administrator):
        client.force_login(user)
        response = client.get(url(name, session))
        assert response.status_code == 200
        assert "García López, Persona0" in response.text


def test_another_instructor_finds_no_such_grids_and_changes_nothing(
    client, instructor, other_instructor
):
    session = in_progress([instructor])
    [first, *_] = seats(session)
    written = components(session)[0]
    client.force_login(other_instructor)
    for name in GRID_PAGES:
        assert client.get(url(name, session)).status_code == 404
    response = client.post(
        url("session-attendance", session), {f"att-{first.pk}-{MONDAY.isoformat()}": "present"}
    )
    assert response.status_code == 404
    response = client.post(
        url("session-gradebook", session), gradebook_post(session, {(first, written): "90"})
    )
    assert response.status_code == 404
    assert client.post(url("session-finalise", session)).status_code == 404
    assert not Attendance.objects.exists() and not Score.objects.exists()
    session.refresh_from_db()
    assert session.status == "in_progress" and not session.results_final


def test_an_instructor_may_not_reopen_results(client, instructor):
    session = finalised(instructor)
    client.force_login(instructor)
    assert client.get(url("session-reopen", session)).status_code == 403
    response = client.post(url("session-reopen", session), {"reason": "Quiero corregir"})
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.results_final


# ------------------------------------------------------------------ attendance
def test_the_attendance_sheet_has_a_row_per_seated_trainee_and_a_column_per_day_in_spanish(
    client, instructor
):
    session = in_progress([instructor], trainees=2)
    client.force_login(instructor)
    text = client.get(url("session-attendance", session)).text
    for day in ("lunes", "martes", "miércoles", "jueves", "viernes", "2 de marzo de 2026"):
        assert day in text.lower()
    assert "sábado" not in text.lower()
    assert text.count("<select") == 2 * 5
    assert text.count('<option value="" selected>—</option>') == 2 * 5


def test_attendance_is_saved_in_one_post_and_shown_with_each_trainees_percentage(
    english, instructor
):
    session = in_progress([instructor], trainees=2)
    first, second = seats(session)
    english.force_login(instructor)
    data = {f"att-{first.pk}-{day.isoformat()}": "present" for day in WEEK}
    data[f"att-{first.pk}-{FRIDAY.isoformat()}"] = "excused"
    data[f"att-{second.pk}-{MONDAY.isoformat()}"] = "absent"
    data[f"att-{second.pk}-{TUESDAY.isoformat()}"] = ""
    response = english.post(url("session-attendance", session), data)
    assert response.status_code == 302
    assert response["Location"] == url("session-attendance", session)

    marks = {(a.enrolment_id, a.day): (a.status, a.recorded_by) for a in Attendance.objects.all()}
    assert marks[(first.pk, MONDAY)] == ("present", instructor)
    assert marks[(first.pk, FRIDAY)] == ("excused", instructor)
    assert marks[(second.pk, MONDAY)] == ("absent", instructor)
    assert len(marks) == 6  # the blank cell is left untaken

    text = english.get(response["Location"]).text
    assert "The attendance of UOF-2026-01 was saved." in text
    assert "80 %" in text and "4 of 5 days" in text  # four present, one excused
    assert "0 %" in text and "0 of 5 days" in text
    # A mark once taken is corrected, not taken back: only the nine cells not taken keep "—".
    assert (
        text.count('<option value="">—</option>')
        + text.count('<option value="" selected>—</option>')
        == 10 - 6
    )


def test_a_mark_can_be_corrected_and_the_change_is_kept_in_history(english, instructor):
    session = in_progress([instructor], trainees=1)
    [first] = seats(session)
    cell = f"att-{first.pk}-{MONDAY.isoformat()}"
    english.force_login(instructor)
    english.post(url("session-attendance", session), {cell: "absent"})
    english.post(url("session-attendance", session), {cell: "excused"})
    mark = Attendance.objects.get()
    assert mark.status == "excused"
    assert [h.status for h in mark.history.order_by("history_date")] == ["absent", "excused"]


@pytest.mark.parametrize(
    "bad",
    [
        {"mark": "late"},
        {"enrolment": 999_999},
        {"day": "2026-03-07"},  # the Saturday: not a day of the session
    ],
)
def test_a_bad_attendance_sheet_is_refused_whole(english, instructor, bad):
    session = in_progress([instructor], trainees=2)
    first, second = seats(session)
    english.force_login(instructor)
    cell = f"att-{bad.get('enrolment', second.pk)}-{bad.get('day', MONDAY.isoformat())}"
    data = {f"att-{first.pk}-{MONDAY.isoformat()}": "present", cell: bad.get("mark", "present")}
    response = english.post(url("session-attendance", session), data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.text
    assert not Attendance.objects.exists()


def test_the_attendance_sheet_is_read_only_outside_the_session_in_progress(english, instructor):
    session = a_session(status="open", instructors=[instructor])
    [first] = seated(session, 1)
    english.force_login(instructor)
    text = english.get(url("session-attendance", session)).text
    assert "<select" not in text and "Save attendance" not in text
    assert "this session is “Open for enrolment”, so they are read-only" in text
    response = english.post(
        url("session-attendance", session), {f"att-{first.pk}-{MONDAY.isoformat()}": "present"}
    )
    assert response.status_code == 400
    assert "attendance and scores are taken once it is in progress" in response.text
    assert not Attendance.objects.exists()


# ------------------------------------------------------------------ gradebook
def test_the_gradebook_shows_each_component_with_weight_maximum_pass_mark_and_critical_badge(
    english, instructor
):
    session = in_progress([instructor], trainees=2)
    english.force_login(instructor)
    text = english.get(url("session-gradebook", session)).text
    assert "Written exam" in text and "Practical scenario" in text
    assert "weight 40 % · out of 100 · passes at 60" in text
    assert "weight 60 % · out of 100 · passes at 70" in text
    assert text.count(">Critical</span>") == 1
    first, _second = seats(session)
    written, practical = components(session)
    field = input_tag(text, f"score-{first.pk}-{written.pk}")
    for attribute in ('type="number"', 'step="0.01"', 'min="0"', 'max="100"'):
        assert attribute in field
    label = f'for="id_score-{first.pk}-{written.pk}"'
    assert label in text
    assert re.search(rf"{label}>\s*Written exam of Persona0 García López, out of 100", text)
    # Along a row: the trainee's two cells come one after the other, before the next trainee's.
    order = re.findall(r'name="(score-\d+-\d+)"', text)
    assert order[:2] == [f"score-{first.pk}-{written.pk}", f"score-{first.pk}-{practical.pk}"]


def test_scores_are_saved_with_the_total_and_result_shown_once_every_score_is_in(
    english, instructor
):
    session = in_progress([instructor], trainees=3)
    passing, critical_fail, incomplete = seats(session)
    written, practical = components(session)
    english.force_login(instructor)
    response = english.post(
        url("session-gradebook", session),
        gradebook_post(
            session,
            {
                (passing, written): "80",
                (passing, practical): "72.5",
                (critical_fail, written): "100",
                (critical_fail, practical): "69.99",
                (incomplete, written): "90",
                (incomplete, practical): "",
            },
        ),
    )
    assert response.status_code == 302
    saved = {(s.enrolment_id, s.component_id): s.value for s in Score.objects.all()}
    assert saved == {
        (passing.pk, written.pk): Decimal("80"),
        (passing.pk, practical.pk): Decimal("72.5"),
        (critical_fail.pk, written.pk): Decimal("100"),
        (critical_fail.pk, practical.pk): Decimal("69.99"),
        (incomplete.pk, written.pk): Decimal("90"),
    }
    text = english.get(response["Location"]).text
    assert "The gradebook of UOF-2026-01 was saved." in text
    rows = {
        name: re.search(rf"{name}</th>(.*?)</tr>", text, re.S).group(1)
        for name in ("Persona0", "Persona1", "Persona2")
    }
    assert "75.50" in rows["Persona0"] and "Passes" in rows["Persona0"]  # 32 + 43.5
    assert "81.99" in rows["Persona1"] and "Fails: a critical component" in rows["Persona1"]
    assert "—" in rows["Persona2"] and "Passes" not in rows["Persona2"]
    assert "Fails" not in rows["Persona2"]
    assert "Last saved on" in text and instructor.get_full_name() in text


def test_every_score_change_is_kept_in_history_with_who_made_it(
    client, instructor, other_instructor
):
    session = in_progress([instructor, other_instructor], trainees=1)
    [first] = seats(session)
    written = components(session)[0]
    client.force_login(instructor)
    client.post(
        url("session-gradebook", session), gradebook_post(session, {(first, written): "50"})
    )
    session.refresh_from_db()
    client.force_login(other_instructor)
    client.post(
        url("session-gradebook", session), gradebook_post(session, {(first, written): "55"})
    )
    score = Score.objects.get()
    assert (score.value, score.recorded_by) == (Decimal(55), other_instructor)
    history = list(score.history.order_by("history_date").values_list("value", "history_user"))
    assert history == [(Decimal(50), instructor.pk), (Decimal(55), other_instructor.pk)]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter a number, such as 85 or 72.5."),
        ("-1", "Enter a score between 0 and 100."),
        ("100.01", "Enter a score between 0 and 100."),
        ("1e3", "Enter a score between 0 and 100."),
        ("12.345", "Ensure that there are no more than 2 decimal places."),
    ],
)
def test_a_bad_score_is_refused_next_to_its_cell_and_nothing_is_saved(
    english, instructor, typed, message
):
    session = in_progress([instructor], trainees=2)
    first, second = seats(session)
    written, practical = components(session)
    english.force_login(instructor)
    response = english.post(
        url("session-gradebook", session),
        gradebook_post(
            session, {(first, written): "88", (first, practical): "91", (second, written): typed}
        ),
    )
    assert response.status_code == 400
    text = response.text
    assert "Nothing was saved: correct the cells marked below and save again." in text
    bad = f"id_score-{second.pk}-{written.pk}"
    field = input_tag(text, f"score-{second.pk}-{written.pk}")
    assert f'value="{typed}"' in field and "is-invalid" in field
    assert f'aria-describedby="{bad}-error"' in field
    assert re.search(rf'id="{bad}-error">\s*{re.escape(message)}', text)
    # What the user typed in the good cells is still there, to save once corrected.
    assert 'value="88"' in input_tag(text, f"score-{first.pk}-{written.pk}")
    assert not Score.objects.exists()
    session.refresh_from_db()
    assert session.gradebook_version == 0


def test_a_cell_that_is_not_in_the_session_is_refused_and_nothing_is_saved(english, instructor):
    session = in_progress([instructor], trainees=1)
    elsewhere = in_progress([instructor], 1, a_course("DIH"), "DIH-2026-01", first=1)
    [first], [stranger] = seats(session), seats(elsewhere)
    written = components(session)[0]
    english.force_login(instructor)
    for outsider in (
        {(first, written): "80", (stranger, components(elsewhere)[0]): "80"},
        {(first, written): "80", (first, components(elsewhere)[0]): "80"},
    ):
        response = english.post(
            url("session-gradebook", session), gradebook_post(session, outsider)
        )
        assert response.status_code == 400
        assert "This page does not match the session any more" in response.text
    assert not Score.objects.exists()


def test_a_save_from_a_page_opened_before_another_instructors_save_is_refused(
    english, instructor, other_instructor
):
    session = in_progress([instructor, other_instructor], trainees=2)
    first, second = seats(session)
    written, practical = components(session)
    other_instructor.first_name, other_instructor.last_name = "Irma", "Robles"
    other_instructor.save()

    english.force_login(instructor)
    opened_at = page_version(english.get(url("session-gradebook", session)).text)

    colleague = Client()
    colleague.force_login(other_instructor)
    their_page = colleague.get(url("session-gradebook", session)).text
    response = colleague.post(
        url("session-gradebook", session),
        gradebook_post(
            session,
            {(first, written): "95", (second, practical): "40"},
            version=page_version(their_page),
        ),
    )
    assert response.status_code == 302

    response = english.post(
        url("session-gradebook", session),
        gradebook_post(
            session,
            {(first, written): "10", (first, practical): "", (second, written): "60"},
            version=opened_at,
        ),
    )
    assert response.status_code == 409
    text = response.text
    assert "Irma Robles saved this gradebook at" in text
    assert "Nothing was saved" in text
    # The page now shows what is saved, at the current version, and what was not saved.
    assert page_version(text) == opened_at + 1
    assert 'value="95"' in input_tag(text, f"score-{first.pk}-{written.pk}")
    not_saved = text.split("These entries of yours were not saved:", 1)[1].split("</ul>", 1)[0]
    assert re.search(r"Persona0 García López · Written exam:\s*10\s", not_saved)
    assert re.search(r"Persona1 García López · Written exam:\s*60\s", not_saved)
    assert "Practical scenario" not in not_saved  # left empty, as it is saved
    saved = {(s.enrolment_id, s.component_id): s.value for s in Score.objects.all()}
    assert saved == {(first.pk, written.pk): Decimal(95), (second.pk, practical.pk): Decimal(40)}

    # Saving again from the page as it is now works.
    response = english.post(
        url("session-gradebook", session),
        gradebook_post(session, {(second, written): "60"}, version=page_version(text)),
    )
    assert response.status_code == 302
    assert Score.objects.get(enrolment=second, component=written).value == 60


def test_the_gradebook_is_read_only_outside_the_session_in_progress(english, instructor):
    session = a_session(status="open", instructors=[instructor])
    [first] = seated(session, 1)
    english.force_login(instructor)
    text = english.get(url("session-gradebook", session)).text
    assert "<input" not in text.split("<main", 1)[1].replace('name="csrfmiddlewaretoken"', "")
    assert "Save scores" not in text
    written = components(session)[0]
    response = english.post(
        url("session-gradebook", session), gradebook_post(session, {(first, written): "80"})
    )
    assert response.status_code == 400
    assert not Score.objects.exists()


# ------------------------------------------------------------------ bounded queries
def six_component_session(instructor, trainees: int, code: str) -> CourseSession:
    course = a_course(f"C{trainees}", components=SIX_COMPONENTS)
    # Trainees numbered apart, so that two such sessions can be made in one test.
    return in_progress([instructor], trainees, course, code, first=1000 * trainees)


def queries(client, method: str, path: str, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, data or {})
    assert response.status_code in (200, 302), response.status_code
    return len(captured)


def test_the_gradebook_runs_as_many_queries_for_sixty_trainees_as_for_ten(client, instructor):
    small = six_component_session(instructor, 10, "S-10")
    large = six_component_session(instructor, 60, "S-60")
    client.force_login(instructor)
    counts = {}
    for session in (small, large):
        path = url("session-gradebook", session)
        counts[session.code] = (
            queries(client, "get", path),
            queries(client, "post", path, full_gradebook(session, "5")),  # every score created
            queries(client, "post", path, full_gradebook(fresh(session), "6")),  # every one changed
            queries(client, "get", path),
        )
    assert Score.objects.filter(enrolment__session=large, value=6).count() == 60 * 6
    assert counts["S-10"] == counts["S-60"]


def test_the_attendance_sheet_runs_as_many_queries_for_sixty_trainees_as_for_ten(
    client, instructor
):
    small = six_component_session(instructor, 10, "S-10")
    large = six_component_session(instructor, 60, "S-60")
    client.force_login(instructor)
    counts = {}
    for session in (small, large):
        path = url("session-attendance", session)
        every = {
            f"att-{e.pk}-{day.isoformat()}": status
            for e in seats(session)
            for day, status in zip(
                WEEK, ["present", "present", "absent", "excused", "present"], strict=True
            )
        }
        corrected = dict.fromkeys(every, "present")
        counts[session.code] = (
            queries(client, "get", path),
            queries(client, "post", path, every),
            queries(client, "post", path, corrected),
            queries(client, "get", path),
        )
    assert Attendance.objects.filter(enrolment__session=large, status="present").count() == 300
    assert counts["S-10"] == counts["S-60"]


def test_the_results_preview_runs_as_many_queries_for_sixty_trainees_as_for_ten(client, instructor):
    small = six_component_session(instructor, 10, "S-10")
    large = six_component_session(instructor, 60, "S-60")
    client.force_login(instructor)
    counts = []
    for session in (small, large):
        client.post(url("session-gradebook", session), full_gradebook(session, "5"))
        counts.append(queries(client, "get", url("session-finalise", session)))
    assert counts[0] == counts[1]


# ------------------------------------------------------------------ finalising
def scores_for(session, by, table: dict[str, tuple]) -> None:
    """Save scores by trainee given name: {"Persona0": (written, practical), ...}."""
    written, practical = components(session)
    enrolments = {e.trainee.given_names: e for e in seats(session)}
    values = {}
    for name, (w, p) in table.items():
        values[(enrolments[name].pk, written.pk)] = None if w is None else Decimal(w)
        values[(enrolments[name].pk, practical.pk)] = None if p is None else Decimal(p)
    gradebook_save(session=session, by=by, version=session.gradebook_version, scores=values)
    session.refresh_from_db()


def present_every_day(session, by, *, except_for: dict | None = None) -> None:
    absent = except_for or {}
    marks = {}
    for e in seats(session):
        missed = absent.get(e.trainee.given_names, 0)
        for n, day in enumerate(WEEK):
            marks[(e.pk, day)] = "absent" if n < missed else "present"
    attendance_save(session=session, by=by, marks=marks)


def finalised(instructor) -> CourseSession:
    session = in_progress([instructor], trainees=1)
    scores_for(session, instructor, {"Persona0": (80, 80)})
    present_every_day(session, instructor)
    return session_finalise(session=session, by=instructor)


def test_the_preview_shows_each_result_and_why_before_anything_is_final(english, instructor):
    session = in_progress([instructor], trainees=4)
    scores_for(
        session,
        instructor,
        {"Persona0": (80, 75), "Persona1": (100, 60), "Persona2": (90, 90), "Persona3": (90, None)},
    )
    present_every_day(session, instructor, except_for={"Persona2": 1})
    english.force_login(instructor)
    response = english.get(url("session-finalise", session))
    assert response.status_code == 200
    text = response.text
    rows = {
        name: " ".join(re.search(rf"{name}</th>(.*?)</tr>", text, re.S).group(1).split())
        for name in ("Persona0", "Persona1", "Persona2", "Persona3")
    }
    assert "77.00" in rows["Persona0"] and "100 %" in rows["Persona0"]
    assert "Passed" in rows["Persona0"] and "Meets every requirement." in rows["Persona0"]
    assert "76.00" in rows["Persona1"] and "Practical scenario" in rows["Persona1"]
    assert "Failed" in rows["Persona1"] and "Failed 1 critical component." in rows["Persona1"]
    assert "90.00" in rows["Persona2"] and "80 %" in rows["Persona2"]
    assert "Attendance 80 % is under the minimum of 90 %." in rows["Persona2"]
    assert (
        "Scores missing" in rows["Persona3"] and "Missing: Practical scenario" in rows["Persona3"]
    )
    assert "Finalise the results" in text
    session.refresh_from_db()
    assert session.status == "in_progress" and not session.results_final


def test_finalising_with_missing_scores_is_refused_naming_who_and_what(english, instructor):
    session = in_progress([instructor], trainees=2)
    scores_for(session, instructor, {"Persona0": (80, 80), "Persona1": (None, 70)})
    english.force_login(instructor)
    response = english.post(url("session-finalise", session))
    assert response.status_code == 400
    text = response.text
    assert "Scores are missing" in text
    assert "Persona1 García López: Written exam" in text
    assert "The results were not finalised." in text
    session.refresh_from_db()
    assert session.status == "in_progress" and not session.results_final
    assert not Enrolment.objects.filter(status__in=("passed", "failed")).exists()


def test_finalising_completes_the_session_and_freezes_scores_and_attendance(english, instructor):
    session = in_progress([instructor], trainees=2)
    scores_for(session, instructor, {"Persona0": (80, 80), "Persona1": (80, 50)})
    present_every_day(session, instructor)
    english.force_login(instructor)
    response = english.post(url("session-finalise", session))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "completed" and session.results_finalised_by == instructor
    assert dict(session.enrolments.values_list("trainee__given_names", "status")) == {
        "Persona0": "passed",
        "Persona1": "failed",
    }
    text = english.get(response["Location"]).text
    assert "The results of UOF-2026-01 are final." in text
    assert "Finalise the results" not in text

    gradebook = english.get(url("session-gradebook", session)).text
    assert 'type="number"' not in gradebook and "Save scores" not in gradebook
    assert "scores and attendance are read-only" in gradebook
    assert "The results were finalised on" in gradebook
    attendance = english.get(url("session-attendance", session)).text
    assert "<select" not in attendance and "Save attendance" not in attendance

    first, written = seats_with_results(session)[0], components(session)[0]
    response = english.post(
        url("session-gradebook", session), gradebook_post(session, {(first, written): "0"})
    )
    assert response.status_code == 400
    assert "are final: scores and attendance are read-only" in response.text
    response = english.post(
        url("session-attendance", session), {f"att-{first.pk}-{MONDAY.isoformat()}": "absent"}
    )
    assert response.status_code == 400
    assert Score.objects.get(enrolment=first, component=written).value == 80
    assert not Attendance.objects.filter(status="absent").exists()
    assert english.post(url("session-finalise", session)).status_code == 400


def seats_with_results(session) -> list[Enrolment]:
    return list(session.enrolments.order_by("trainee__given_names"))


# ------------------------------------------------------------------ reopening
def test_an_administrator_reopens_results_with_a_reason_shown_on_the_gradebook(
    english, instructor, administrator
):
    session = finalised(instructor)
    administrator.first_name, administrator.last_name = "Ana", "Admin"
    administrator.save()
    english.force_login(administrator)
    page = english.get(url("session-reopen", session))
    assert page.status_code == 200 and 'name="reason"' in page.text

    response = english.post(url("session-reopen", session), {"reason": "  "})
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.results_final

    response = english.post(
        url("session-reopen", session), {"reason": "Corregir la calificación práctica"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("session-gradebook", session)
    session.refresh_from_db()
    assert session.status == "in_progress" and not session.results_final
    assert Enrolment.objects.get().status == "confirmed"

    text = english.get(response["Location"]).text
    assert "are reopened" in text
    assert 'type="number"' in text  # editable again
    log = text.split("Finalising and reopenings", 1)[1]
    assert "Ana Admin" in log and "Corregir la calificación práctica" in log


def test_the_gradebook_of_a_finalised_session_says_who_finalised_it_and_lists_reopenings(
    english, instructor, administrator
):
    session = finalised(instructor)
    session_results_reopen(session=session, by=administrator, reason="Error de captura")
    session = session_finalise(session=session, by=instructor)
    instructor.first_name, instructor.last_name = "Iván", "Instructor"
    instructor.save()
    english.force_login(administrator)
    text = english.get(url("session-gradebook", session)).text
    assert re.search(r"The results were finalised on .* by Iván Instructor\.", text)
    assert "Error de captura" in text
    assert "Reopen the results" in text


def test_reopening_results_that_are_not_final_is_refused(english, instructor, administrator):
    session = in_progress([instructor])
    english.force_login(administrator)
    assert "there is nothing to reopen" in english.get(url("session-reopen", session)).text
    response = english.post(url("session-reopen", session), {"reason": "Por si acaso"})
    assert response.status_code == 400
    assert "are not final" in response.text
    assert not session.reopenings.exists()
