"""An instructor takes attendance, fills the gradebook with the keyboard, saves, finalises; an
administrator sees who did it and may reopen. Both grids work with the keyboard alone.
Screenshots in Spanish and English."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from courses.models import Attendance, CourseSession, Score
from courses.services import session_transition
from tests.courses.helpers import a_session, seated
from tests.e2e.signing import sign_in
from tests.factories import make_user

WEEK = [datetime.date(2026, 3, 2) + datetime.timedelta(days=n) for n in range(5)]
# (written exam, practical scenario) typed for each trainee, in the order of the rows.
SCORES = [("80", "75"), ("95.5", "65"), ("70", "90"), ("88", "92")]


@pytest.fixture
def session_in_progress(transactional_db):
    instructor = make_user("ivan.instructor", role="instructor")
    instructor.first_name, instructor.last_name = "Iván", "Cárdenas Soto"
    instructor.save()
    make_user("ana.admin", role="administrator")
    session = a_session(status="open", instructors=[instructor])
    enrolments = seated(session, 4)
    session = session_transition(session=session, to="in_progress")
    return session, sorted(enrolments, key=lambda e: e.trainee.given_names)


def focused_name(page) -> str:
    return page.evaluate("document.activeElement.name")


def tab_to(page, selector: str) -> None:
    """Press Tab, as a keyboard user does, until the element ``selector`` has the focus."""
    for _ in range(100):
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reaches {selector}")


def skip_to_main_content(page) -> None:
    """The first Tab of a page lands on the skip link; Enter moves on to the page's content."""
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Enter")


def test_attendance_and_gradebook_are_taken_with_the_keyboard_alone(
    page, live_server, session_in_progress, screenshot
):
    session, enrolments = session_in_progress
    base = f"{live_server.url}/courses/sessions/{session.pk}"
    sign_in(page, live_server, "ivan.instructor")

    # Attendance: each day's "All present" pressed with Enter or Space, then two corrections
    # with the arrow keys in one trainee's cells, and the sheet saved from its button.
    page.goto(base + "/attendance/")
    skip_to_main_content(page)
    for n, day in enumerate(WEEK):
        tab_to(page, f"button[data-mark-present='{day.isoformat()}']")
        page.keyboard.press("Enter" if n % 2 else " ")
    absent, excused = enrolments[3], enrolments[1]
    tab_to(page, f"select[name='att-{excused.pk}-{WEEK[2].isoformat()}']")
    page.keyboard.press("ArrowDown")  # present → absent
    page.keyboard.press("ArrowDown")  # absent → excused
    tab_to(page, f"select[name='att-{absent.pk}-{WEEK[4].isoformat()}']")
    page.keyboard.press("ArrowDown")  # present → absent
    tab_to(page, "form.grid-form button[type=submit]")
    screenshot("grid-attendance-keyboard-es")
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_be_visible()
    marks = {
        (a.enrolment_id, a.day): a.status
        for a in Attendance.objects.filter(enrolment__session=session)
    }
    assert len(marks) == 4 * 5
    assert marks[(excused.pk, WEEK[2])] == "excused"
    assert marks[(absent.pk, WEEK[4])] == "absent"
    assert sum(status == "present" for status in marks.values()) == 4 * 5 - 2

    # Gradebook: from the first cell, type a score and Tab to the next, row after row; after
    # the last cell Tab reaches "Save scores", and Enter saves.
    page.goto(base + "/gradebook/")
    written, practical = session.course.components.order_by("order")
    skip_to_main_content(page)
    tab_to(page, f"input[name='score-{enrolments[0].pk}-{written.pk}']")
    for scores in SCORES:
        for score in scores:
            page.keyboard.type(score)
            page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Guardar calificaciones"
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_be_visible()
    saved = {
        (s.enrolment_id, s.component_id): s.value for s in Score.objects.filter(value__isnull=False)
    }
    assert saved == {
        (enrolment.pk, component.pk): Decimal(score)
        for enrolment, scores in zip(enrolments, SCORES, strict=True)
        for component, score in zip((written, practical), scores, strict=True)
    }
    expect(page.get_by_role("row", name="García López, Persona1")).to_contain_text("77.20")
    screenshot("grid-gradebook-keyboard-es")


