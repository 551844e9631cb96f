"""``readiness_report``: the readiness board from the command line, as CSV or JSON.

It asks the board's own form the same question, so the command and the page accept and refuse
the same things and print the same verdicts.
"""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from readiness.engine import Verdict
from readiness.exports import readiness_export_csv, readiness_report_json
from readiness.forms import BoardForm
from readiness.models import DeploymentProfile, Mission
from readiness.selectors import readiness_board

FORMATS = ("csv", "json")


class Command(BaseCommand):
    help = (
        "Print the readiness board of a mission, deployment profile and date: the counts and "
        "the people with their verdicts and findings, as CSV or JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mission", help="the mission's acronym, e.g. MINURSO")
        parser.add_argument(
            "--profile", help="the deployment profile's English or Spanish name, or its id"
        )
        parser.add_argument("--date", help="the deployment date, YYYY-MM-DD (default: today)")
        parser.add_argument("--format", default="csv", help="csv (default) or json")
        parser.add_argument("--verdict", help="only people with this verdict")
        parser.add_argument("--lacks", help="only people who lack this requirement")
        parser.add_argument(
            "--only", action="store_true", help="with --lacks: who lacks that and nothing else"
        )
        parser.add_argument("--search", default="", help="only people whose name contains this")
        parser.add_argument("--output", help="the file to write (default: standard output)")

    def handle(self, *args, **options):
        fmt = (options["format"] or "").lower()
        if fmt not in FORMATS:
            raise CommandError(
                _("Unknown format “%(format)s”: use %(formats)s.")
                % {"format": options["format"], "formats": get_text_list(FORMATS, _("or"))}
            )
        form = BoardForm(
            {
                "mission": _mission(options["mission"]).pk,
                "profile": _profile(options["profile"]).pk,
                "date": _date(options["date"]),
                "verdict": _verdict(options["verdict"]),
                "lacks": options["lacks"] or "",
                "only": options["only"],
                "q": options["search"],
            }
        )
        if not form.is_valid():
            raise CommandError(
                " ".join(str(error) for errors in form.errors.values() for error in errors)
            )
        board = readiness_board(**form.board_arguments())
        output = options["output"]
        try:
            if output:
                with open(output, "w", encoding="utf-8", newline="") as stream:
                    _write(board, fmt, stream, byte_order_mark=True)
                self.stderr.write(
                    _("%(count)d people written to %(file)s.")
                    % {"count": len(board.rows), "file": output}
                )
            else:
                _write(board, fmt, _Unterminated(self.stdout), byte_order_mark=False)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": output, "error": error.strerror}
            ) from error


def _write(board, fmt: str, stream, *, byte_order_mark: bool) -> None:
    if fmt == "json":
        stream.write(json.dumps(readiness_report_json(board), ensure_ascii=False, indent=2))
        stream.write("\n")
    else:
        readiness_export_csv(board=board, stream=stream, byte_order_mark=byte_order_mark)


def _mission(acronym: str | None) -> Mission:
    mission = Mission.objects.filter(acronym__iexact=(acronym or "").strip()).first()
    if mission is None:
        known = list(Mission.objects.order_by("acronym").values_list("acronym", flat=True))
        raise CommandError(
            _("Unknown mission “%(mission)s”. Missions: %(known)s.")
            % {"mission": acronym or "", "known": ", ".join(known) or "—"}
        )
    return mission


def _profile(name: str | None) -> DeploymentProfile:
    """The active profile of this id or this English or Spanish name, in any case (compared
    in Python: SQLite folds the case of ASCII letters only, and the names have accents)."""
    name = (name or "").strip()
    active = list(DeploymentProfile.objects.filter(active=True).order_by("pk"))
    wanted = name.casefold()
    for profile in active:
        if name == str(profile.pk) or wanted in (
            profile.name_en.casefold(),
            profile.name_es.casefold(),
        ):
            return profile
    known = [f"{p.pk}: {p.name_en} / {p.name_es}" for p in active]
    raise CommandError(
        _("Unknown deployment profile “%(profile)s”. Active profiles: %(known)s.")
        % {"profile": name, "known": "; ".join(known) or "—"}
    )


def _date(value: str | None) -> str:
    if not value:
        return ""
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise CommandError(
            _("“%(date)s” is not a date: write it as YYYY-MM-DD, e.g. 2027-03-01.")
            % {"date": value}
        ) from None


def _verdict(value: str | None) -> str:
    if value and value not in Verdict.values:
        raise CommandError(
            _("Unknown verdict “%(verdict)s”: use %(verdicts)s.")
            % {"verdict": value, "verdicts": get_text_list(Verdict.values, _("or"))}
        )
    return value or ""


class _Unterminated:
    """The command's stdout, written as the csv and json modules write: no newline added."""

    def __init__(self, out) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text, ending="")
