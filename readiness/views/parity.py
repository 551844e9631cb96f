"""The gender parity report: women among trained and ready personnel, by UN personnel
category, against the UN Uniformed Gender Parity Strategy's targets."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin
from readiness.parity import parity_report

TEMPLATE = "readiness/parity.html"
FIRST_YEAR = 2018  # the Strategy's first year


class ParityForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, y) for y in range(this_year, FIRST_YEAR - 1, -1)]
        self.fields["year"].initial = this_year


class ParityView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request):
        form = ParityForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return render(request, TEMPLATE, {"form": form}, status=400)
        today = timezone.localdate()
        year = form.cleaned_data["year"] if form.is_bound else today.year
        rows = parity_report(year=year, on=today)
        return render(request, TEMPLATE, {"form": form, "rows": rows, "year": year, "today": today})
