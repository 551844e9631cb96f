"""The courses app's URLs, one module per group of pages."""

from courses.urls import catalogue, enrolment, grids, sessions

app_name = "courses"

urlpatterns = [
    *catalogue.urlpatterns,
    *sessions.urlpatterns,
    *enrolment.urlpatterns,
    *grids.urlpatterns,
]
