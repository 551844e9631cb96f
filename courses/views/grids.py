"""The pages an instructor works in during a session: the attendance sheet, the gradebook,
finalising the results; and an administrator's reopening of them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin
from courses.forms.grids import AttendanceForm, GradebookForm, ReopenForm
from courses.models import CourseSession
from courses.selectors import (
    attendance_grid,
    gradebook_grid,
    results_audit,
    results_preview,
    session_get_for_user,
)
from courses.services import (
    attendance_save,
    gradebook_save,
    session_finalise,
    session_results_reopen,
)


def grids_editable(session: CourseSession) -> bool:
    """Attendance and scores are taken while the session is in progress, until its results
    are final (the services refuse otherwise; the pages then show the grids read-only)."""
    return session.status == CourseSession.Status.IN_PROGRESS and not session.results_final


class SessionGridView(RoleRequiredMixin, View):
    """A session's page for its administrators and instructors (404 for another instructor's
    session, 403 for trainees: courses.selectors.session_get_for_user)."""

    allowed_roles = (Role.ADMINISTRATOR, Role.INSTRUCTOR)
    template_name = ""
    tab = ""

    def dispatch(self, request, *args, pk, **kwargs):
        self.pk = pk
        return super().dispatch(request, *args, **kwargs)

    def load(self) -> CourseSession:
        self.session = session_get_for_user(user=self.request.user, pk=self.pk)
        return self.session

    def render(self, context: dict, status: int = 200):
        context = {
            "session": self.session,
            "editable": grids_editable(self.session),
            "tab": self.tab,
            **context,
        }
        return render(self.request, self.template_name, context, status=status)


class SessionAttendanceView(SessionGridView):
    template_name = "courses/session_attendance.html"
    tab = "attendance"

    def get(self, request):
        session = self.load()
        return self.render({"form": AttendanceForm(session=session, rows=self.rows())})

    def post(self, request):
        session = self.load()
        form = AttendanceForm(request.POST, session=session, rows=self.rows())
        if form.is_valid():
            try:
                attendance_save(session=session, by=request.user, marks=form.marks())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The attendance of %(code)s was saved.") % {"code": session.code},
                )
                return redirect("courses:session-attendance", pk=session.pk)
        return self.render({"form": form}, status=400)

    def rows(self):
        return attendance_grid(session=self.session)


class SessionGradebookView(SessionGridView):
    template_name = "courses/session_gradebook.html"
    tab = "gradebook"

    def get(self, request):
        session = self.load()
        return self.render({"form": GradebookForm(session=session, rows=self.rows())})

    def post(self, request):
        session = self.load()
        form = GradebookForm(request.POST, session=session, rows=self.rows())
        if not form.is_valid():
            return self.render({"form": form}, status=400)
        version = form.cleaned_data["version"]
        try:
            gradebook_save(session=session, by=request.user, version=version, scores=form.scores())
        except ValidationError as error:
            current = self.load()
            if current.gradebook_version != version:
                return self.refused_as_stale(form, error)
            form.add_error(None, error)
            return self.render({"form": form}, status=400)
        messages.success(
            request, _("The gradebook of %(code)s was saved.") % {"code": session.code}
        )
        return redirect("courses:session-gradebook", pk=session.pk)

    def refused_as_stale(self, form: GradebookForm, error: ValidationError):
        """Someone saved since the page was opened: show the gradebook as it is saved now
        (so that the next save starts from it) and what this save would have changed."""
        rows = self.rows()
        return self.render(
            {
                "form": GradebookForm(session=self.session, rows=rows),
                "stale": error.messages,
                "unsaved": form.unsaved(rows),
            },
            status=409,
        )

    def rows(self):
        return gradebook_grid(session=self.session)

    def render(self, context: dict, status: int = 200):
        return super().render({"audit": results_audit(session=self.session), **context}, status)


class SessionFinaliseView(SessionGridView):
    template_name = "courses/session_finalise.html"
    tab = "results"

    def get(self, request):
        self.load()
        return self.render({})

    def post(self, request):
        session = self.load()
        try:
            session_finalise(session=session, by=request.user)
        except ValidationError as error:
            return self.render({"errors": error.messages}, status=400)
        messages.success(
            request,
            _("The results of %(code)s are final. Scores and attendance are now read-only.")
            % {"code": session.code},
        )
        return redirect("courses:session-finalise", pk=session.pk)

    def render(self, context: dict, status: int = 200):
        context = {
            "previews": results_preview(session=self.session),
            "audit": results_audit(session=self.session),
            **context,
        }
        return super().render(context, status)


class SessionReopenView(SessionGridView):
    """Administrators only: reopen finalised results, saying why."""

    allowed_roles = (Role.ADMINISTRATOR,)
    template_name = "courses/session_reopen.html"
    tab = "results"

    def get(self, request):
        self.load()
        return self.render({"form": ReopenForm()})

    def post(self, request):
        session = self.load()
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                session_results_reopen(
                    session=session, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "The results of %(code)s are reopened: scores and attendance can be "
                        "changed until they are finalised again."
                    )
                    % {"code": session.code},
                )
                return redirect("courses:session-gradebook", pk=session.pk)
        return self.render({"form": form}, status=400)
