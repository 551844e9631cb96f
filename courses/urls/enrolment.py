"""URLs of the enrolment pages."""

from django.urls import path

from courses.views.enrolment import EnrolmentWithdrawView, SessionEnrolView

urlpatterns = [
    path("sessions/<int:pk>/enrol/", SessionEnrolView.as_view(), name="session-enrol"),
    path(
        "enrolments/<int:pk>/withdraw/",
        EnrolmentWithdrawView.as_view(),
        name="enrolment-withdraw",
    ),
]
