"""Exporting trainee records to CSV and XLSX, and the template to fill in for an import."""

import csv
import datetime
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from trainees.exports import trainee_export_csv, trainee_export_xlsx, trainee_import_template_xlsx
from trainees.imports import import_commit, import_preview
from trainees.models import Trainee
from trainees.services import institution_get_or_create, trainee_create

pytestmark = pytest.mark.django_db

ENGLISH_HEADER = [
    "Given names",
    "First surname",
    "Second surname",
    "Sex",
    "Date of birth",
    "Nationality",
    "Institution",
    "Rank",
    "Rank category",
    "Service number",
    "Service start date",
    "UN personnel category",
    "Email",
    "Phone",
]


@pytest.fixture
def sedena():
    return institution_get_or_create(
        name="SEDENA – Ejército Mexicano", short_name="SEDENA", kind="army", country="MX"
    )


@pytest.fixture
def trainees(sedena):
    guatemala = institution_get_or_create(
        name="Ejército de Guatemala", kind="foreign_armed_forces", country="GT"
    )
    ana = trainee_create(
        given_names="Ana",
        first_surname="Pérez",
        second_surname="García",
        sex="F",
        date_of_birth=datetime.date(1990, 5, 17),
        nationality="MX",
        institution=sedena,
        rank="Capitán",
        rank_category="officer",
        service_number="A-001",
        service_start_date=datetime.date(2010, 1, 15),
        un_category="staff_officer",
        email="ana@example.org",
        phone="+52 55 1234 5678",
    )
    mallory = trainee_create(
        given_names='=HYPERLINK("http://evil.example","click")',
        first_surname="@SUM(1+1)",
        second_surname="-2+3",
        sex="M",
        date_of_birth=datetime.date(1985, 11, 3),
        nationality="GT",
        institution=guatemala,
        rank="+cmd",
        rank_category="enlisted",
        service_number="\t=1+1",
        un_category="contingent",
    )
    return ana, mallory


def export_csv(queryset=None) -> str:
    stream = io.StringIO()
    trainee_export_csv(
        trainees=Trainee.objects.all() if queryset is None else queryset, stream=stream
    )
    return stream.getvalue()


def export_xlsx() -> bytes:
    stream = io.BytesIO()
    trainee_export_xlsx(trainees=Trainee.objects.all(), stream=stream)
    return stream.getvalue()


@translation.override("en")
def test_csv_has_the_import_columns_iso_dates_and_codes(trainees):
    text = export_csv()
    assert text.startswith("\ufeff")  # so that Excel reads UTF-8
    header, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == ENGLISH_HEADER
    ana = next(row for row in rows if row[0] == "Ana")
    assert ana == [
        "Ana",
        "Pérez",
        "García",
        "F",
        "1990-05-17",
        "MX",
        "SEDENA – Ejército Mexicano",
        "Capitán",
        "officer",
        "A-001",
        "2010-01-15",
        "staff_officer",
        "ana@example.org",
        "'+52 55 1234 5678",
    ]


@translation.override("es-mx")
def test_headers_follow_the_active_language(trainees):
    header = next(csv.reader(io.StringIO(export_csv().removeprefix("\ufeff"))))
    assert header[:3] == ["Nombres", "Primer apellido", "Segundo apellido"]
    assert "Fecha de nacimiento" in header and "Matrícula" in header
    workbook = load_workbook(io.BytesIO(export_xlsx()), read_only=True)
    assert next(workbook.worksheets[0].iter_rows(values_only=True))[:2] == (
        "Nombres",
        "Primer apellido",
    )


@translation.override("en")
def test_text_that_would_run_as_a_formula_is_neutralised(trainees):
    rows = list(csv.reader(io.StringIO(export_csv().removeprefix("\ufeff"))))
    mallory = next(row for row in rows if row[5] == "GT")
    assert mallory[0] == '\'=HYPERLINK("http://evil.example","click")'
    assert mallory[1:3] == ["'@SUM(1+1)", "'-2+3"]
    assert mallory[7] == "'+cmd" and mallory[9] == "'\t=1+1"

    sheet = load_workbook(io.BytesIO(export_xlsx())).worksheets[0]
    cells = next(row for row in sheet.iter_rows(min_row=2) if row[5].value == "GT")
    assert cells[0].value.startswith("'=HYPERLINK")
    assert all(cell.data_type != "f" for cell in cells)  # nothing the workbook would calculate


@translation.override("en")
def test_xlsx_has_real_date_cells(trainees):
    sheet = load_workbook(io.BytesIO(export_xlsx())).worksheets[0]
    assert [cell.value for cell in sheet[1]] == ENGLISH_HEADER
    ana = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Ana")
    assert ana[4].value == datetime.datetime(1990, 5, 17)
    assert ana[4].number_format == "yyyy-mm-dd"
    assert ana[10].value == datetime.datetime(2010, 1, 15)


@pytest.mark.parametrize("language", ["en", "es-mx"])
def test_an_export_imports_back_unchanged(trainees, language):
    with translation.override(language):
        for data, name in ((export_csv().encode(), "t.csv"), (export_xlsx(), "t.xlsx")):
            preview = import_preview(data=data, filename=name)
            assert preview.ok, [str(e) for e in preview.errors]
            assert preview.counts["unchanged"] == 2
            assert preview.counts["create"] == preview.counts["update"] == 0


def test_export_of_a_queryset_takes_one_query(trainees, django_assert_num_queries):
    with django_assert_num_queries(1):
        export_csv(Trainee.objects.all())


def test_export_of_any_iterable_of_trainees(trainees):
    ana, _mallory = trainees
    assert export_csv([ana]).count("\n") == 2


@translation.override("en")
def test_template_has_header_example_and_accepted_values(sedena):
    institution_get_or_create(name="Guardia Nacional", short_name="GN", kind="national_guard")
    stream = io.BytesIO()
    trainee_import_template_xlsx(stream=stream)
    workbook = load_workbook(io.BytesIO(stream.getvalue()))
    trainees_sheet, values_sheet = workbook.worksheets
    rows = list(trainees_sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ENGLISH_HEADER
    assert len(rows) == 2
    values = {cell for row in values_sheet.iter_rows(values_only=True) for cell in row if cell}
    assert {"F", "Female", "M", "Male"} <= values
    assert {choice.value for choice in Trainee.RankCategory} <= values
    assert {choice.value for choice in Trainee.UNCategory} <= values
    assert {"SEDENA – Ejército Mexicano", "Guardia Nacional", "GN"} <= values

    # The example row is a valid trainee (of the first institution listed).
    preview = import_preview(data=stream.getvalue(), filename="plantilla.xlsx")
    assert preview.ok, [str(e) for e in preview.errors]
    assert [s.name for s in preview.to_create] == ["María Fernanda López Hernández"]


@translation.override("es-mx")
def test_template_in_spanish(sedena):
    stream = io.BytesIO()
    trainee_import_template_xlsx(stream=stream)
    workbook = load_workbook(io.BytesIO(stream.getvalue()))
    assert workbook.worksheets[0]["A1"].value == "Nombres"
    assert import_commit(data=stream.getvalue(), filename="plantilla.xlsx", user=None).ok
