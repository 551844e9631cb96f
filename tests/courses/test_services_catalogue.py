"""The catalogue services: a course and its components are saved whole, or not at all."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory, modelform_factory
from django.utils import translation

from courses.models import AssessmentComponent, Course
from courses.selectors import course_get
from courses.services import course_save
from tests.courses.helpers import USE_OF_FORCE_COMPONENTS, a_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are read in English here (msgids); Spanish is the translators' business."""
    with translation.override("en"):
        yield


def component(name, weight, *, max_score=100, pass_mark=50, critical=False):
    return {
        "name_es": name,
        "name_en": name,
        "weight": Decimal(weight),
        "max_score": Decimal(max_score),
        "pass_mark": Decimal(pass_mark),
        "critical": critical,
    }


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_a_course_is_created_with_its_components_in_order():
    course = a_course(prerequisites=[a_course("CPTM", category="cptm")])
    assert [(c.name_en, c.weight, c.critical, c.order) for c in course.components.all()] == [
        ("Written exam", Decimal(40), False, 1),
        ("Practical scenario", Decimal(60), True, 2),
    ]
    assert [p.code for p in course.prerequisites.all()] == ["CPTM"]


def test_weights_that_do_not_add_up_to_100_are_refused_naming_the_sum_and_nothing_is_saved():
    prerequisite = a_course("CPTM", category="cptm")
    with pytest.raises(ValidationError) as refused:
        a_course(
            components=[component("Escrito", 40), component("Práctica", 50)],
            prerequisites=[prerequisite],
        )
    assert "90 %" in messages(refused.value)
    assert "100 %" in messages(refused.value)
    assert not Course.objects.filter(code="UOF").exists()
    assert AssessmentComponent.objects.filter(course__code="UOF").count() == 0
    assert Course.prerequisites.through.objects.count() == 0
    assert Course.history.filter(code="UOF").count() == 0


def test_weights_over_100_are_refused_too_with_their_decimal_sum():
    with pytest.raises(ValidationError) as refused:
        a_course(components=[component("A", "60.5"), component("B", 40)])
    assert "100.5 %" in messages(refused.value)
    assert not Course.objects.exists()


def test_a_course_without_components_is_refused():
    with pytest.raises(ValidationError) as refused:
        a_course(components=[])
    assert "at least one assessment component" in messages(refused.value)
    assert not Course.objects.exists()


def test_a_component_pass_mark_above_its_maximum_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as refused:
        a_course(
            components=[
                component("Escrito", 50),
                component("Tiro", 50, max_score=20, pass_mark=25, critical=True),
            ]
        )
    assert "25" in messages(refused.value)
    assert "20" in messages(refused.value)
    assert "pass_mark" in refused.value.message_dict
    assert not Course.objects.exists()
    assert not AssessmentComponent.objects.exists()


def test_a_component_pass_mark_equal_to_its_maximum_is_accepted():
    course = a_course(
        components=[component("Escrito", 50), component("Tiro", 50, max_score=20, pass_mark=20)]
    )
    assert course.components.get(name_en="Tiro").pass_mark == Decimal(20)


def test_a_un_recognition_expiry_without_its_reference_is_refused():
    with pytest.raises(ValidationError) as refused:
        a_course(un_recognition_expires_on=datetime.date(2027, 12, 31))
    assert "un_recognition_reference" in refused.value.message_dict
    assert not Course.objects.exists()


def test_a_un_recognition_expiry_with_its_reference_is_kept():
    course = a_course(
        un_recognition_reference="ITS/2025/017",
        un_recognition_expires_on=datetime.date(2027, 12, 31),
    )
    course.refresh_from_db()
    assert course.un_recognition_reference == "ITS/2025/017"
    assert course.un_recognition_expires_on == datetime.date(2027, 12, 31)


def test_a_pass_mark_over_100_is_refused():
    with pytest.raises(ValidationError) as refused:
        a_course(pass_mark=Decimal("100.01"))
    assert "pass_mark" in refused.value.message_dict
    assert not Course.objects.exists()


def test_a_second_course_with_the_same_code_is_refused():
    a_course()
    with pytest.raises(ValidationError) as refused:
        a_course(title_en="Another")
    assert "code" in refused.value.message_dict
    assert Course.objects.get().title_en == "Use of force"


# ------------------------------------------------------------------ course_save (forms)
CourseForm = modelform_factory(Course, fields=["code", "title_es", "title_en", "pass_mark"])
Components = inlineformset_factory(
    Course, AssessmentComponent, fields=["name_es", "name_en", "weight", "max_score", "pass_mark"]
)


def forms_for(course, *, title_en, weights):
    """The course form and its components, as the edit page posts them, weights changed."""
    data = {
        "code": course.code,
        "title_es": course.title_es,
        "title_en": title_en,
        "pass_mark": str(course.pass_mark),
        "components-TOTAL_FORMS": str(len(weights)),
        "components-INITIAL_FORMS": str(course.components.count()),
        "components-MIN_NUM_FORMS": "0",
        "components-MAX_NUM_FORMS": "1000",
    }
    for n, (existing, weight) in enumerate(zip(course.components.all(), weights, strict=True)):
        data |= {
            f"components-{n}-id": str(existing.pk),
            f"components-{n}-course": str(course.pk),
            f"components-{n}-name_es": existing.name_es,
            f"components-{n}-name_en": existing.name_en,
            f"components-{n}-weight": str(weight),
            f"components-{n}-max_score": str(existing.max_score),
            f"components-{n}-pass_mark": str(existing.pass_mark),
        }
    form = CourseForm(data, instance=course)
    formset = Components(data, instance=course, prefix="components")
    assert form.is_valid(), form.errors
    assert formset.is_valid(), formset.errors
    return form, formset


def test_course_save_keeps_the_course_and_components_when_the_weights_add_up():
    course = a_course()
    form, formset = forms_for(course, title_en="Use of force (2026)", weights=[30, 70])
    course_save(form=form, components=formset)
    course.refresh_from_db()
    assert course.title_en == "Use of force (2026)"
    assert [c.weight for c in course.components.all()] == [Decimal(30), Decimal(70)]


def test_course_save_rolls_back_the_course_and_components_when_the_weights_are_wrong():
    course = a_course()
    form, formset = forms_for(course, title_en="Renamed", weights=[30, 60])
    with pytest.raises(ValidationError) as refused:
        course_save(form=form, components=formset)
    assert "90 %" in messages(refused.value)
    course.refresh_from_db()
    assert course.title_en == "Use of force"
    assert [c.weight for c in course.components.all()] == [
        c["weight"] for c in USE_OF_FORCE_COMPONENTS
    ]


def test_course_save_checks_the_weights_saved_not_those_the_page_was_loaded_with():
    # The edit page loads the course with its components prefetched (course_get).
    course = course_get(pk=a_course().pk)
    form, formset = forms_for(course, title_en="Renamed", weights=[30, 60])
    with pytest.raises(ValidationError) as refused:
        course_save(form=form, components=formset)
    assert "90 %" in messages(refused.value)
    course.refresh_from_db()
    assert course.title_en == "Use of force"
    assert sorted(AssessmentComponent.objects.values_list("weight", flat=True)) == [40, 60]
