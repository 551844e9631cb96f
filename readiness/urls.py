from django.urls import path

from readiness.views import BoardExportView, BoardView
from readiness.views.forecast import ForecastView

app_name = "readiness"

urlpatterns = [
    path("", BoardView.as_view(), name="board"),
    path("board.csv", BoardExportView.as_view(fmt="csv"), name="board-csv"),
    path("board.xlsx", BoardExportView.as_view(fmt="xlsx"), name="board-xlsx"),
    path("forecast/", ForecastView.as_view(), name="forecast"),
]