def test_an_instructor_takes_attendance_fills_the_gradebook_by_keyboard_and_finalises(
    page, live_server, session_in_progress, screenshot
):
    session, enrolments = session_in_progress
    base = f"{live_server.url}/courses/sessions/{session.pk}"
    sign_in(page, live_server, "ivan.instructor")

    # Attendance: everyone present every day, with the column buttons, but one trainee
    # absent on two days.
    page.goto(base + "/attendance/")
    expect(page.get_by_role("columnheader", name="Lunes")).to_be_visible()
    screenshot("grid-attendance-empty-es")
    for day in WEEK:
        page.locator(f"button[data-mark-present='{day.isoformat()}']").click()
    absent = enrolments[3]
    for day in WEEK[:2]:
        page.locator(f"select[name='att-{absent.pk}-{day.isoformat()}']").select_option("absent")
    page.locator("form.grid-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert Attendance.objects.filter(status="present").count() == 4 * 5 - 2
    assert Attendance.objects.filter(status="absent", enrolment=absent).count() == 2
    expect(page.get_by_role("row", name="García López, Persona3")).to_contain_text("60 %")
    screenshot("grid-attendance-saved-es")

    # Gradebook: Tab goes along a row, then to the next trainee's row.
    page.goto(base + "/gradebook/")
    written, practical = session.course.components.order_by("order")
    first = page.locator(f"input[name='score-{enrolments[0].pk}-{written.pk}']")
    first.focus()
    for enrolment, (written_score, practical_score) in zip(enrolments, SCORES, strict=True):
        assert focused_name(page) == f"score-{enrolment.pk}-{written.pk}"
        page.keyboard.type(written_score)
        page.keyboard.press("Tab")
        assert focused_name(page) == f"score-{enrolment.pk}-{practical.pk}"
        page.keyboard.type(practical_score)
        page.keyboard.press("Tab")
    # A mistyped score: refused next to its cell, nothing saved, what was typed kept.
    page.locator(f"input[name='score-{enrolments[2].pk}-{practical.pk}']").fill("150")
    screenshot("grid-gradebook-typed-es")
    page.locator("form.grid-form button[type=submit]").click()
    bad = page.locator(f"input[name='score-{enrolments[2].pk}-{practical.pk}']")
    expect(bad).to_have_class("form-control form-control-sm text-end grid-score is-invalid")
    expect(page.locator(f"#id_score-{enrolments[2].pk}-{practical.pk}-error")).to_be_visible()
    expect(page.locator(f"input[name='score-{enrolments[1].pk}-{written.pk}']")).to_have_value(
        "95.5"
    )
    assert not Score.objects.exists()
    screenshot("grid-gradebook-error-es")
    bad.fill("90")
    bad.press("Enter")  # submits the form, like the button
    expect(page.locator(".alert-success")).to_be_visible()
    assert Score.objects.filter(value__isnull=False).count() == 8
    assert Score.objects.get(enrolment=enrolments[1], component=written).value == Decimal("95.5")
    row = page.get_by_role("row", name="García López, Persona1")
    expect(row).to_contain_text("77.20")  # 38.2 + 39
    screenshot("grid-gradebook-saved-es")

    # Finalise: the preview, then the confirmation.
    page.locator(f"a[href='/courses/sessions/{session.pk}/finalise/']").first.click()
    expect(page.get_by_role("row", name="García López, Persona3")).to_contain_text("60 %")
    screenshot("grid-finalise-preview-es")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    session.refresh_from_db()
    assert session.status == CourseSession.Status.COMPLETED and session.results_final
    statuses = dict(session.enrolments.values_list("trainee__given_names", "status"))
    assert statuses == {
        "Persona0": "passed",
        "Persona1": "failed",  # the critical practical scenario under 70
        "Persona2": "passed",
        "Persona3": "failed",  # attendance 60 % under 90 %
    }
    screenshot("grid-finalise-done-es")

    # In English, the gradebook is read-only and says who finalised it.
    page.get_by_role("button", name="English").click()
    page.goto(base + "/gradebook/")
    expect(page.get_by_role("heading", name="Gradebook · UOF-2026-01")).to_be_visible()
    assert page.locator("main input[type=number]").count() == 0
    finalised = page.get_by_text(
        re.compile(r"The results were finalised on .+ by Iván Cárdenas Soto")
    )
    expect(finalised).to_be_visible()
    screenshot("grid-gradebook-final-en")
    page.goto(base + "/attendance/")
    expect(page.get_by_role("columnheader", name="Monday")).to_be_visible()
    assert page.locator("main select").count() == 0
    screenshot("grid-attendance-final-en")
    page.goto(base + "/finalise/")
    expect(page.get_by_text("These are the final results")).to_be_visible()
    screenshot("grid-finalise-final-en")


def test_an_administrator_reopens_finalised_results_in_english(
    page, live_server, session_in_progress, screenshot
):
    from courses.services import attendance_save, gradebook_save, session_finalise

    session, enrolments = session_in_progress
    instructor = session.instructors.get()
    written, practical = session.course.components.order_by("order")
    gradebook_save(
        session=session,
        by=instructor,
        version=0,
        scores={(e.pk, c.pk): Decimal(80) for e in enrolments for c in (written, practical)},
    )
    attendance_save(
        session=session,
        by=instructor,
        marks={(e.pk, day): "present" for e in enrolments for day in WEEK},
    )
    session_finalise(session=session, by=instructor)
    base = f"{live_server.url}/courses/sessions/{session.pk}"

    sign_in(page, live_server, "ana.admin")
    page.get_by_role("button", name="English").click()
    page.goto(base + "/finalise/")
    page.get_by_role("link", name="Reopen the results").click()
    expect(page.get_by_label("Why are the results reopened?")).to_be_visible()
    screenshot("grid-reopen-en")
    page.get_by_label("Why are the results reopened?").fill(
        "The practical scenario of Persona2 was scored on the wrong sheet."
    )
    page.get_by_role("button", name="Reopen the results").click()
    expect(page.get_by_role("heading", name="Gradebook · UOF-2026-01")).to_be_visible()
    expect(page.get_by_role("cell", name="The practical scenario of Persona2")).to_be_visible()
    assert page.locator("main input[type=number]").count() == 8
    screenshot("grid-gradebook-reopened-en")
    session.refresh_from_db()
    assert session.status == CourseSession.Status.IN_PROGRESS and not session.results_final

    # The instructor saves while this page is open: the administrator's save is refused.
    gradebook_save(
        session=session,
        by=instructor,
        version=session.gradebook_version,
        scores={(enrolments[2].pk, practical.pk): Decimal(85)},
    )
    page.locator(f"input[name='score-{enrolments[2].pk}-{practical.pk}']").fill("60")
    page.locator(f"input[name='score-{enrolments[0].pk}-{written.pk}']").fill("81")
    page.get_by_role("button", name="Save scores").click()
    expect(page.get_by_text("Iván Cárdenas Soto saved this gradebook at")).to_be_visible()
    expect(page.locator(f"input[name='score-{enrolments[2].pk}-{practical.pk}']")).to_have_value(
        "85"
    )
    screenshot("grid-gradebook-stale-en")
    assert Score.objects.get(enrolment=enrolments[2], component=practical).value == 85
    assert Score.objects.get(enrolment=enrolments[0], component=written).value == 80
