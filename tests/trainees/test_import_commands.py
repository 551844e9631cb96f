"""``manage.py import_trainees`` and ``export_trainees``: the same import, from a shell."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from trainees.models import Trainee
from trainees.services import institution_get_or_create

pytestmark = pytest.mark.django_db

BAD_FILES = Path(__file__).parent / "bad_files"
HEADER = (
    "Given names,First surname,Sex,Date of birth,Nationality,Institution,Rank category,"
    "Service number,UN personnel category,Phone"
)
ROWS = [
    "Ana,Pérez,F,1990-05-17,MX,SEDENA,officer,A-001,staff_officer,+52 55 1234 5678",
    "Luis,Núñez,M,03/11/1985,MX,SEDENA,nco,A-002,contingent,",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def sedena():
    return institution_get_or_create(
        name="SEDENA – Ejército Mexicano", short_name="SEDENA", kind="army", country="MX"
    )


@pytest.fixture
def trainee_file(tmp_path) -> Path:
    path = tmp_path / "lista.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def run(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_import_writes_the_trainees_with_the_importing_user(trainee_file, administrator):
    out, _err = run("import_trainees", str(trainee_file), "--user", administrator.username)
    assert "2 rows: 2 to create, 0 to update, 0 unchanged, 0 errors." in out
    assert "Imported: 2 created, 0 updated." in out
    assert Trainee.objects.count() == 2
    assert {r.history_user for r in Trainee.history.all()} == {administrator}


def test_dry_run_writes_nothing(trainee_file):
    out, _err = run("import_trainees", str(trainee_file), "--dry-run")
    assert "2 to create" in out and "Dry run: nothing was written." in out
    assert Trainee.objects.count() == 0


def test_verbose_lists_creates_and_updates(trainee_file):
    run("import_trainees", str(trainee_file))
    trainee_file.write_text(
        "\n".join([HEADER, ROWS[0].replace("officer", "senior_officer", 1), *ROWS[1:]]),
        encoding="utf-8",
    )
    out, _err = run("import_trainees", str(trainee_file), "--dry-run", verbosity=2)
    assert "1 to update, 1 unchanged" in out
    assert "row 2: update Ana Pérez (MX · SEDENA · A-001): Rank category" in out
    out, _err = run("import_trainees", str(trainee_file), "--dry-run", verbosity=1)
    assert "row 2:" not in out


def test_verbose_lists_the_rows_it_imported(trainee_file):
    out, _err = run("import_trainees", str(trainee_file), verbosity=2)
    assert "row 2: create Ana Pérez (MX · SEDENA · A-001)" in out
    assert Trainee.objects.count() == 2


def test_a_bad_file_prints_every_error_and_fails(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "\n".join([HEADER, ROWS[0], ROWS[1].replace(",M,", ",X,").replace("03/11", "31/13")]),
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"Nothing was imported: the file has 2 errors\."):
        call_command("import_trainees", str(path), stdout=out, stderr=err)
    assert "2 rows: 1 to create, 0 to update, 0 unchanged, 2 errors." in out.getvalue()
    assert err.getvalue().splitlines() == [
        "row 3, column Sex, value “X”: This is not one of the accepted values: "
        "F (Female), M (Male).",
        "row 3, column Date of birth, value “31/13/1985”: There is no such date. "
        "Dates with slashes are read as day/month/year (DD/MM/YYYY).",
    ]
    assert Trainee.objects.count() == 0


def test_dry_run_of_a_bad_file_fails_too():
    with pytest.raises(CommandError):
        run("import_trainees", str(BAD_FILES / "header_only.csv"), "--dry-run")


def test_unknown_user_or_file_is_an_error(trainee_file, tmp_path):
    with pytest.raises(CommandError, match=r"There is no user “nobody”\."):
        run("import_trainees", str(trainee_file), "--user", "nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_trainees", str(tmp_path / "missing.csv"))
    assert Trainee.objects.count() == 0


def test_export_csv_to_stdout_then_import_it_back_unchanged(trainee_file, tmp_path):
    run("import_trainees", str(trainee_file))
    out, _err = run("export_trainees", "--format", "csv")
    assert out.startswith("Given names,First surname,")  # no byte order mark on a terminal
    assert "'+52 55 1234 5678" in out
    exported = tmp_path / "export.csv"
    exported.write_text(out, encoding="utf-8")
    out, _err = run("import_trainees", str(exported))
    assert "2 rows: 0 to create, 0 to update, 2 unchanged, 0 errors." in out


def test_export_csv_to_a_file_has_a_byte_order_mark(trainee_file, tmp_path):
    run("import_trainees", str(trainee_file))
    output = tmp_path / "t.csv"
    _out, err = run("export_trainees", "--output", str(output))
    assert output.read_bytes().startswith(b"\xef\xbb\xbfGiven names,")
    assert f"2 trainees written to {output}." in err


def test_export_xlsx_needs_an_output_file(trainee_file, tmp_path):
    with pytest.raises(CommandError, match="needs --output"):
        run("export_trainees", "--format", "xlsx")
    run("import_trainees", str(trainee_file))
    output = tmp_path / "t.xlsx"
    run("export_trainees", "--format", "xlsx", "--output", str(output))
    rows = list(load_workbook(output).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 3 and rows[0][0] == "Given names"
    out, _err = run("import_trainees", str(output))
    assert "2 unchanged" in out
