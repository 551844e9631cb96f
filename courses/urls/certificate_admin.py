"""URLs of the administrators' certificate pages."""

from django.urls import path

from courses.views import certificate_admin as views

urlpatterns = [
    path("certificates/", views.CertificateListView.as_view(), name="certificate-list"),
    path(
        "certificates/<int:pk>/",
        views.CertificateDetailView.as_view(),
        name="certificate-detail",
    ),
    path(
        "certificates/<int:pk>/revoke/",
        views.CertificateRevokeView.as_view(),
        name="certificate-revoke",
    ),
    path(
        "certificates/<int:pk>/reissue/",
        views.CertificateReissueView.as_view(),
        name="certificate-reissue",
    ),
    path(
        "certificates/<int:pk>/retry/",
        views.CertificateRetryView.as_view(),
        name="certificate-retry",
    ),
]
