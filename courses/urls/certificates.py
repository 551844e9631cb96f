"""URLs of certificates for their holders and a session's people: the PDF, the batch's
progress, the session's ZIP."""

from django.urls import path

from courses.views import certificates

urlpatterns: list = [
    path(
        "certificates/<int:pk>/pdf/",
        certificates.CertificateDownloadView.as_view(),
        name="certificate-download",
    ),
    path(
        "sessions/<int:pk>/certificates/progress/",
        certificates.SessionCertificatesProgressView.as_view(),
        name="session-certificates-progress",
    ),
    path(
        "sessions/<int:pk>/certificates.zip",
        certificates.SessionCertificatesZipView.as_view(),
        name="session-certificates-zip",
    ),
]
