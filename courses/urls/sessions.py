"""URLs of the sessions pages."""

from django.urls import path

from courses.views.sessions import (
    SessionCalendarView,
    SessionDetailView,
    SessionEditView,
    SessionListView,
    SessionTransitionView,
)

urlpatterns = [
    path("sessions/", SessionListView.as_view(), name="session-list"),
    path("sessions/calendar/", SessionCalendarView.as_view(), name="session-calendar"),
    path("sessions/new/", SessionEditView.as_view(), name="session-create"),
    path("sessions/<int:pk>/", SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<int:pk>/edit/", SessionEditView.as_view(), name="session-edit"),
    path(
        "sessions/<int:pk>/status/",
        SessionTransitionView.as_view(),
        name="session-transition",
    ),
]
