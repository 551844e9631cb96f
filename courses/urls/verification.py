"""The public verification of certificates: no sign-in."""

from django.urls import path

from courses.views.verification import (
    CertificateVerifyFormView,
    CertificateVerifyJsonView,
    CertificateVerifyView,
)

app_name = "verify"

urlpatterns = [
    path("", CertificateVerifyFormView.as_view(), name="form"),
    # Any typed form of the code is accepted; the page answers from the printed one.
    path("<str:code>.json", CertificateVerifyJsonView.as_view(), name="json"),
    path("<str:code>/", CertificateVerifyView.as_view(), name="detail"),
]
