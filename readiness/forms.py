from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness.engine import Verdict, requirement_choices
from readiness.models import DeploymentProfile, Mission

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Dates the board accepts: wide enough for any deployment, narrow enough that the engine's
# date arithmetic (the lapse window, passport months) never leaves Python's calendar.
EARLIEST = datetime.date(1950, 1, 1)
LATEST = datetime.date(2100, 12, 31)


class MissionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, mission: Mission) -> str:
        label = f"{mission.acronym} — {mission.name}"
        if mission.status == Mission.Status.CLOSED:
            return _("%(mission)s (closed)") % {"mission": label}
        return label


class BoardForm(forms.Form):
    """The readiness board's question (mission, profile, date) and its list's filters, read
    from the query string. ``lacks`` must be a requirement of the chosen profile for the
    chosen mission."""

    mission = MissionChoiceField(
        label=_("Mission"), queryset=Mission.objects.order_by("status", "acronym")
    )
    profile = forms.ModelChoiceField(
        label=_("Deployment profile"),
        queryset=DeploymentProfile.objects.filter(active=True).prefetch_related("required_courses"),
    )
    date = forms.DateField(
        label=_("Deployment date"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Empty: today."),
    )
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        required=False,
        choices=[("", _("Any verdict")), *Verdict.choices],
    )
    lacks = forms.CharField(
        label=_("Lacks"),
        required=False,
        widget=forms.Select(choices=[("", _("Any requirement"))]),
    )
    only = forms.BooleanField(label=_("Lacks only this"), required=False)
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Part of a name")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self._offer(self.initial.get("mission"), self.initial.get("profile"))

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"] or timezone.localdate()
        if not EARLIEST <= date <= LATEST:
            raise forms.ValidationError(
                _("Choose a date between %(earliest)s and %(latest)s."),
                params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            )
        return date

    def clean(self) -> dict:
        data = super().clean()
        mission, profile = data.get("mission"), data.get("profile")
        if mission and profile and profile.mission_id not in (None, mission.pk):
            self.add_error(
                "profile",
                _("This profile is for %(mission)s only.") % {"mission": profile.mission},
            )
            return data
        keys = self._offer(mission, profile)
        lacks = data.get("lacks")
        if lacks and mission and profile and lacks not in keys:
            self.add_error(
                "lacks",
                _(
                    "“%(key)s” is not a requirement of %(profile)s for %(mission)s. "
                    "Choose one of: %(keys)s."
                )
                % {
                    "key": lacks,
                    "profile": profile,
                    "mission": mission,
                    "keys": ", ".join(keys),
                },
            )
        return data

    def _offer(self, mission: Mission | None, profile: DeploymentProfile | None) -> dict:
        """Offer the profile's requirements for the mission in the "lacks" list."""
        if mission is None or profile is None:
            return {}
        choices = dict(requirement_choices(profile.requirements(), mission.facts()))
        self.fields["lacks"].widget.choices = [("", _("Any requirement")), *choices.items()]
        return choices

    def board_arguments(self) -> dict:
        """The keyword arguments of ``readiness_board`` for a valid form."""
        data = self.cleaned_data
        return {
            "mission": data["mission"],
            "profile": data["profile"],
            "on": data["date"],
            "verdict": data["verdict"] or None,
            "lacks": data["lacks"] or None,
            "only": data["only"],
            "search": data["q"].strip(),
        }
