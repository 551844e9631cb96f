"""The administrators' forms on a certificate: why it is revoked, why it is reissued."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# The reissue's reason lives in the change history, which keeps 100 characters with the
# "Reissued: " before it: the form asks for no more than fits.
REISSUE_REASON_LENGTH = 80


class CertificateRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the certificate revoked?"),
        help_text=_("Kept with the certificate, with your name and the time."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class CertificateReissueForm(forms.Form):
    reason = forms.CharField(
        label=_("What was corrected?"),
        help_text=_(
            "For example “Surname misspelt in the record”. Kept in the history of both "
            "certificates, with your name and the time."
        ),
        max_length=REISSUE_REASON_LENGTH,
    )
