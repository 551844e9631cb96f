"""The course form and its inline table of assessment components."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from courses.models import AssessmentComponent, Course
from trainees.forms import DATE_WIDGET, TableRowForm


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "code", "title_es", "title_en", "category", "hours", "pass_mark",
            "min_attendance_percent", "validity_months", "prerequisites", "description",
            "learning_outcomes", "un_recognition_reference", "un_recognition_expires_on",
        ]  # fmt: skip
        widgets = {
            "prerequisites": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "learning_outcomes": forms.Textarea(attrs={"rows": 4}),
            "un_recognition_expires_on": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A course is never its own prerequisite: the other courses only.
        others = Course.objects.order_by("code")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["prerequisites"].queryset = others

    def clean_prerequisites(self):
        chosen = self.cleaned_data["prerequisites"]
        if not self.instance.pk:
            return chosen
        # A prerequisite that (directly or through others) requires this course would make a
        # circle nobody could ever enrol into.
        edges: dict[int, set[int]] = {}
        for course_id, required_id in Course.prerequisites.through.objects.values_list(
            "from_course_id", "to_course_id"
        ):
            edges.setdefault(course_id, set()).add(required_id)
        circular = []
        for prerequisite in chosen:
            seen, stack = set(), [prerequisite.pk]
            while stack:
                current = stack.pop()
                if current == self.instance.pk:
                    circular.append(prerequisite.code)
                    break
                if current not in seen:
                    seen.add(current)
                    stack.extend(edges.get(current, ()))
        if circular:
            raise forms.ValidationError(
                _(
                    "%(courses)s already require this course (directly or through other "
                    "courses): it cannot also be their prerequisite."
                ),
                params={"courses": ", ".join(circular)},
            )
        return chosen


class ComponentForm(TableRowForm):
    class Meta:
        model = AssessmentComponent
        fields = ["name_es", "name_en", "weight", "max_score", "pass_mark", "critical", "order"]
        # Their widths are in static/css/app.css (#components-table): no style attribute
        # passes the Content-Security-Policy.
        widgets = {
            "weight": forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "max": "100"}),
            "max_score": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
            "pass_mark": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            "order": forms.NumberInput(attrs={"min": "0", "max": "99"}),
        }


class BaseComponentFormSet(BaseInlineFormSet):
    """The components of a course: at least one, weights adding up to 100, none with scores
    removed."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index >= self.initial_form_count():
            # A new row comes last; the page's "Add a component" button numbers it the same.
            kwargs["initial"] = {"order": index + 1}
        return kwargs

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept, problems = [], []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk and form.instance.scores.exists():
                    problems.append(
                        _("Scores are recorded for “%(name)s”: it cannot be removed.")
                        % {"name": form.instance.name}
                    )
                continue
            kept.append(form.cleaned_data)
        if problems:
            raise forms.ValidationError(problems)
        if not kept:
            raise forms.ValidationError(_("A course needs at least one assessment component."))
        total = sum((data["weight"] for data in kept), Decimal(0))
        if total != 100:
            raise forms.ValidationError(
                _("The weights add up to %(total)s %%; they must add up to 100 %%.")
                % {"total": f"{total.normalize():f}"}
            )


ComponentFormSet = inlineformset_factory(
    Course,
    AssessmentComponent,
    form=ComponentForm,
    formset=BaseComponentFormSet,
    extra=1,
    can_delete=True,
)
