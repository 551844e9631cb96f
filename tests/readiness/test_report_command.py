"""``readiness_report``: the board on the command line, as JSON or CSV; bad arguments refused
with the valid values; and, on the demo centre, the same answer as the board's page."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from cecopam.demo import demo_seed
from readiness.models import DeploymentProfile, Mission
from readiness.seeding import readiness_reference_seed
from tests.readiness.test_board import people, question  # noqa: F401 (fixtures used by name)
from tests.readiness.test_selectors import OBSERVER, ON

pytestmark = pytest.mark.django_db


def report(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("readiness_report", *args, stdout=out)
    return out.getvalue()


def observers_for_minurso(*extra: str, on=ON) -> list[str]:
    return ["--mission", "minurso", "--profile", OBSERVER, "--date", on.isoformat(), *extra]


@pytest.mark.usefixtures("people")
def test_the_json_report_has_the_counts_breakdowns_and_every_finding():
    data = json.loads(report(*observers_for_minurso("--format", "json")))
    assert data["mission"] == "MINURSO"
    assert data["profile"] == OBSERVER
    assert data["date"] == "2027-03-01"
    assert data["counts"] == {"ready": 2, "ready_expiring": 1, "not_ready": 2}
    assert data["by_nationality"] == {"MX": {"ready": 2, "ready_expiring": 1, "not_ready": 2}}
    assert data["by_sex"] == {
        "F": {"ready": 0, "ready_expiring": 1, "not_ready": 1},
        "M": {"ready": 2, "ready_expiring": 0, "not_ready": 1},
    }
    assert data["lacking"] == {"course:UNMEM": 1, "language": 2}
    by_name = {t["name"].split(", ")[1]: t for t in data["trainees"]}
    assert [t["verdict"] for t in data["trainees"]] == [
        "ready", "ready", "ready_expiring", "not_ready", "not_ready"
    ]  # fmt: skip
    assert by_name["Elena"]["findings"] == [
        {
            "requirement": "course:UNMEM",
            "code": "course_missing",
            "blocking": True,
            "message": "No UNMEM course certificate.",
            "on": None,
        },
        {
            "requirement": "language",
            "code": "language_missing",
            "blocking": True,
            "message": "French or English B2 required, none recorded.",
            "on": None,
        },
    ]
    carla = by_name["Carla"]
    assert carla["first_lapse"] == "2027-03-31"
    assert carla["findings"][0]["on"] == "2027-03-31"
    assert carla["findings"][0]["blocking"] is False


@pytest.mark.usefixtures("people")
def test_the_filters_narrow_the_people_but_not_the_counts():
    data = json.loads(
        report(*observers_for_minurso("--format", "json", "--lacks", "language", "--only"))
    )
    assert [t["name"] for t in data["trainees"]] == ["García López, Dario"]
    assert data["counts"]["not_ready"] == 2
    data = json.loads(report(*observers_for_minurso("--format", "json", "--verdict", "ready")))
    assert len(data["trainees"]) == 2


@pytest.mark.usefixtures("people")
def test_the_csv_report_goes_to_stdout_without_a_byte_order_mark():
    text = report(*observers_for_minurso("--format", "CSV"))
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[1] == "Name"
    assert [r[1].split(", ")[1] for r in rows] == ["Ana", "Beto", "Carla", "Dario", "Elena"]


@pytest.mark.usefixtures("people")
def test_the_report_is_written_to_a_file_with_a_byte_order_mark(tmp_path):
    target = tmp_path / "board.csv"
    report(*observers_for_minurso("--output", str(target)))
    assert target.read_text(encoding="utf-8").startswith("\ufeffTrainee ID,Name")


@pytest.mark.usefixtures("people")
def test_the_profile_may_be_named_in_spanish_or_by_id():
    by_spanish = report("--mission", "MINURSO", "--profile",
                        "OBSERVADOR MILITAR / EXPERTO EN MISIÓN", "--date", "2027-03-01",
                        "--format", "json")  # fmt: skip
    pk = DeploymentProfile.objects.get(name_en=OBSERVER).pk
    by_id = report("--mission", "MINURSO", "--profile", str(pk), "--date", "2027-03-01",
                   "--format", "json")  # fmt: skip
    assert json.loads(by_spanish)["counts"] == json.loads(by_id)["counts"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--mission": "MINUSTAH"}, "Unknown mission “MINUSTAH”. Missions: MINURSO, MINUSCA"),
        ({"--profile": "Pilot"}, "Unknown deployment profile “Pilot”. Active profiles: "),
        ({"--date": "01/03/2027"}, "“01/03/2027” is not a date: write it as YYYY-MM-DD"),
        ({"--date": "9999-12-31"}, "Choose a date between 1950-01-01 and 2100-12-31."),
        ({"--format": "xml"}, "Unknown format “xml”: use csv or json."),
        ({"--verdict": "maybe"}, "Unknown verdict “maybe”: use ready, ready_expiring or"),
        ({"--lacks": "french"}, "“french” is not a requirement of"),
    ],
)
@pytest.mark.usefixtures("question")
def test_bad_arguments_are_refused_with_the_valid_values(change, message):
    arguments = dict(zip(observers_for_minurso()[::2], observers_for_minurso()[1::2], strict=True))
    arguments.update(change)
    with pytest.raises(CommandError) as refused:
        report(*[part for pair in arguments.items() for part in pair])
    assert message in str(refused.value)


@pytest.mark.usefixtures("question")
def test_an_unknown_profile_lists_the_active_profiles():
    with pytest.raises(CommandError) as refused:
        report("--mission", "MINURSO", "--profile", "Pilot")
    assert f"{OBSERVER} / Observador militar / experto en misión" in str(refused.value)


# ------------------------------------------------------------------ the acceptance test

DEMO_DATE = datetime.date(2026, 12, 1)


def test_on_the_demo_centre_the_report_says_what_the_board_shows(client, administrator, quick_pdfs):
    demo_seed()
    readiness_reference_seed()
    mission = Mission.objects.get(acronym="MINURSO")
    profile = DeploymentProfile.objects.get(name_en=OBSERVER)

    data = json.loads(report(*observers_for_minurso("--format", "json", on=DEMO_DATE)))

    client.force_login(administrator)
    client.cookies["cecopam_language"] = "en"
    query = {"mission": mission.pk, "profile": profile.pk, "date": DEMO_DATE.isoformat()}
    response = client.get(reverse("readiness:board"), query)
    assert response.status_code == 200
    board = response.context["board"]

    shown = {verdict.value: count for verdict, count in board.counts.items()}
    assert data["counts"] == {v: shown.get(v, 0) for v in data["counts"]}
    assert sum(data["counts"].values()) == board.total >= 5  # the demo has observers
    for item in response.context["summary"]:
        count = data["counts"][item.verdict.value]
        assert f'data-verdict="{item.verdict.value}">{count}</span>' in response.text

    with translation.override("en"):
        on_the_page = [
            {
                "id": row.trainee_id,
                "name": row.name,
                "verdict": row.verdict.value,
                "findings": [(f.requirement, f.code, f.message(), f.on) for f in findings],
            }
            for row, findings in response.context["entries"]
        ]
    in_the_report = [
        {
            "id": t["id"],
            "name": t["name"],
            "verdict": t["verdict"],
            "findings": [
                (
                    f["requirement"],
                    f["code"],
                    f["message"],
                    datetime.date.fromisoformat(f["on"]) if f["on"] else None,
                )
                for f in t["findings"]
            ],
        }
        for t in data["trainees"]
    ]
    assert len(on_the_page) == board.total  # one page holds them all
    assert in_the_report == on_the_page
    for trainee in on_the_page:
        assert escape(trainee["name"]) in response.text
