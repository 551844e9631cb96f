"""The catalogue pages: the list of courses, one course, and the course form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin, access_require_role
from courses.forms.catalogue import ComponentFormSet, CourseForm
from courses.selectors import course_get, course_list, session_list_for_user
from courses.services import course_save


class CourseListView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request):
        return render(request, "courses/course_list.html", {"courses": course_list()})


class CourseDetailView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request, pk):
        course = course_get(pk=pk)
        sessions = session_list_for_user(user=request.user, course=course)
        outcomes = [line.strip() for line in course.learning_outcomes.splitlines() if line.strip()]
        context = {
            "course": course,
            "sessions": sessions,
            "outcomes": outcomes,
            "today": timezone.localdate(),
        }
        return render(request, "courses/course_detail.html", context)


class CourseEditView(RoleRequiredMixin, View):
    """Create (no pk) or edit a course, with its assessment components on the same page."""

    allowed_roles = (Role.ADMINISTRATOR,)

    def dispatch(self, request, *args, pk=None, **kwargs):
        self.course = None
        if pk is not None and request.user.is_authenticated:
            access_require_role(request.user, *self.allowed_roles)
            self.course = course_get(pk=pk)
        # The code as saved, for the heading, whatever is typed into the form.
        self.code = self.course.code if self.course else ""
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None):
        return (
            CourseForm(data, instance=self.course, prefix="course"),
            ComponentFormSet(data, instance=self.course, prefix="components"),
        )

    def get(self, request):
        return self.render(*self.forms())

    def post(self, request):
        form, components = self.forms(request.POST)
        if form.is_valid() and components.is_valid():
            try:
                course = course_save(form=form, components=components)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The course %(code)s was saved.") % {"code": course.code}
                )
                return redirect("courses:course-detail", pk=course.pk)
        return self.render(form, components, status=400)

    def render(self, form, components, status=200):
        context = {
            "form": form,
            "components": components,
            "course": self.course,
            "code": self.code,
        }
        return render(self.request, "courses/course_form.html", context, status=status)
