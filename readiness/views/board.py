"""The readiness board: who of a profile's pool is ready for a mission on a date, what the
others lack, and the list as CSV or XLSX."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views import View

from cecopam.roles import Role, RoleRequiredMixin
from readiness.exports import readiness_export_csv, readiness_export_xlsx
from readiness.forms import BoardForm
from readiness.models import DeploymentProfile, Mission
from readiness.reporting import (
    breakdowns,
    findings_in_order,
    most_lacked,
    verdict_summary,
)
from readiness.selectors import Board, readiness_board

PAGE_SIZE = 50
TEMPLATE = "readiness/board.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BoardView(RoleRequiredMixin, View):
    allowed_roles = (Role.ADMINISTRATOR,)

    def get(self, request):
        if not request.GET:
            return render(request, TEMPLATE, {"form": BoardForm(initial=_first_question())})
        form = BoardForm(request.GET)
        if not form.is_valid():
            return render(request, TEMPLATE, {"form": form}, status=400)
        board = readiness_board(**form.board_arguments())
        page = Paginator(board.rows, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "board": board,
            "page": page,
            "entries": [(row, findings_in_order(row.readiness)) for row in page],
            "query": query.urlencode(),
            "question": _question(form),
            "summary": verdict_summary(board),
            "breakdowns": breakdowns(board),
            "lacked": most_lacked(board),
            "filtered": _filtered(form),
        }
        return render(request, TEMPLATE, context)


class BoardExportView(RoleRequiredMixin, View):
    """The board's list as it is filtered on screen, as CSV or XLSX."""

    allowed_roles = (Role.ADMINISTRATOR,)
    fmt = "csv"

    def get(self, request):
        form = BoardForm(request.GET)
        if not form.is_valid():
            return render(request, TEMPLATE, {"form": form}, status=400)
        board = readiness_board(**form.board_arguments())
        if self.fmt == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            readiness_export_csv(board=board, stream=response)
        else:
            response = HttpResponse(content_type=XLSX)
            readiness_export_xlsx(board=board, stream=response)
        response["Content-Disposition"] = f'attachment; filename="{_filename(board)}.{self.fmt}"'
        return response


def _first_question() -> dict:
    """What the form offers on a first visit: the first active mission and profile."""
    return {
        "mission": Mission.objects.filter(status=Mission.Status.ACTIVE).order_by("acronym").first(),
        "profile": DeploymentProfile.objects.filter(active=True).first(),
    }


def _question(form: BoardForm) -> str:
    """The query string of the mission, profile and date alone, for the links that set the
    list's filters afresh."""
    data = form.cleaned_data
    return urlencode(
        {
            "mission": data["mission"].pk,
            "profile": data["profile"].pk,
            "date": data["date"].isoformat(),
        }
    )


def _filtered(form: BoardForm) -> bool:
    data = form.cleaned_data
    return bool(data["verdict"] or data["lacks"] or data["q"].strip())


def _filename(board: Board) -> str:
    return f"cecopam-readiness-{board.mission.acronym.lower()}-{board.on.isoformat()}"
