"""The whole journey of a course, in Spanish and in English: an administrator creates a
course with its components and a session, enrols trainees (the last one goes to the
waitlist); the instructor starts the session, takes attendance, fills the gradebook and
finalises; the trainee finds the result in their portal."""

import re
from functools import partial

import pytest
from playwright.sync_api import expect

from cecopam.demo import DEMO_PASSWORD
from courses.models import Course, CourseSession, Enrolment
from tests.e2e.signing import sign_in as sign_in_with
from trainees.models import Trainee

WORDS = {
    "es": {"passed": "Aprobado", "failed": "Reprobado", "waitlisted": "lista de espera"},
    "en": {"passed": "Passed", "failed": "Failed", "waitlisted": "waitlisted"},
}

# The demo accounts' password.
sign_in = partial(sign_in_with, password=DEMO_PASSWORD)


def move_button(page, to):
    return page.locator(f"form:has(input[name='to'][value='{to}']) button[type='submit']")


def enrol(page, session, trainee):
    page.goto(f"{page.url.split('/courses/')[0]}/courses/sessions/{session.pk}/enrol/")
    page.locator("input[name='q']").fill(trainee.service_number)
    page.locator("main form[method='get'] button[type='submit']").first.click()
    page.locator(f"#trainee-{trainee.pk}").check()
    page.locator("main form[method='post'] button[type='submit']").click()
    expect(page.locator(".alert-success")).to_be_visible()


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_course_from_the_catalogue_to_the_trainees_result(
    page, live_server, demo_centre, screenshot, language
):
    words = WORDS[language]
    me = Trainee.objects.get(user__username="trainee")
    others = list(Trainee.objects.filter(user__isnull=True).order_by("pk")[:2])

    # The administrator: a course with a critical component, and a session of two seats.
    sign_in(page, live_server, "admin", language)
    page.goto(live_server.url + "/courses/new/")
    page.locator("input[name='course-code']").fill("NEGO")
    page.locator("input[name='course-title_es']").fill("Negociación y mediación")
    page.locator("input[name='course-title_en']").fill("Negotiation and mediation")
    page.locator("select[name='course-category']").select_option("other")
    page.locator("input[name='course-hours']").fill("20")
    page.locator("input[name='course-pass_mark']").fill("70")
    page.locator("input[name='course-min_attendance_percent']").fill("80")
    for n, (es, en, weight, critical) in enumerate(
        [("Examen", "Exam", "40", False), ("Simulación", "Simulation", "60", True)]
    ):
        if n:
            page.locator("[data-formset-add]").click()
        page.locator(f"input[name='components-{n}-name_es']").fill(es)
        page.locator(f"input[name='components-{n}-name_en']").fill(en)
        page.locator(f"input[name='components-{n}-weight']").fill(weight)
        page.locator(f"input[name='components-{n}-max_score']").fill("100")
        page.locator(f"input[name='components-{n}-pass_mark']").fill("70")
        if critical:
            page.locator(f"input[name='components-{n}-critical']").check()
    page.locator("main form button[type='submit']").last.click()
    expect(page.get_by_role("heading", name=re.compile("NEGO"), level=1)).to_be_visible()
    course = Course.objects.get(code="NEGO")

    page.goto(f"{live_server.url}/courses/sessions/new/?course={course.pk}")
    page.locator("input[name='code']").fill("NEGO-2027-09")
    page.locator("input[name='start_date']").fill("2027-09-06")
    page.locator("input[name='end_date']").fill("2027-09-10")
    page.locator("input[name='venue']").fill("CECOPAM, aula 2")
    page.locator("input[name='capacity']").fill("2")
    page.get_by_label("Carlos Benítez Arriaga").check()
    page.locator("main form button[type='submit']").last.click()
    expect(page.get_by_role("heading", name=re.compile("NEGO-2027-09"), level=1)).to_be_visible()
    session = CourseSession.objects.get(code="NEGO-2027-09")
    move_button(page, "open").click()
    expect(move_button(page, "open")).to_have_count(0)

    # Three trainees for two seats: the third waits.
    for trainee in (me, *others):
        enrol(page, session, trainee)
    expect(page.locator(".alert-success")).to_contain_text(words["waitlisted"])
    statuses = dict(Enrolment.objects.filter(session=session).values_list("trainee", "status"))
    assert statuses == {me.pk: "confirmed", others[0].pk: "confirmed", others[1].pk: "waitlisted"}
    screenshot(f"journey-enrolled-{language}")

    # The instructor: start, attendance, gradebook, finalise.
    sign_in(page, live_server, "instructor1", language)
    page.goto(f"{live_server.url}/courses/sessions/{session.pk}/")
    move_button(page, "in_progress").click()
    expect(move_button(page, "in_progress")).to_have_count(0)
    page.goto(f"{live_server.url}/courses/sessions/{session.pk}/attendance/")
    for button in page.locator("button[data-mark-present]").all():
        button.click()
    page.locator("form.grid-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    screenshot(f"journey-attendance-{language}")

    page.goto(f"{live_server.url}/courses/sessions/{session.pk}/gradebook/")
    exam, simulation = course.components.order_by("order")
    mine = Enrolment.objects.get(session=session, trainee=me)
    theirs = Enrolment.objects.get(session=session, trainee=others[0])
    for enrolment, scores in ((mine, ("80", "90")), (theirs, ("95", "60"))):
        page.locator(f"input[name='score-{enrolment.pk}-{exam.pk}']").fill(scores[0])
        page.locator(f"input[name='score-{enrolment.pk}-{simulation.pk}']").fill(scores[1])
    page.locator("form.grid-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    screenshot(f"journey-gradebook-{language}")

    page.goto(f"{live_server.url}/courses/sessions/{session.pk}/finalise/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert CourseSession.objects.get(pk=session.pk).status == "completed"
    # 80 × 0.4 + 90 × 0.6 = 86 passes; 95 × 0.4 + 60 × 0.6 = 74 is over 70, but the critical
    # simulation is under its 70.
    assert Enrolment.objects.get(pk=mine.pk).status == "passed"
    assert Enrolment.objects.get(pk=theirs.pk).status == "failed"
    screenshot(f"journey-finalised-{language}")

    # The trainee: the result in the portal.
    sign_in(page, live_server, "trainee", language)
    page.goto(live_server.url + "/me/")
    row = page.get_by_role("row", name=re.compile("NEGO-2027-09"))
    expect(row).to_contain_text(words["passed"])
    expect(row).to_contain_text("86.00")
    screenshot(f"journey-portal-{language}")
