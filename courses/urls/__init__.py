"""The courses app's URLs, one module per group of pages."""

from courses.urls import (
    catalogue,
    certificate_admin,
    certificates,
    enrolment,
    grids,
    sessions,
)

app_name = "courses"

urlpatterns = [
    *catalogue.urlpatterns,
    *sessions.urlpatterns,
    *enrolment.urlpatterns,
    *grids.urlpatterns,
    *certificates.urlpatterns,
    *certificate_admin.urlpatterns,
]
