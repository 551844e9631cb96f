"""Rosters: ready trainees selected on the board for a rotation, saved, listed, and their
nomination list downloaded."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin
from readiness.models import DeploymentProfile, Mission, Roster
from readiness.nomination import nomination_csv, nomination_xlsx, roster_nominees
from readiness.services import roster_create

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class IdsField(forms.Field):
    """Trainee ids ticked on the board (the service checks each exists and is ready)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value or []
        if not all(str(v).isdigit() for v in values):
            raise ValidationError(_("The selection is not valid; reload the board."))
        return [int(v) for v in values]


class RosterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Roster name"), max_length=200)
    mission = forms.ModelChoiceField(queryset=Mission.objects.all())
    profile = forms.ModelChoiceField(queryset=DeploymentProfile.objects.filter(active=True))
    date = forms.DateField()
    trainees = IdsField(required=False)


class RosterCreateView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def post(self, request):
        form = RosterForm(request.POST)
        if not form.is_valid():
            messages.error(
                request,
                _("The roster was not saved: %(errors)s")
                % {"errors": " ".join(e for errors in form.errors.values() for e in errors)},
            )
            return redirect(_board_url(form))
        data = form.cleaned_data
        try:
            roster = roster_create(
                name=data["name"],
                mission=data["mission"],
                profile=data["profile"],
                deploys_on=data["date"],
                trainee_ids=data["trainees"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_board_url(form))
        messages.success(
            request,
            _("Roster “%(name)s” saved with %(count)d people.")
            % {"name": roster.name, "count": roster.members.count()},
        )
        return redirect("readiness:roster-detail", pk=roster.pk)


def _board_url(form: RosterForm) -> str:
    """Back to the board the selection was made on (its question, not its filters)."""
    query = {key: form.data.get(key, "") for key in ("mission", "profile", "date")}
    return reverse("readiness:board") + "?" + urlencode(query)


class RosterListView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request):
        rosters = (
            Roster.objects.select_related("mission", "profile", "created_by")
            .prefetch_related("members")
            .order_by("-deploys_on", "name")
        )
        return render(request, "readiness/roster_list.html", {"rosters": rosters})


class RosterDetailView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request, pk: int):
        roster = get_object_or_404(
            Roster.objects.select_related("mission", "profile", "created_by"), pk=pk
        )
        return render(
            request,
            "readiness/roster_detail.html",
            {"roster": roster, "nominees": roster_nominees(roster)},
        )


class RosterExportView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)
    fmt = "csv"

    def get(self, request, pk: int):
        roster = get_object_or_404(Roster, pk=pk)
        filename = f"roster-{roster.pk}-{roster.mission.acronym}-{roster.deploys_on}"
        if self.fmt == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            nomination_csv(roster=roster, stream=response)
        else:
            response = HttpResponse(content_type=XLSX)
            nomination_xlsx(roster=roster, stream=response)
        response["Content-Disposition"] = f'attachment; filename="{filename}.{self.fmt}"'
        return response
