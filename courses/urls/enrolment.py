"""URLs of the enrolment pages."""

urlpatterns: list = []
