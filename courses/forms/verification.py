from django import forms
from django.utils.translation import gettext_lazy as _

from courses.verification_codes import verification_code_normalise


class VerificationForm(forms.Form):
    """The code printed on a certificate, typed as people type it: any case, with or without
    spaces and dashes, O for zero and I or L for one."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The 12 characters printed beside the QR code, such as 8F3K-92JD-XQ7P."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
                "class": "font-monospace",
            }
        ),
        error_messages={"required": _("Type the code printed on the certificate.")},
    )

    def clean_code(self) -> str:
        """The code as stored (12 characters, no dashes)."""
        code = verification_code_normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _(
                    "This is not a certificate code: it has 12 letters and digits, such as "
                    "8F3K-92JD-XQ7P. Check it against the certificate."
                ),
                code="invalid",
            )
        return code
