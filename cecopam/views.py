import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from cecopam.dashboard import FIGURES_CACHE_SECONDS, dashboard_figures
from cecopam.operations import State, operations_report
from cecopam.roles import Role, RoleRequiredMixin, user_role
from cecopam.selectors import broker_is_up, dashboard_summary, database_is_up
from courses.selectors import session_list_for_user
from courses.selectors.certificates import certificates_for_holder
from trainees.record_sections import record_sections
from trainees.selectors import Visibility, clearance_rows, trainee_get_for_user_account

ROLE_HOMES = {
    Role.ADMINISTRATOR: "dashboard",
    Role.INSTRUCTOR: "instructor-home",
    Role.TRAINEE: "portal",
}


class HomeView(View):
    """Sends each user to their role's home page, and anonymous visitors to sign in."""

    def get(self, request):
        if not request.user.is_authenticated:
            return redirect("login")
        role = user_role(request.user)
        if role is None:
            return render(request, "cecopam/no_role.html", status=403)
        return redirect(ROLE_HOMES[role])


class DashboardView(RoleRequiredMixin, TemplateView):
    allowed_roles = (Role.ADMINISTRATOR,)
    template_name = "cecopam/dashboard.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            **kwargs,
            summary=dashboard_summary(),
            # Worked out only when the template's cached fragment has expired.
            figures=SimpleLazyObject(lambda: dashboard_figures(today)),
            figures_day=today.isoformat(),
            figures_seconds=FIGURES_CACHE_SECONDS,
        )


class InstructorHomeView(RoleRequiredMixin, TemplateView):
    allowed_roles = (Role.INSTRUCTOR,)
    template_name = "cecopam/instructor_home.html"

    def get_context_data(self, **kwargs):
        sessions = session_list_for_user(user=self.request.user, include_cancelled=False)
        return super().get_context_data(**kwargs, sessions=sessions)


class PortalView(RoleRequiredMixin, TemplateView):
    allowed_roles = (Role.TRAINEE,)
    template_name = "cecopam/portal.html"

    def get_context_data(self, **kwargs):
        trainee = trainee_get_for_user_account(user=self.request.user)
        rows = clearance_rows(trainee) if trainee else []
        sections = record_sections(trainee=trainee, visibility=Visibility.OWN) if trainee else []
        certificates = list(certificates_for_holder(user=self.request.user)) if trainee else []
        return super().get_context_data(
            **kwargs,
            trainee=trainee,
            clearance_rows=rows,
            record_sections=sections,
            certificates=certificates,
        )


@method_decorator(never_cache, name="dispatch")
class OperationsView(RoleRequiredMixin, TemplateView):
    """Whether the background machinery does its work: queues, workers, certificates being
    issued, scheduled tasks, database and broker, each with its state."""

    allowed_roles = (Role.ADMINISTRATOR,)
    template_name = "cecopam/operations.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, report=operations_report())


def monitor_token_presented(request) -> bool:
    """Whether the request carries ``Authorization: Bearer <OPERATIONS_MONITOR_TOKEN>``, the
    secret a monitoring system is given instead of an administrator's account. No token set,
    no monitor access."""
    expected = settings.OPERATIONS_MONITOR_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme == "Bearer" and constant_time_compare(presented, expected)


@method_decorator(never_cache, name="dispatch")
class OperationsJsonView(RoleRequiredMixin, View):
    """The operations page's figures for a monitor: 503 when any of them is a problem, else
    200 (warnings included), so that the status code alone can raise an alert."""

    allowed_roles = (Role.ADMINISTRATOR,)

    def dispatch(self, request, *args, **kwargs):
        if monitor_token_presented(request):
            return View.dispatch(self, request, *args, **kwargs)  # a monitor, not a person
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        report = operations_report()
        return JsonResponse(report.as_json(), status=503 if report.state is State.PROBLEM else 200)


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True


def livez(request):
    """For a process supervisor or a load balancer's liveness check: 200 as long as this
    process answers requests, whatever the database and the broker do (``healthz`` tells
    those). Reads nothing."""
    return HttpResponse("ok", content_type="text/plain")


def healthz(request):
    """For load balancers and monitoring: 200 when the database and the broker answer, else 503."""
    checks = {"database": database_is_up(), "broker": broker_is_up()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "up" if up else "down" for name, up in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)


def signin_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once an account or address is locked: a page that says why and for
    how long, in the user's language (429 Too Many Requests)."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
