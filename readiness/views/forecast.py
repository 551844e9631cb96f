"""What lapses soon (certificates and clearances), per trainee and in total."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin
from readiness.forecast import WINDOW_DAYS, expiry_forecast

TEMPLATE = "readiness/forecast.html"


class ForecastForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Lapsing within"),
        choices=[(30, _("30 days")), (60, _("60 days")), (90, _("90 days"))],
        coerce=int,
        initial=WINDOW_DAYS,
        required=False,
        empty_value=WINDOW_DAYS,
    )


class ForecastView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request):
        form = ForecastForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return render(request, TEMPLATE, {"form": form}, status=400)
        days = form.cleaned_data["days"] if form.is_bound else WINDOW_DAYS
        forecast = expiry_forecast(start=timezone.localdate(), days=days)
        return render(request, TEMPLATE, {"form": form, "forecast": forecast, "days": days})
