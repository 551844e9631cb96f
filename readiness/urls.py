from django.urls import path

from readiness.views import BoardExportView, BoardView
from readiness.views.forecast import ForecastView
from readiness.views.missions import MissionEditView, MissionListView, ProfileEditView
from readiness.views.parity import ParityView
from readiness.views.rosters import (
    RosterCreateView,
    RosterDetailView,
    RosterExportView,
    RosterListView,
)

app_name = "readiness"

urlpatterns = [
    path("", BoardView.as_view(), name="board"),
    path("board.csv", BoardExportView.as_view(fmt="csv"), name="board-csv"),
    path("board.xlsx", BoardExportView.as_view(fmt="xlsx"), name="board-xlsx"),
    path("rosters/", RosterListView.as_view(), name="roster-list"),
    path("rosters/new/", RosterCreateView.as_view(), name="roster-create"),
    path("rosters/<int:pk>/", RosterDetailView.as_view(), name="roster-detail"),
    path(
        "rosters/<int:pk>/nominations.csv", RosterExportView.as_view(fmt="csv"), name="roster-csv"
    ),
    path(
        "rosters/<int:pk>/nominations.xlsx",
        RosterExportView.as_view(fmt="xlsx"),
        name="roster-xlsx",
    ),
    path("missions/", MissionListView.as_view(), name="missions"),
    path("missions/new/", MissionEditView.as_view(), name="mission-create"),
    path("missions/<int:pk>/edit/", MissionEditView.as_view(), name="mission-edit"),
    path("profiles/new/", ProfileEditView.as_view(), name="profile-create"),
    path("profiles/<int:pk>/edit/", ProfileEditView.as_view(), name="profile-edit"),
    path("forecast/", ForecastView.as_view(), name="forecast"),
    path("parity/", ParityView.as_view(), name="parity"),
]
