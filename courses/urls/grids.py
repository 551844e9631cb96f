"""URLs of the pages an instructor works in during a session: attendance, gradebook, results."""

from django.urls import path

from courses.views import grids

urlpatterns: list = [
    path(
        "sessions/<int:pk>/attendance/",
        grids.SessionAttendanceView.as_view(),
        name="session-attendance",
    ),
    path(
        "sessions/<int:pk>/gradebook/",
        grids.SessionGradebookView.as_view(),
        name="session-gradebook",
    ),
    path(
        "sessions/<int:pk>/finalise/",
        grids.SessionFinaliseView.as_view(),
        name="session-finalise",
    ),
    path(
        "sessions/<int:pk>/reopen/",
        grids.SessionReopenView.as_view(),
        name="session-reopen",
    ),
]
