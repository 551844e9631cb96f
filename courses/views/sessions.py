"""The session pages: the list, the month calendar, one session, its form and its moves."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin, access_require_role, user_role
from courses.forms.sessions import SessionForm
from courses.models import CourseSession, Enrolment
from courses.selectors import (
    session_enrolments,
    session_get_for_user,
    session_list_for_user,
    sessions_in_month,
)
from courses.services import session_save, session_transition
from courses.services.sessions import TRANSITIONS

Status = CourseSession.Status

# What the button for each move says.
MOVE_LABELS = {
    Status.PLANNED: gettext_lazy("Back to planned"),
    Status.OPEN: gettext_lazy("Open for enrolment"),
    Status.IN_PROGRESS: gettext_lazy("Start the session"),
    Status.CANCELLED: gettext_lazy("Cancel the session"),
}


def session_moves(*, session: CourseSession, role: Role | None) -> list[tuple[str, str]]:
    """The (status, button label) moves ``role`` may make on ``session`` now: an administrator
    any allowed move, an instructor of the session only starting it."""
    allowed = TRANSITIONS.get(session.status, ())
    if role is Role.INSTRUCTOR:
        allowed = tuple(to for to in allowed if to == Status.IN_PROGRESS)
    elif role is not Role.ADMINISTRATOR:
        allowed = ()
    return [(to, MOVE_LABELS[to]) for to in allowed]


# ------------------------------------------------------------------ the list
class SessionListView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR, Role.INSTRUCTOR)

    def get(self, request):
        status = request.GET.get("status")
        if status not in Status.values:
            status = None
        sessions = session_list_for_user(user=request.user, status=status)
        tabs = [(None, pgettext("sessions", "All"))] + [(s.value, s.label) for s in Status]
        context = {"sessions": sessions, "status": status, "tabs": tabs}
        return render(request, "courses/session_list.html", context)


# ------------------------------------------------------------------ the calendar
@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    today: bool
    sessions: list = field(default_factory=list)


# The years the calendar goes to (Python's dates, and the weeks around them, end at 9999).
CALENDAR_YEARS = range(1900, 3000)


def month_asked(value: str | None, today: datetime.date) -> datetime.date:
    """The first day of the month ``value`` names (YYYY-MM); this month if it names none."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if year in CALENDAR_YEARS:
            return datetime.date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def month_weeks(first: datetime.date, sessions, today: datetime.date) -> list[list[CalendarDay]]:
    """The weeks (Monday to Sunday) that cover the month of ``first``, each day with the
    sessions that run on it."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first.year, first.month
    )
    days = {
        day: CalendarDay(day, day.month == first.month, day == today)
        for week in weeks
        for day in week
    }
    for session in sessions:
        # On its days of class in this month: the grey days of the months around are not
        # listed, and a weekend inside a session is not one of its days.
        for day in session.days:
            if day.month == first.month and day.year == first.year:
                days[day].sessions.append(session)
    return [[days[day] for day in week] for week in weeks]


def month_step(first: datetime.date, months: int) -> datetime.date | None:
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    if year not in CALENDAR_YEARS:
        return None
    return datetime.date(year, month + 1, 1)


class SessionCalendarView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR, Role.INSTRUCTOR)

    def get(self, request):
        today = timezone.localdate()
        first = month_asked(request.GET.get("month"), today)
        sessions = sessions_in_month(user=request.user, year=first.year, month=first.month)
        weeks = month_weeks(first, sessions, today)
        context = {
            "month": first,
            "weeks": weeks,
            "weekdays": [day.date for day in weeks[0]],
            "previous": month_step(first, -1),
            "next": month_step(first, 1),
            "this_month": today.replace(day=1),
        }
        return render(request, "courses/session_calendar.html", context)


# ------------------------------------------------------------------ one session
class SessionDetailView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR, Role.INSTRUCTOR)

    def get(self, request, pk):
        session = session_get_for_user(user=request.user, pk=pk)
        return session_page(request, session)


def session_page(
    request, session: CourseSession, *, error: ValidationError | None = None, status: int = 200
):
    """The session page; with ``error``, why a move was refused (answered with ``status``)."""
    enrolments = list(session_enrolments(session=session))
    position = 0
    for enrolment in enrolments:
        enrolment.waitlist_position = None
        if enrolment.status == Enrolment.Status.WAITLISTED:
            position += 1
            enrolment.waitlist_position = position
    role = user_role(request.user)
    context = {
        "session": session,
        "enrolments": enrolments,
        "instructors": list(session.instructors.all()),
        "is_administrator": role is Role.ADMINISTRATOR,
        "moves": session_moves(session=session, role=role),
        "errors": error.messages if error else [],
    }
    return render(request, "courses/session_detail.html", context, status=status)


class SessionTransitionView(RoleRequiredMixin, View):
    """Move a session to another status (POST ``to``)."""

    allowed_roles = (Role.ADMINISTRATOR, Role.INSTRUCTOR)

    def post(self, request, pk):
        session = session_get_for_user(user=request.user, pk=pk)
        to = request.POST.get("to", "")
        if to not in Status.values:
            error = ValidationError(_("That is not a status a session can have."))
            return session_page(request, session, error=error, status=400)
        if user_role(request.user) is Role.INSTRUCTOR and to != Status.IN_PROGRESS:
            error = ValidationError(
                _("Only a training administrator can make a session “%(target)s”.")
                % {"target": Status(to).label}
            )
            return session_page(request, session, error=error, status=403)
        try:
            session = session_transition(session=session, to=to)
        except ValidationError as error:
            return session_page(request, session, error=error, status=400)
        messages.success(
            request,
            _("%(code)s is now “%(status)s”.")
            % {"code": session.code, "status": session.get_status_display()},
        )
        return redirect("courses:session-detail", pk=session.pk)


class SessionEditView(RoleRequiredMixin, View):
    """Schedule (no pk) or change a session: its facts and instructors, not its status."""

    allowed_roles = (Role.ADMINISTRATOR,)

    def dispatch(self, request, *args, pk=None, **kwargs):
        self.session = None
        if pk is not None and request.user.is_authenticated:
            access_require_role(request.user, *self.allowed_roles)
            self.session = session_get_for_user(user=request.user, pk=pk)
        # The code as saved, for the heading, whatever is typed into the form.
        self.code = self.session.code if self.session else ""
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        # "New session of this course", from a course's page.
        initial = {} if self.session else {"course": request.GET.get("course")}
        return self.render(SessionForm(instance=self.session, initial=initial))

    def post(self, request):
        form = SessionForm(request.POST, instance=self.session)
        if form.is_valid():
            try:
                session = session_save(form=form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The session %(code)s was saved.") % {"code": session.code}
                )
                return redirect("courses:session-detail", pk=session.pk)
        return self.render(form, status=400)

    def render(self, form, status=200):
        context = {"form": form, "session": self.session, "code": self.code}
        return render(self.request, "courses/session_form.html", context, status=status)
