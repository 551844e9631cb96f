"""Missions and deployment profiles: the reference the readiness board judges against, kept
by administrators (every change is in the models' history)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin
from readiness.forms import DeploymentProfileForm, MissionForm
from readiness.models import DeploymentProfile, Mission
from readiness.services import deployment_profile_save, mission_save


class MissionListView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request):
        return render(
            request,
            "readiness/missions.html",
            {
                "missions": Mission.objects.order_by("status", "acronym"),
                "profiles": DeploymentProfile.objects.select_related("mission")
                .prefetch_related("required_courses")
                .order_by("-active", "name_en"),
            },
        )


class _EditView(RoleRequiredMixin, View):
    """Create (no pk) or edit one object through its form; a form with errors answers 400
    and saves nothing."""

    allowed_roles = (Role.ADMINISTRATOR,)
    model = None
    form_class = None
    service = None  # saves the valid form: mission_save or deployment_profile_save
    template_name = ""

    def dispatch(self, request, *args, pk=None, **kwargs):
        self.object = None
        if pk is not None and request.user.is_authenticated:
            self.object = get_object_or_404(self.model, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(self.form_class(instance=self.object))

    def post(self, request):
        form = self.form_class(request.POST, instance=self.object)
        if not form.is_valid():
            return self.render(form, status=400)
        saved = self.service(form=form)
        messages.success(request, _("“%(name)s” was saved.") % {"name": saved})
        return redirect("readiness:missions")

    def render(self, form, status=200):
        context = {"form": form, "object": self.object}
        return render(self.request, self.template_name, context, status=status)


class MissionEditView(_EditView):
    model = Mission
    form_class = MissionForm
    service = staticmethod(mission_save)
    template_name = "readiness/mission_form.html"


class ProfileEditView(_EditView):
    model = DeploymentProfile
    form_class = DeploymentProfileForm
    service = staticmethod(deployment_profile_save)
    template_name = "readiness/profile_form.html"
