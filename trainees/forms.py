from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from trainees.imports import MAX_FILE_BYTES
from trainees.models import Clearance, LanguageSkill, Trainee

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TraineeForm(forms.ModelForm):
    class Meta:
        model = Trainee
        fields = [
            "given_names", "first_surname", "second_surname", "sex", "date_of_birth",
            "nationality", "institution", "rank", "rank_category", "service_number",
            "service_start_date", "un_category", "email", "phone",
        ]  # fmt: skip
        widgets = {"date_of_birth": DATE_WIDGET, "service_start_date": DATE_WIDGET}


class ContactForm(forms.ModelForm):
    """What trainees may change in their own record."""

    class Meta:
        model = Trainee
        fields = ["email", "phone"]


class TableRowForm(forms.ModelForm):
    """A form shown as one row of a table: the column headers are the labels, so each input
    carries its label for screen readers instead, and Bootstrap's classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = (
                "form-check-input"
                if isinstance(widget, forms.CheckboxInput)
                else (
                    "form-select form-select-sm"
                    if isinstance(widget, forms.Select)
                    else "form-control form-control-sm"
                )
            )
            widget.attrs.update({"class": css, "aria-label": str(field.label)})


class ClearanceForm(TableRowForm):
    class Meta:
        model = Clearance
        fields = ["kind", "status", "issued_on", "valid_until", "reference", "details"]
        widgets = {
            "issued_on": DATE_WIDGET,
            "valid_until": DATE_WIDGET,
            "details": forms.Textarea(attrs={"rows": 2}),
        }


class LanguageSkillForm(TableRowForm):
    class Meta:
        model = LanguageSkill
        fields = ["language", "level", "tested_on"]
        widgets = {"tested_on": DATE_WIDGET}


ClearanceFormSet = inlineformset_factory(
    Trainee, Clearance, form=ClearanceForm, extra=1, can_delete=True
)
LanguageFormSet = inlineformset_factory(
    Trainee, LanguageSkill, form=LanguageSkillForm, extra=1, can_delete=True
)
LanguageFormSet.verbose_name = _("Languages")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before it is read: the import would say the same, after reading it all.
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size).1f MB; the limit is %(limit)d MB. Split it into smaller "
                    "files."
                ),
                params={"size": upload.size / 1024 / 1024, "limit": MAX_FILE_BYTES // 1024 // 1024},
            )
        return upload
