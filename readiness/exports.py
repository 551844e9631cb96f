"""The readiness board's list as a spreadsheet (CSV or XLSX) or as JSON (the report command).

The spreadsheets hold the rows the board's filters keep, one per person, in the page's order;
the JSON adds the counts and breakdowns over the whole pool. Headers and messages are in the
active language; choices (sex, UN category, verdict) are also given as their stored values,
and nationality as its ISO code, for whoever processes the file. The cell hygiene (a byte
order mark for Excel, formulas neutralised) is ``cecopam.spreadsheets``'.
"""

from __future__ import annotations

from typing import IO, Any

from django.utils.translation import gettext as _

from cecopam.spreadsheets import csv_write, xlsx_write
from readiness.reporting import earliest_lapse, findings_in_order, verdict_counts
from readiness.selectors import Board, ReadinessRow

WIDTHS = (10, 36, 22, 32, 12, 6, 22, 16, 22, 90, 12)


def _headers() -> list[str]:
    return [
        _("Trainee ID"),
        _("Name"),
        _("Rank"),
        _("Institution"),
        _("Nationality"),
        _("Sex"),
        _("UN personnel category"),
        _("Verdict"),
        _("Verdict (text)"),
        _("Findings"),
        _("First lapse"),
    ]


def _values(row: ReadinessRow) -> list[Any]:
    return [
        row.trainee_id,
        row.name,
        row.rank,
        row.institution,
        row.nationality,
        row.sex,
        row.un_category,
        row.verdict.value,
        str(row.verdict.label),
        "; ".join(f.message() for f in findings_in_order(row.readiness)),
        earliest_lapse(row.readiness),
    ]


def readiness_export_csv(*, board: Board, stream: IO[str], byte_order_mark: bool = True) -> int:
    """Write the board's rows as CSV (UTF-8) to a text stream; return how many."""
    rows = (_values(row) for row in board.rows)
    return csv_write(headers=_headers(), rows=rows, stream=stream, byte_order_mark=byte_order_mark)


def readiness_export_xlsx(*, board: Board, stream: IO[bytes]) -> int:
    """Write the board's rows as an XLSX workbook to a binary stream; return how many."""
    rows = (_values(row) for row in board.rows)
    return xlsx_write(
        title=_("Readiness"), headers=_headers(), rows=rows, stream=stream, widths=WIDTHS
    )


def readiness_report_json(board: Board) -> dict:
    """The board as plain data: the question, the counts over the whole pool, the breakdowns,
    and the rows the filters keep with every finding (blocking ones first)."""
    return {
        "mission": board.mission.acronym,
        "profile": board.profile.name,
        "profile_id": board.profile.pk,
        "date": board.on.isoformat(),
        "total": board.total,
        "counts": verdict_counts(board.counts),
        "by_nationality": _breakdown(board.by_nationality),
        "by_institution": _breakdown(board.by_institution),
        "by_sex": _breakdown(board.by_sex),
        "lacking": dict(sorted(board.lacking.items())),
        "trainees": [_trainee(row) for row in board.rows],
    }


def _breakdown(groups: dict) -> dict[str, dict[str, int]]:
    return {key: verdict_counts(counts) for key, counts in sorted(groups.items())}


def _trainee(row: ReadinessRow) -> dict:
    lapse = earliest_lapse(row.readiness)
    return {
        "id": row.trainee_id,
        "name": row.name,
        "rank": row.rank,
        "institution": row.institution,
        "nationality": row.nationality,
        "sex": row.sex,
        "un_category": row.un_category,
        "verdict": row.verdict.value,
        "first_lapse": lapse.isoformat() if lapse else None,
        "findings": [
            {
                "requirement": finding.requirement,
                "code": str(finding.code),
                "blocking": finding.blocking,
                "message": finding.message(),
                "on": finding.on.isoformat() if finding.on else None,
            }
            for finding in findings_in_order(row.readiness)
        ],
    }
