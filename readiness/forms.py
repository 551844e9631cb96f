from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from readiness.engine import Verdict, requirement_choices
from readiness.models import DeploymentProfile, Mission
from trainees.models import LanguageSkill, Trainee

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


# ------------------------------------------------------------------ missions and profiles
class MissionForm(forms.ModelForm):
    """A mission, its working languages chosen as a main one and the others (the order
    matters: the main one is the mission's first)."""

    main_language = forms.ChoiceField(
        label=_("Main working language"), choices=LanguageSkill.Language.choices
    )
    other_languages = forms.MultipleChoiceField(
        label=_("Other working languages"),
        choices=LanguageSkill.Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Mission
        fields = [
            "acronym",
            "name_es",
            "name_en",
            "kind",
            "main_language",
            "other_languages",
            "armed",
            "protection_of_civilians",
            "mandate_end",
            "status",
            "closed_on",
        ]
        widgets = {"mandate_end": DATE_WIDGET, "closed_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        languages = list(self.instance.working_languages or [])
        if languages:
            self.fields["main_language"].initial = languages[0]
            self.fields["other_languages"].initial = languages[1:]

    def clean(self) -> dict:
        data = super().clean()
        main = data.get("main_language")
        if main:
            others = [code for code in data.get("other_languages", []) if code != main]
            self.instance.working_languages = [main, *others]
        return data

    def _update_errors(self, errors) -> None:
        # The model checks its working languages; on this form they are the two fields
        # above, and a main language already refused needs no second message.
        found = getattr(errors, "error_dict", {})
        if "working_languages" in found:
            problem = found.pop("working_languages")
            if "main_language" not in self.errors:
                found["main_language"] = problem
        super()._update_errors(errors)


class DeploymentProfileForm(forms.ModelForm):
    allowed_rank_categories = forms.MultipleChoiceField(
        label=_("Allowed rank categories"),
        choices=Trainee.RankCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any."),
    )
    allowed_un_categories = forms.MultipleChoiceField(
        label=_("Allowed UN personnel categories"),
        choices=Trainee.UNCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any."),
    )

    class Meta:
        model = DeploymentProfile
        fields = [
            "name_es",
            "name_en",
            "role",
            "mission",
            "active",
            "required_courses",
            "min_language_level",
            "medical",
            "human_rights_screening",
            "passport_months",
            "driving_licence",
            "police_ams",
            "weapons_handling",
            "min_age",
            "max_age",
            "min_years_of_service",
            "allowed_rank_categories",
            "allowed_un_categories",
        ]
        widgets = {"required_courses": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_courses"].queryset = Course.objects.order_by("code")
        self.fields["required_courses"].label_from_instance = lambda c: f"{c.code} — {c.title}"
        self.fields["mission"].queryset = Mission.objects.order_by("acronym")
