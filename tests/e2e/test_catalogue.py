"""An administrator builds the catalogue and schedules a session; an instructor starts it.

The pages are found through links and field names rather than their words, so that the
journey holds whatever the state of the translations; the words checked are the data typed.
"""

import re
from functools import partial

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cecopam.demo import DEMO_PASSWORD
from courses.models import Course, CourseSession
from courses.services import (
    course_create,
    enrolment_create_many,
    session_create,
    session_transition,
)
from tests.e2e.signing import sign_in as sign_in_with
from trainees.models import Trainee

# The demo accounts' password.
sign_in = partial(sign_in_with, password=DEMO_PASSWORD)


def fill_component(page, n, name_es, name_en, weight, max_score, pass_mark, *, critical=False):
    row = f"components-{n}-"
    page.locator(f"input[name='{row}name_es']").fill(name_es)
    page.locator(f"input[name='{row}name_en']").fill(name_en)
    page.locator(f"input[name='{row}weight']").fill(weight)
    page.locator(f"input[name='{row}max_score']").fill(max_score)
    page.locator(f"input[name='{row}pass_mark']").fill(pass_mark)
    if critical:
        page.locator(f"input[name='{row}critical']").check()


def move_button(page, to):
    return page.locator(f"form:has(input[name='to'][value='{to}']) button[type='submit']")


def test_administrator_creates_a_course_and_a_session_and_opens_it(
    page, live_server, demo_centre, screenshot
):
    sign_in(page, live_server, "admin")
    page.locator("#main-nav a[href='/courses/']").click()
    expect(page.get_by_role("heading", name="Cursos", level=1)).to_be_visible()
    expect(page.locator("#main-nav a[href='/courses/']")).to_have_attribute("aria-current", "page")
    screenshot("course-list-es")

    # A new course with two components, one critical; first with weights that add up to 90.
    page.locator("a[href='/courses/new/']").click()
    page.locator("input[name='course-code']").fill("NEGO")
    page.locator("input[name='course-title_es']").fill("Negociación y mediación")
    page.locator("input[name='course-title_en']").fill("Negotiation and mediation")
    page.locator("select[name='course-category']").select_option("other")
    page.locator("input[name='course-hours']").fill("20")
    page.locator("input[name='course-pass_mark']").fill("70")
    page.locator("input[name='course-min_attendance_percent']").fill("90")
    page.locator("input[name='course-validity_months']").fill("36")
    page.locator("textarea[name='course-learning_outcomes']").fill(
        "Preparar una negociación\nMediar entre partes en conflicto"
    )
    fill_component(page, 0, "Examen escrito", "Written exam", "40", "100", "60")
    page.locator("[data-formset-add]").click()
    fill_component(
        page, 1, "Simulación de negociación", "Negotiation simulation", "50", "100", "70",
        critical=True,
    )  # fmt: skip
    expect(page.locator("[data-weight-sum]")).to_have_text("90 %")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("90 %; ")).to_be_visible()
    assert not Course.objects.filter(code="NEGO").exists()
    screenshot("course-form-error-es")

    page.locator("input[name='components-1-weight']").fill("60")
    expect(page.locator("[data-weight-sum]")).to_have_text("100 %")
    screenshot("course-form-es")
    page.get_by_role("button", name="Guardar").click()
    heading = page.get_by_role("heading", name=re.compile("NEGO · Negociación"), level=1)
    expect(heading).to_be_visible()
    components = page.locator("section", has=page.locator("#components-heading"))
    expect(components.get_by_role("row")).to_have_count(3)
    expect(components.get_by_role("row", name=re.compile("Simulación"))).to_contain_text("60 %")
    expect(page.get_by_text("Mediar entre partes en conflicto")).to_be_visible()
    screenshot("course-detail-es")
    course = Course.objects.get(code="NEGO")
    assert [c.critical for c in course.components.order_by("order")] == [False, True]

    # A session of it, taught by Carlos Benítez Arriaga.
    page.locator(f"a[href='/courses/sessions/new/?course={course.pk}']").click()
    expect(page.locator("select[name='course']")).to_have_value(str(course.pk))
    page.locator("input[name='code']").fill("NEGO-2026-01")
    page.locator("input[name='start_date']").fill("2026-03-09")
    page.locator("input[name='end_date']").fill("2026-03-13")
    page.locator("input[name='venue']").fill("CECOPAM, aula 2")
    page.locator("input[name='capacity']").fill("16")
    page.get_by_label("Carlos Benítez Arriaga").check()
    screenshot("session-form-es")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("heading", name=re.compile("NEGO-2026-01"), level=1)).to_be_visible()
    session = CourseSession.objects.get(code="NEGO-2026-01")
    assert session.status == "planned"
    assert [u.username for u in session.instructors.all()] == ["instructor1"]

    # Cancelling asks first; the administrator keeps the session and opens it instead.
    page.locator("[data-bs-target='#cancel-dialog']").click()
    dialog = page.locator("#cancel-dialog")
    expect(dialog).to_be_visible()
    screenshot("session-cancel-dialog-es")
    dialog.locator("button[data-bs-dismiss='modal']").last.click()
    expect(dialog).to_be_hidden()
    move_button(page, "open").click()
    expect(page.locator("h1 .badge")).to_have_class(re.compile("text-bg-primary"))
    assert CourseSession.objects.get(pk=session.pk).status == "open"
    expect(move_button(page, "open")).to_have_count(0)
    screenshot("session-detail-es")

    page.locator("#main-nav a[href='/courses/sessions/']").click()
    expect(page.get_by_role("link", name="NEGO-2026-01")).to_be_visible()
    screenshot("session-list-es")
    page.goto(live_server.url + "/courses/sessions/calendar/?month=2026-03")
    days = page.locator("td", has=page.get_by_role("link", name=re.compile("NEGO-2026-01")))
    expect(days).to_have_count(5)
    screenshot("session-calendar-es")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Sessions in March 2026")).to_be_visible()
    screenshot("session-calendar-en")
    page.get_by_role("link", name=re.compile("NEGO-2026-01")).first.click()
    expect(page.locator("h1 .badge")).to_have_text("Open for enrolment")
    screenshot("session-detail-en")
    page.locator("#main-nav a[href='/courses/']").click()
    expect(page.get_by_role("row", name=re.compile("NEGO"))).to_contain_text(
        "Negotiation and mediation"
    )
    screenshot("course-list-en")


