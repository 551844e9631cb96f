"""The readiness board page and its downloads: who may see it, what it counts and lists, how
its filters narrow the list, bad questions answered with a form and a 400, and a fixed number
of queries whatever the size of the pool."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from courses.models import Certificate, Course
from readiness.engine import Verdict
from readiness.models import DeploymentProfile, Mission
from readiness.seeding import readiness_reference_seed
from tests.courses.helpers import a_course
from tests.readiness.population import population
from tests.readiness.test_selectors import OBSERVER, ON, an_observer, ready_observer
from trainees.models import Clearance

pytestmark = pytest.mark.django_db

BOARD = reverse("readiness:board")


@pytest.fixture
def question():
    """The seeded MINURSO mission and observer profile (with their courses), as the board's
    query string for ON."""
    for code in ("CPTM", "UNPOL", "UNMEM", "UNSOC", "UOF"):
        a_course(code, title_en=f"{code} course", title_es=f"Curso {code}")
    readiness_reference_seed()
    mission = Mission.objects.get(acronym="MINURSO")
    profile = DeploymentProfile.objects.get(name_en=OBSERVER)
    return {"mission": mission.pk, "profile": profile.pk, "date": ON.isoformat()}


@pytest.fixture
def people(question):
    """Two ready observers, one ready but with a licence lapsing, one who lacks only French,
    one who lacks French and the UNMEM course."""
    ready_observer(1, given_names="Ana")
    ready_observer(2, given_names="Beto")
    expiring = ready_observer(3, given_names="Carla", sex="F")
    Clearance.objects.filter(trainee=expiring, kind=Clearance.Kind.DRIVING_LICENCE).update(
        valid_until=ON + datetime.timedelta(days=30)
    )
    ready_observer(4, given_names="Dario", french="B1")
    no_course = ready_observer(5, given_names="Elena", french="", sex="F")
    Certificate.objects.filter(
        enrolment__trainee=no_course, enrolment__session__course__code="UNMEM"
    ).update(status=Certificate.Status.REVOKED)
    return question


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    client.cookies["cecopam_language"] = "en"
    return client


def names(rows):
    return [row.name.split(", ")[1] for row in rows]


# ------------------------------------------------------------------ access


@pytest.mark.parametrize("url", [BOARD, reverse("readiness:board-csv")])
@pytest.mark.parametrize("role", ["instructor", "trainee_user"])
def test_only_administrators_see_the_board(client, request, people, role, url):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url, people).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    response = client.get(BOARD, people)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_nav_offers_the_board_to_administrators_only(client, admin_client, instructor):
    assert reverse("readiness:board") in admin_client.get(reverse("dashboard")).text
    client.force_login(instructor)
    assert reverse("readiness:board") not in client.get(reverse("instructor-home")).text


# ------------------------------------------------------------------ the page


def test_a_first_visit_shows_the_question_with_the_first_active_mission_chosen(
    admin_client, question
):
    response = admin_client.get(BOARD)
    assert response.status_code == 200
    assert "board" not in response.context
    form = response.context["form"]
    assert form.initial["mission"].acronym == "MINURSO"  # the first active one by acronym
    assert "Choose a mission" in response.text


def test_the_board_counts_verdicts_over_the_pool_with_shares_and_breakdowns(admin_client, people):
    response = admin_client.get(BOARD, people)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.counts == {Verdict.READY: 2, Verdict.READY_EXPIRING: 1, Verdict.NOT_READY: 2}
    html = response.text
    assert '<span class="display-6" data-verdict="ready">2</span>' in html
    assert '<span class="display-6" data-verdict="ready_expiring">1</span>' in html
    assert '<span class="display-6" data-verdict="not_ready">2</span>' in html
    assert "40 %" in html and "20 %" in html  # of the pool of five
    # Breakdowns by country name, institution and sex.
    assert ">Mexico</th>" in html
    assert ">SEMAR – Armada de México</th>" in html
    assert ">Female</th>" in html and ">Male</th>" in html
    # The most lacked requirement first, with who lacks only it.
    lacked = response.context["lacked"]
    assert [(item.key, item.lacking, item.lacking_only) for item in lacked] == [
        ("language", 2, 1),
        ("course:UNMEM", 1, 0),
    ]
    assert "1 lacks only this" in html


def test_each_row_links_to_the_trainee_and_lists_blocking_findings_before_lapsing_ones(
    admin_client, people
):
    response = admin_client.get(BOARD, people)
    html = response.text
    entries = {row.name: findings for row, findings in response.context["entries"]}
    elena = next(row for row, _ in response.context["entries"] if "Elena" in row.name)
    assert reverse("trainees:detail", args=[elena.trainee_id]) in html
    assert [f.requirement for f in entries[elena.name]] == ["course:UNMEM", "language"]
    assert "No UNMEM course certificate." in html
    assert "Driving licence expires on" in html
    assert "Meets every requirement." in html


def test_the_verdict_filter_keeps_the_counts_and_narrows_the_list(admin_client, people):
    response = admin_client.get(BOARD, {**people, "verdict": "not_ready"})
    board = response.context["board"]
    assert names(board.rows) == ["Dario", "Elena"]
    assert board.total == 5
    assert "2 of 5 shown." in response.text


def test_the_lacks_filter_and_lacks_only_this(admin_client, people):
    lacking_french = admin_client.get(BOARD, {**people, "lacks": "language"})
    assert names(lacking_french.context["board"].rows) == ["Dario", "Elena"]
    only_french = admin_client.get(BOARD, {**people, "lacks": "language", "only": "on"})
    assert names(only_french.context["board"].rows) == ["Dario"]


def test_the_name_search_narrows_the_list(admin_client, people):
    response = admin_client.get(BOARD, {**people, "q": "carl"})
    assert names(response.context["board"].rows) == ["Carla"]


def test_an_empty_date_means_today(admin_client, people):
    response = admin_client.get(BOARD, {**people, "date": ""})
    assert response.status_code == 200
    assert response.context["board"].on == datetime.date.today()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date": "31/02/2027"}, "date", "Enter a valid date."),
        ({"date": "9999-12-31"}, "date", "Choose a date between 1950-01-01 and 2100-12-31."),
        ({"lacks": "course:NOPE"}, "lacks", "“course:NOPE” is not a requirement of"),
        ({"verdict": "maybe"}, "verdict", "Select a valid choice."),
        ({"mission": "999999"}, "mission", "Select a valid choice."),
        ({"profile": "abc"}, "profile", "Select a valid choice."),
        ({"profile": "9" * 30}, "profile", "Select a valid choice."),
        ({"mission": ""}, "mission", "This field is required."),
    ],
)
def test_a_bad_question_shows_the_form_with_its_error_and_a_400(
    admin_client, people, change, field, message
):
    for url in (BOARD, reverse("readiness:board-csv"), reverse("readiness:board-xlsx")):
        response = admin_client.get(url, {**people, **change})
        assert response.status_code == 400, url
        assert "board" not in response.context
        assert any(message in error for error in response.context["form"].errors[field])
        assert escape(message) in response.text


def test_an_unknown_lacks_key_lists_the_valid_ones(admin_client, people):
    response = admin_client.get(BOARD, {**people, "lacks": "french"})
    [error] = response.context["form"].errors["lacks"]
    assert "course:UNMEM" in error and "language" in error and "clearance:passport" in error


def test_a_profile_of_another_mission_is_refused(admin_client, people):
    profile = DeploymentProfile.objects.get(name_en=OBSERVER)
    profile.mission = Mission.objects.get(acronym="UNTSO")
    profile.save()
    response = admin_client.get(BOARD, people)
    assert response.status_code == 400
    assert response.context["form"].errors["profile"] == ["This profile is for UNTSO only."]


# ------------------------------------------------------------------ the downloads


def test_the_csv_holds_the_filtered_rows_of_the_page(admin_client, people):
    query = {**people, "lacks": "language"}
    page = admin_client.get(BOARD, query).context["board"]
    response = admin_client.get(reverse("readiness:board-csv"), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="cecopam-readiness-minurso-2027-03-01.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert header[:3] == ["Trainee ID", "Name", "Rank"]
    assert [(int(r[0]), r[1], r[7]) for r in rows] == [
        (row.trainee_id, row.name, row.verdict.value) for row in page.rows
    ]
    dario = rows[0]
    assert dario[4:7] == ["MX", "M", "military_observer"]
    assert dario[8] == "Not ready"
    assert dario[9] == "French or English B2 required, has French B1."


def test_the_xlsx_holds_the_same_rows_as_the_page_with_dates_as_dates(admin_client, people):
    query = {**people, "verdict": "ready_expiring"}
    page = admin_client.get(BOARD, query).context["board"]
    response = admin_client.get(reverse("readiness:board-xlsx"), query)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[1] == "Name" and header[-1] == "First lapse"
    assert [(r[0], r[1], r[7]) for r in rows] == [
        (row.trainee_id, row.name, row.verdict.value) for row in page.rows
    ]
    [carla] = rows
    assert carla[-1].date() == ON + datetime.timedelta(days=30)
    assert carla[9].startswith("Driving licence expires on")


def test_text_a_spreadsheet_would_run_is_neutralised(admin_client, question):
    an_observer(9, first_surname="=HYPERLINK(1)", second_surname="", rank="+cmd")
    response = admin_client.get(reverse("readiness:board-csv"), question)
    [_header, row] = list(csv.reader(io.StringIO(response.content.decode()[1:])))
    assert row[1:3] == ["'=HYPERLINK(1), Persona9", "'+cmd"]


# ------------------------------------------------------------------ many people


def queries_for_the_page(client, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(BOARD, query)
    assert response.status_code == 200
    return len(captured)


def test_the_page_runs_the_same_queries_for_10_or_60_people_and_pages_by_50(admin_client, question):
    courses = list(Course.objects.filter(code__in=["CPTM", "UNMEM"]))
    population(10, courses=courses, on=ON, seed=1)
    admin_client.get(BOARD, question)  # the session and the user are loaded once
    few = queries_for_the_page(admin_client, question)
    population(50, courses=courses, on=ON, seed=2, start=10)
    many = queries_for_the_page(admin_client, question)
    assert few == many
    response = admin_client.get(BOARD, {**question, "page": 2})
    assert response.context["board"].total == 60
    assert len(response.context["entries"]) == 10
    assert "Page 2 of 2" in response.text
