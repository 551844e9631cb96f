"""The session form: what an administrator schedules (the status moves elsewhere)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cecopam.roles import Role
from courses.models import Course, CourseSession
from trainees.forms import DATE_WIDGET


class InstructorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class SessionForm(forms.ModelForm):
    instructors = InstructorChoiceField(
        label=_("Instructors"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only users with the instructor role are listed."),
    )

    class Meta:
        model = CourseSession
        fields = [
            "code", "course", "start_date", "end_date", "venue", "capacity", "language",
            "instructors",
        ]  # fmt: skip
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.order_by("code")
        if self.instance.pk and self.instance.enrolments.exists():
            # Attendance and scores belong to the course's components: the course stays.
            self.fields["course"].disabled = True
            self.fields["course"].help_text = _(
                "Trainees are enrolled in this session: its course can no longer change."
            )
        # The instructors, and whoever already teaches this session (so that saving the form
        # never drops someone silently).
        who = Q(groups__name=Role.INSTRUCTOR.group_name, is_active=True)
        if self.instance.pk:
            who |= Q(sessions_taught=self.instance)
        self.fields["instructors"].queryset = (
            get_user_model()
            .objects.filter(who)
            .order_by("last_name", "first_name", "username")
            .distinct()
        )
