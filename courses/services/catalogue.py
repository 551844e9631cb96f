"""Writing the catalogue: courses and their assessment components."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import AssessmentComponent, Course


def course_components_check(*, course: Course) -> None:
    """Refuse a course whose components' weights do not add up to 100."""
    # From the table, not course.components.all(): a course loaded for its edit page has its
    # components prefetched, and those are the weights from before the save.
    weights = list(
        AssessmentComponent.objects.filter(course=course).values_list("weight", flat=True)
    )
    total = sum(weights, Decimal(0))
    if not weights:
        raise ValidationError(_("A course needs at least one assessment component."))
    if total != 100:
        raise ValidationError(
            _("The weights of the components add up to %(total)s %%; they must add up to 100 %%.")
            % {"total": f"{total.normalize():f}"}
        )


@transaction.atomic
def course_create(
    *,
    code: str,
    title_es: str,
    title_en: str,
    category: str,
    hours: int,
    pass_mark: Decimal,
    min_attendance_percent: int,
    components: Iterable[dict],
    validity_months: int | None = None,
    description: str = "",
    learning_outcomes: str = "",
    prerequisites: Iterable[Course] = (),
    un_recognition_reference: str = "",
    un_recognition_expires_on=None,
) -> Course:
    """Create a course with its components (dicts of AssessmentComponent fields), all or
    nothing; the weights must add up to 100."""
    course = Course(
        code=code,
        title_es=title_es,
        title_en=title_en,
        category=category,
        hours=hours,
        pass_mark=pass_mark,
        min_attendance_percent=min_attendance_percent,
        validity_months=validity_months,
        description=description,
        learning_outcomes=learning_outcomes,
        un_recognition_reference=un_recognition_reference,
        un_recognition_expires_on=un_recognition_expires_on,
    )
    course.full_clean()
    course.save()
    course.prerequisites.set(prerequisites)
    for order, fields in enumerate(components, start=1):
        component = AssessmentComponent(course=course, order=order, **fields)
        component.full_clean()
        component.save()
    course_components_check(course=course)
    return course


@transaction.atomic
def course_save(*, form, components) -> Course:
    """Save a course form and its components formset, all or nothing.

    Both must be valid. The weights are checked again once saved; a ValidationError rolls
    everything back.
    """
    course = form.save()
    components.instance = course
    components.save()
    course_components_check(course=course)
    return course
