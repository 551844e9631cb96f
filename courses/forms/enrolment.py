from django import forms
from django.utils.translation import gettext_lazy as _

from trainees.models import Trainee


class NominationForm(forms.Form):
    """The trainees ticked on the nomination page, and a reason if prerequisites are waived."""

    trainees = forms.ModelMultipleChoiceField(
        queryset=Trainee.objects.all(),
        error_messages={"required": _("Choose at least one trainee.")},
    )
    override_reason = forms.CharField(
        label=_("Waive missing prerequisites, because…"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only if a chosen trainee lacks a prerequisite course and should be enrolled all "
            "the same. Recorded with your name."
        ),
    )

    def chosen(self) -> list[Trainee]:
        """The chosen trainees in the order the page lists them (the waitlist follows it)."""
        order = {str(pk): n for n, pk in enumerate(self.data.getlist("trainees"))}
        return sorted(self.cleaned_data["trainees"], key=lambda t: order.get(str(t.pk), 0))