def test_instructor_sees_their_sessions_and_starts_one(page, live_server, demo_centre, screenshot):
    users = get_user_model().objects
    course = course_create(
        code="NEGO", title_es="Negociación y mediación", title_en="Negotiation and mediation",
        category="other", hours=20, pass_mark=70, min_attendance_percent=90,
        components=[{"name_es": "Examen", "name_en": "Exam", "weight": 100, "max_score": 10,
                     "pass_mark": 6}],
    )  # fmt: skip
    mine = session_create(
        code="NEGO-2026-01", course=course, start_date="2026-03-09", end_date="2026-03-13",
        venue="CECOPAM, aula 2", capacity=16, instructors=[users.get(username="instructor1")],
    )  # fmt: skip
    session_transition(session=mine, to="open")
    theirs = session_create(
        code="NEGO-2026-02", course=course, start_date="2026-04-06", end_date="2026-04-10",
        venue="CECOPAM, aula 2", capacity=16, instructors=[users.get(username="instructor2")],
    )  # fmt: skip

    sign_in(page, live_server, "instructor1")
    page.locator("#main-nav a[href='/courses/sessions/']").click()
    expect(page.get_by_role("link", name="NEGO-2026-01")).to_be_visible()
    expect(page.get_by_role("link", name="NEGO-2026-02")).to_have_count(0)
    screenshot("session-list-instructor-es")
    page.get_by_role("link", name="NEGO-2026-01").click()
    expect(move_button(page, "cancelled")).to_have_count(0)
    expect(page.locator("[data-bs-target='#cancel-dialog']")).to_have_count(0)
    move_button(page, "in_progress").click()
    expect(page.locator("h1 .badge")).to_have_class(re.compile("text-bg-warning"))
    assert CourseSession.objects.get(pk=mine.pk).status == "in_progress"
    screenshot("session-detail-instructor-es")
    response = page.goto(f"{live_server.url}/courses/sessions/{theirs.pk}/")
    assert response.status == 404


def test_administrator_reads_the_enrolments_and_a_withdrawal_seats_the_waitlist(
    page, live_server, demo_centre, screenshot
):
    admin = get_user_model().objects.get(username="admin")
    components = [
        {"name_es": "Examen", "name_en": "Exam", "weight": 100, "max_score": 10, "pass_mark": 6}
    ]
    base = course_create(
        code="BASE", title_es="Curso básico", title_en="Basic course", category="other",
        hours=8, pass_mark=70, min_attendance_percent=90, components=components,
    )  # fmt: skip
    course = course_create(
        code="NEGO", title_es="Negociación y mediación", title_en="Negotiation and mediation",
        category="other", hours=20, pass_mark=70, min_attendance_percent=90,
        components=components, prerequisites=[base],
    )  # fmt: skip
    session = session_create(
        code="NEGO-2026-01", course=course, start_date="2026-03-09", end_date="2026-03-13",
        venue="CECOPAM, aula 2", capacity=2,
    )  # fmt: skip
    session = session_transition(session=session, to="open")
    trainees = list(Trainee.objects.order_by("pk")[:4])
    enrolment_create_many(
        session=session,
        trainees=trainees,
        by=admin,
        override_reason="Acreditó un curso equivalente en su institución",
    )

    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/courses/sessions/{session.pk}/")
    table = page.locator("section", has=page.locator("#enrolments-heading"))
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table).to_contain_text("Acreditó un curso equivalente")
    expect(table).to_contain_text("Patricia Villaseñor Ochoa")
    screenshot("session-enrolments-es")

    first = table.locator("tbody tr", has_text=trainees[0].full_name)
    first.locator("form:not(:has(input[name='no_show'])) button").click()
    expect(page.locator(".alert-success")).to_contain_text(trainees[0].full_name)
    statuses = dict(session.enrolments.values_list("trainee_id", "status"))
    assert statuses[trainees[0].pk] == "withdrawn"
    assert statuses[trainees[2].pk] == "confirmed"  # first of the waitlist
    assert statuses[trainees[3].pk] == "waitlisted"
    screenshot("session-enrolments-after-withdrawal-es")
