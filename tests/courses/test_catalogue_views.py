"""The catalogue pages: administrators list, read, create and edit courses and their
assessment components; nobody else gets in."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import AssessmentComponent, Course
from tests.courses.helpers import a_course, a_session

pytestmark = pytest.mark.django_db


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_list_shows_each_course_in_the_page_language(client, administrator):
    ihl = a_course("DIH", title_es="Derecho internacional humanitario", title_en="IHL")
    a_course("CPTM", title_es="Capacitación básica", title_en="Core training", prerequisites=[ihl])
    client.force_login(administrator)

    spanish = client.get(reverse("courses:course-list"))
    assert spanish.status_code == 200
    assert '<html lang="es-mx">' in spanish.text
    assert "Derecho internacional humanitario" in spanish.text
    assert "Capacitación básica" in spanish.text and "Core training" not in spanish.text

    english = in_english(client).get(reverse("courses:course-list"))
    assert english.status_code == 200
    assert "Core training" in english.text and "Capacitación básica" not in english.text
    row = english.text.split("Core training", 1)[1].split("</tr>", 1)[0]
    assert "24 months" in row  # validity
    assert ">2<" in row.replace(" ", "")  # components
    assert ">DIH</a>" in row  # prerequisite


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_runs_as_many_queries_for_30_courses_as_for_3(client, administrator):
    client.force_login(administrator)
    url = reverse("courses:course-list")
    base = a_course("BASE")
    for n in range(3):
        a_course(f"C{n:02d}", prerequisites=[base])
    few = queries_for(client, url)
    for n in range(3, 30):
        a_course(f"C{n:02d}", prerequisites=[base])
    assert queries_for(client, url) == few


@pytest.mark.parametrize("fixture", ["instructor", "trainee_user"])
@pytest.mark.parametrize("name", ["course-list", "course-create"])
def test_only_administrators_see_the_catalogue_pages(client, request, fixture, name):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse(f"courses:{name}")).status_code == 403


@pytest.mark.parametrize("fixture", ["instructor", "trainee_user"])
def test_only_administrators_see_or_edit_a_course(client, request, fixture):
    course = a_course()
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("courses:course-detail", args=[course.pk])).status_code == 403
    assert client.get(reverse("courses:course-edit", args=[course.pk])).status_code == 403
    data = course_data(**{"course-code": "HACK"})
    assert client.post(reverse("courses:course-edit", args=[course.pk]), data).status_code == 403
    assert Course.objects.get(pk=course.pk).code == "UOF"


def test_the_detail_shows_outcomes_components_recognition_and_sessions(client, administrator):
    cptm = a_course("CPTM", title_es="Capacitación básica", title_en="Core training")
    course = a_course(
        learning_outcomes="Aplicar la escalada de fuerza\n\nDocumentar un incidente\n",
        un_recognition_reference="ITS-2024-117",
        un_recognition_expires_on=datetime.date(2027, 6, 30),
        prerequisites=[cptm],
    )
    a_session(course, "UOF-2026-01")
    client.force_login(administrator)
    response = in_english(client).get(reverse("courses:course-detail", args=[course.pk]))
    assert response.status_code == 200
    text = response.text
    assert "<li>Aplicar la escalada de fuerza</li>" in text
    assert "<li>Documentar un incidente</li>" in text
    assert "ITS-2024-117" in text and "expires on June 30, 2027" in text
    components = text.split("Assessment components", 1)[1].split("</table>", 1)[0]
    assert "Written exam" in components and "Practical scenario" in components
    assert components.count(">Critical</span>") == 1
    assert "60 %" in components and "40 %" in components
    assert "CPTM · Core training" in text
    assert "UOF-2026-01" in text.split('id="sessions-heading"', 1)[1]


def test_the_detail_answers_in_spanish_too(client, administrator):
    course = a_course(un_recognition_reference="ITS-1", un_recognition_expires_on="2027-06-30")
    client.force_login(administrator)
    text = client.get(reverse("courses:course-detail", args=[course.pk])).text
    assert "Uso de la fuerza" in text and "Escenario práctico" in text
    assert "30 de junio de 2027" in text.lower()


def test_an_unknown_course_is_not_found(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("courses:course-detail", args=[999])).status_code == 404
    assert client.get(reverse("courses:course-edit", args=[999])).status_code == 404


# ------------------------------------------------------------------ the form
def course_data(components=None, **overrides):
    components = (
        components
        if components is not None
        else [
            ("Examen escrito", "Written exam", "40", "100", "60", False),
            ("Práctica de tiro", "Shooting practice", "60", "50", "40", True),
        ]
    )
    data = {
        "course-code": "POC", "course-title_es": "Protección de civiles",
        "course-title_en": "Protection of civilians", "course-category": "poc",
        "course-hours": "30", "course-pass_mark": "70", "course-min_attendance_percent": "90",
        "course-validity_months": "36", "course-description": "",
        "course-learning_outcomes": "Identificar amenazas\nProteger",
        "course-un_recognition_reference": "", "course-un_recognition_expires_on": "",
        "components-TOTAL_FORMS": str(len(components)), "components-INITIAL_FORMS": "0",
    }  # fmt: skip
    for n, (name_es, name_en, weight, max_score, pass_mark, critical) in enumerate(components):
        data.update({
            f"components-{n}-name_es": name_es, f"components-{n}-name_en": name_en,
            f"components-{n}-weight": weight, f"components-{n}-max_score": max_score,
            f"components-{n}-pass_mark": pass_mark, f"components-{n}-order": str(n + 1),
        })  # fmt: skip
        if critical:
            data[f"components-{n}-critical"] = "on"
    data.update(overrides)
    return data


def test_administrator_creates_a_course_with_its_components(client, administrator):
    cptm = a_course("CPTM")
    client.force_login(administrator)
    response = client.post(
        reverse("courses:course-create"), course_data(**{"course-prerequisites": [cptm.pk]})
    )
    course = Course.objects.get(code="POC")
    assert response["Location"] == reverse("courses:course-detail", args=[course.pk])
    assert list(course.prerequisites.all()) == [cptm]
    components = list(course.components.order_by("order"))
    assert [(c.name_en, c.weight, c.critical) for c in components] == [
        ("Written exam", Decimal(40), False),
        ("Shooting practice", Decimal(60), True),
    ]
    assert course.history.get().history_user == administrator
    page = client.get(response["Location"]).text
    assert "POC" in page and "Práctica de tiro" in page


def test_weights_that_do_not_add_up_to_100_save_nothing_and_give_the_sum(client, administrator):
    client.force_login(administrator)
    components = [
        ("Examen", "Exam", "40", "100", "60", False),
        ("Práctica", "Practice", "50", "100", "60", True),
    ]
    response = in_english(client).post(
        reverse("courses:course-create"), course_data(components=components)
    )
    assert response.status_code == 400
    assert "The weights add up to 90 %; they must add up to 100 %." in response.text
    assert "Nothing was saved" in response.text
    assert 'value="Práctica"' in response.text  # what was typed is still there
    assert not Course.objects.filter(code="POC").exists()


def test_the_weights_message_comes_in_spanish_by_default(client, administrator):
    client.force_login(administrator)
    components = [("Examen", "Exam", "40", "100", "60", False)]
    response = client.post(reverse("courses:course-create"), course_data(components=components))
    assert response.status_code == 400
    assert '<html lang="es-mx">' in response.text
    assert "40 %" in response.text and "100 %" in response.text
    assert not Course.objects.filter(code="POC").exists()


def test_a_course_without_components_is_refused(client, administrator):
    client.force_login(administrator)
    response = in_english(client).post(reverse("courses:course-create"), course_data([]))
    assert response.status_code == 400
    assert "A course needs at least one assessment component." in response.text
    assert not Course.objects.exists()


def test_a_pass_mark_above_the_maximum_score_is_refused(client, administrator):
    client.force_login(administrator)
    components = [
        ("Examen", "Exam", "40", "100", "60", False),
        ("Práctica", "Practice", "60", "50", "55", True),
    ]
    response = in_english(client).post(
        reverse("courses:course-create"), course_data(components=components)
    )
    assert response.status_code == 400
    assert "The pass mark (55) cannot be above the maximum score (50)." in response.text
    assert not Course.objects.filter(code="POC").exists()


def test_a_bad_course_field_is_refused_with_the_components_kept(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("courses:course-create"), course_data(**{"course-hours": "0"}))
    assert response.status_code == 400
    assert 'value="Práctica de tiro"' in response.text
    assert not Course.objects.exists() and not AssessmentComponent.objects.exists()


def test_when_the_service_refuses_nothing_is_saved_and_the_page_says_why(
    client, administrator, monkeypatch
):
    def refuse(*, course):
        raise ValidationError("Weights changed meanwhile.")

    monkeypatch.setattr("courses.services.catalogue.course_components_check", refuse)
    client.force_login(administrator)
    response = client.post(reverse("courses:course-create"), course_data())
    assert response.status_code == 400
    assert "Weights changed meanwhile." in response.text
    assert not Course.objects.exists() and not AssessmentComponent.objects.exists()


def test_a_course_is_never_offered_as_its_own_prerequisite(client, administrator):
    course = a_course()
    other = a_course("DIH")
    client.force_login(administrator)
    form = client.get(reverse("courses:course-edit", args=[course.pk])).context["form"]
    assert list(form.fields["prerequisites"].queryset) == [other]
    new = client.get(reverse("courses:course-create")).context["form"]
    assert set(new.fields["prerequisites"].queryset) == {course, other}


def edit_data(course, **overrides):
    components = list(course.components.order_by("order"))
    data = {
        "course-code": course.code, "course-title_es": course.title_es,
        "course-title_en": course.title_en, "course-category": course.category,
        "course-hours": course.hours, "course-pass_mark": course.pass_mark,
        "course-min_attendance_percent": course.min_attendance_percent,
        "course-validity_months": course.validity_months or "",
        "components-TOTAL_FORMS": str(len(components)),
        "components-INITIAL_FORMS": str(len(components)),
    }  # fmt: skip
    for n, c in enumerate(components):
        data.update({
            f"components-{n}-id": c.pk, f"components-{n}-course": course.pk,
            f"components-{n}-name_es": c.name_es, f"components-{n}-name_en": c.name_en,
            f"components-{n}-weight": c.weight, f"components-{n}-max_score": c.max_score,
            f"components-{n}-pass_mark": c.pass_mark, f"components-{n}-order": c.order,
        })  # fmt: skip
        if c.critical:
            data[f"components-{n}-critical"] = "on"
    data.update(overrides)
    return data


def test_administrator_removes_one_component_and_adds_another(client, administrator):
    course = a_course()
    written = course.components.order_by("order").first()
    client.force_login(administrator)
    data = edit_data(
        course,
        **{
            "components-0-DELETE": "on",
            "components-TOTAL_FORMS": "3",
            "components-2-name_es": "Examen oral", "components-2-name_en": "Oral exam",
            "components-2-weight": "40", "components-2-max_score": "10",
            "components-2-pass_mark": "6", "components-2-order": "3",
        },
    )  # fmt: skip
    response = client.post(reverse("courses:course-edit", args=[course.pk]), data)
    assert response.status_code == 302
    assert {c.name_en for c in course.components.all()} == {"Practical scenario", "Oral exam"}
    assert not AssessmentComponent.objects.filter(pk=written.pk).exists()


def test_removing_a_component_that_leaves_90_is_refused_and_keeps_it(client, administrator):
    course = a_course()
    client.force_login(administrator)
    data = edit_data(course, **{"components-0-DELETE": "on"})
    response = in_english(client).post(reverse("courses:course-edit", args=[course.pk]), data)
    assert response.status_code == 400
    assert "The weights add up to 60 %; they must add up to 100 %." in response.text
    assert course.components.count() == 2


def test_a_prerequisite_that_requires_this_course_is_refused(client, administrator):
    cptm = a_course("CPTM")
    staff = a_course("STAFF", prerequisites=[cptm])
    client.force_login(administrator)
    data = edit_data(cptm, **{"course-prerequisites": [staff.pk]})
    response = in_english(client).post(reverse("courses:course-edit", args=[cptm.pk]), data)
    assert response.status_code == 400
    assert "STAFF already require this course" in response.text
    assert not cptm.prerequisites.exists()


# ------------------------------------------------------------------ the back office
def test_the_back_office_shows_courses_sessions_and_enrolments_read_only(
    client, administrator, instructor
):
    course = a_course()
    session = a_session(course, status="open")
    client.force_login(administrator)
    page = client.get(reverse("admin:courses_course_change", args=[course.pk]))
    assert page.status_code == 200
    assert "Escenario práctico" in page.text and "Practical scenario" in page.text
    assert 'name="code"' not in page.text  # shown, not editable
    assert client.get(reverse("admin:courses_coursesession_changelist")).status_code == 200
    assert client.get(reverse("admin:courses_enrolment_changelist")).status_code == 200
    assert client.get(reverse("admin:courses_course_add")).status_code == 403
    response = client.post(
        reverse("admin:courses_coursesession_change", args=[session.pk]), {"capacity": "1"}
    )
    assert response.status_code == 403
    assert Course.objects.get(pk=course.pk).sessions.get().capacity == 20
    client.force_login(instructor)
    response = client.get(reverse("admin:courses_course_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_post_without_the_components_table_is_refused_not_crashed(client, administrator):
    client.force_login(administrator)
    data = {k: v for k, v in course_data().items() if not k.startswith("components-")}
    response = client.post(reverse("courses:course-create"), data)
    assert response.status_code == 400
    assert not Course.objects.exists()
