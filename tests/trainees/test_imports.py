"""Importing trainee lists from CSV and XLSX: what the preview says, what the import writes."""

import datetime
import io
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook

from trainees.imports import MAX_LISTED_ERRORS, import_commit, import_preview
from trainees.models import Trainee
from trainees.services import institution_get_or_create, trainee_create

pytestmark = pytest.mark.django_db

BAD_FILES = Path(__file__).parent / "bad_files"

HEADER = (
    "Given names,First surname,Second surname,Sex,Date of birth,Nationality,Institution,Rank,"
    "Rank category,Service number,Service start date,UN personnel category,Email,Phone"
)
ROWS = [
    "Ana,Pérez,García,F,1990-05-17,MX,SEDENA,Capitán,officer,A-001,2010-01-15,staff_officer,"
    "ana@example.org,55 1234 5678",
    "José Luis,Núñez,,M,03/11/1985,México,Guardia Nacional,Sargento,nco,GN-77,,contingent,,",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def sedena():
    return institution_get_or_create(
        name="SEDENA – Ejército Mexicano", short_name="SEDENA", kind="army", country="MX"
    )


@pytest.fixture
def guardia():
    return institution_get_or_create(
        name="Guardia Nacional", short_name="GN", kind="national_guard", country="MX"
    )


@pytest.fixture
def institutions(sedena, guardia):
    institution_get_or_create(
        name="Ejército de Guatemala", kind="foreign_armed_forces", country="GT"
    )
    return sedena, guardia


def csv_bytes(*rows: str, header: str = HEADER, sep: str = ",", encoding: str = "utf-8") -> bytes:
    lines = [header, *rows]
    if sep != ",":
        lines = [line.replace(",", sep) for line in lines]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def history_count() -> int:
    return Trainee.history.count()


# ------------------------------------------------------------------ happy paths
def test_csv_with_commas_previews_then_imports(institutions, administrator):
    sedena, guardia = institutions
    data = csv_bytes(*ROWS)

    preview = import_preview(data=data, filename="lista.csv")
    assert preview.ok, preview.errors
    assert preview.counts == {"rows": 2, "create": 2, "update": 0, "unchanged": 0, "errors": 0}
    assert [(s.row, s.name, s.service_number) for s in preview.to_create] == [
        (2, "Ana Pérez García", "A-001"),
        (3, "José Luis Núñez", "GN-77"),
    ]
    assert Trainee.objects.count() == 0  # a preview writes nothing

    result = import_commit(data=data, filename="lista.csv", user=administrator)
    assert result.ok and result.committed
    ana = Trainee.objects.get(service_number="A-001")
    assert (ana.given_names, ana.first_surname, ana.second_surname) == ("Ana", "Pérez", "García")
    assert ana.sex == "F" and ana.date_of_birth == datetime.date(1990, 5, 17)
    assert ana.nationality.code == "MX" and ana.institution == sedena
    assert (ana.rank, ana.rank_category, ana.un_category) == ("Capitán", "officer", "staff_officer")
    assert ana.service_start_date == datetime.date(2010, 1, 15)
    assert (ana.email, ana.phone) == ("ana@example.org", "55 1234 5678")
    jose = Trainee.objects.get(service_number="GN-77")
    assert jose.date_of_birth == datetime.date(1985, 11, 3)  # DD/MM/YYYY
    assert jose.institution == guardia and jose.service_start_date is None


def test_csv_with_semicolons(institutions):
    preview = import_preview(data=csv_bytes(*ROWS, sep=";"), filename="lista.csv")
    assert preview.ok, preview.errors
    assert len(preview.to_create) == 2


def test_csv_in_windows_1252_as_excel_saves_it(institutions, administrator):
    data = csv_bytes(*ROWS, sep=";", encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = import_commit(data=data, filename="lista.csv", user=administrator)
    assert result.ok, result.errors
    assert Trainee.objects.get(service_number="GN-77").first_surname == "Núñez"


def test_csv_in_utf8_with_byte_order_mark(institutions, administrator):
    data = "\ufeff".encode() + csv_bytes(*ROWS)
    result = import_commit(data=data, filename="lista.csv", user=administrator)
    assert result.ok, result.errors
    assert Trainee.objects.filter(given_names="Ana").exists()


def test_xlsx_with_real_date_cells_and_number_cells(institutions, administrator):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    born, started = datetime.datetime(1990, 5, 17), datetime.datetime(2010, 1, 15)
    sheet.append(
        [
            *("Ana", "Pérez", "García", "F", born, "MX", "SEDENA", "Capitán", "officer"),
            *(4400123, started, "staff_officer", "", 5512345678),
        ]
    )
    stream = io.BytesIO()
    workbook.save(stream)

    result = import_commit(data=stream.getvalue(), filename="lista.xlsx", user=administrator)
    assert result.ok, result.errors
    ana = Trainee.objects.get()
    assert ana.date_of_birth == datetime.date(1990, 5, 17)
    assert ana.service_start_date == datetime.date(2010, 1, 15)
    assert (ana.service_number, ana.phone) == ("4400123", "5512345678")


def test_xlsx_is_recognised_by_its_content_not_its_name(institutions):
    workbook = Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.active.append(ROWS[0].split(","))
    stream = io.BytesIO()
    workbook.save(stream)
    preview = import_preview(data=stream.getvalue(), filename="export.csv")
    assert preview.ok, preview.errors


def test_spanish_headers_in_any_order_and_spelling(institutions):
    header = (
        "MATRÍCULA;Categoria ONU; nombres ;Primer  apellido;sexo;Fecha de Nacimiento;"
        "nacionalidad;institucion;categoría de grado;second_surname"
    )
    rows = ["A-001;Oficial de Estado Mayor;Ana;Pérez;mujer;17/05/1990;México;sedena;Oficial;"]
    preview = import_preview(data=csv_bytes(*rows, header=header), filename="lista.csv")
    assert preview.ok, preview.errors
    assert [s.name for s in preview.to_create] == ["Ana Pérez"]


def test_choices_accept_values_and_labels_in_either_language(institutions, administrator):
    header = "nombres,primer apellido,sexo,fecha de nacimiento,nacionalidad,institución,"
    header += "categoría de grado,matrícula,categoría onu"
    rows = [
        "Ana,Pérez,Female,1990-05-17,MEX,Guardia Nacional,Senior officer,1,Staff officer",
        "Eva,Ruiz,femenino,1990-05-17,mx,GN,Oficial,2,Integrante de contingente",
        "Luis,Gómez,m,1990-05-17,Mexico,gn,NCO,3,civilian",
    ]
    result = import_commit(data=csv_bytes(*rows, header=header), filename="l.csv", user=None)
    assert result.ok, result.errors
    assert sorted(Trainee.objects.values_list("sex", "rank_category", "un_category")) == [
        ("F", "officer", "contingent"),
        ("F", "senior_officer", "staff_officer"),
        ("M", "nco", "civilian"),
    ]


# ------------------------------------------------------------------ sex as F/M or H/M
SEX_HEADER = (
    "Given names,First surname,Sex,Date of birth,Nationality,Institution,Rank category,"
    "Service number,UN personnel category"
)


def sex_file(*sexes: str) -> bytes:
    rows = [
        f"Persona{i},Pérez,{sex},1990-05-17,MX,SEDENA,officer,S-{i},staff_officer"
        for i, sex in enumerate(sexes)
    ]
    return csv_bytes(*rows, header=SEX_HEADER)


def imported_sexes() -> list[str]:
    return list(Trainee.objects.order_by("service_number").values_list("sex", flat=True))


def test_a_file_written_with_h_and_m_imports_its_m_rows_as_women(institutions):
    data = sex_file("H", "M", "m", "Mujer", "masculino")
    result = import_commit(data=data, filename="lista.csv", user=None)
    assert result.ok and result.committed, result.errors
    assert imported_sexes() == ["M", "F", "F", "F", "M"]


def test_hombre_written_out_also_makes_m_a_woman(institutions):
    result = import_commit(data=sex_file("hombre", "M"), filename="lista.csv", user=None)
    assert result.ok, result.errors
    assert imported_sexes() == ["M", "F"]


def test_a_file_written_with_f_and_m_imports_its_m_rows_as_men(institutions):
    data = sex_file("F", "M", "m", "mujer", "Femenino")
    result = import_commit(data=data, filename="lista.csv", user=None)
    assert result.ok and result.committed, result.errors
    assert imported_sexes() == ["F", "M", "M", "F", "F"]


def test_a_file_mixing_f_and_h_is_an_error_on_the_rows_that_make_it_ambiguous(institutions):
    data = sex_file("H", "M", "H", "F", "M")
    preview = import_preview(data=data, filename="lista.csv")
    [error] = preview.errors  # the F among Hs; the Hs and the Ms are not to blame
    assert (error.row, error.column, error.value) == (5, "Sex", "F")
    assert error.message == (
        "This column mixes F/M codes (M = male) with H/M codes (M = female): row 2 has “H”. "
        "Use one set of codes for the whole file."
    )
    result = import_commit(data=data, filename="lista.csv", user=None)
    assert not result.committed and Trainee.objects.count() == 0


def test_when_as_many_rows_use_f_as_h_both_kinds_are_errors(institutions):
    preview = import_preview(data=sex_file("F", "M", "H"), filename="lista.csv")
    assert [(e.row, e.value) for e in preview.errors] == [(2, "F"), (4, "H")]
    assert "row 4 has “H”" in preview.errors[0].message
    assert "row 2 has “F”" in preview.errors[1].message


def test_an_h_m_file_lists_h_and_m_as_the_accepted_values(institutions):
    [error] = import_preview(data=sex_file("H", "X"), filename="lista.csv").errors
    assert (error.row, error.value) == (3, "X")
    assert error.message == "This is not one of the accepted values: H (Male), M (Female)."


def test_same_institution_name_in_two_countries_resolved_by_nationality():
    mx = institution_get_or_create(name="Policía Federal", kind="federal_police", country="MX")
    gt = institution_get_or_create(name="Policía Federal", kind="foreign_police", country="GT")
    header = "nombres,primer apellido,sexo,fecha de nacimiento,nacionalidad,institución,"
    header += "categoría de grado,matrícula,categoría onu"
    rows = [
        "Ana,Pérez,F,1990-05-17,MX,policia federal,police,1,individual_police",
        "Eva,Ruiz,F,1990-05-17,GT,Policía Federal,police,1,individual_police",
    ]
    result = import_commit(data=csv_bytes(*rows, header=header), filename="l.csv", user=None)
    assert result.ok, result.errors
    assert Trainee.objects.get(given_names="Ana").institution == mx
    assert Trainee.objects.get(given_names="Eva").institution == gt


def test_reimporting_the_same_file_changes_nothing(institutions, administrator):
    data = csv_bytes(*ROWS)
    import_commit(data=data, filename="lista.csv", user=administrator)
    before = (list(Trainee.objects.values_list("pk", "updated_at")), history_count())

    again = import_commit(data=data, filename="lista.csv", user=administrator)
    assert again.ok and again.committed
    assert again.counts == {"rows": 2, "create": 0, "update": 0, "unchanged": 2, "errors": 0}
    assert (list(Trainee.objects.values_list("pk", "updated_at")), history_count()) == before


def test_changed_rows_are_updates_listing_the_changed_fields(institutions, administrator):
    import_commit(data=csv_bytes(*ROWS), filename="lista.csv", user=None)
    edited = ROWS[0].replace("Capitán", "Mayor").replace("ana@example.org", "ana@sedena.mx")

    preview = import_preview(data=csv_bytes(edited, ROWS[1]), filename="lista.csv")
    assert preview.ok, preview.errors
    assert preview.counts["update"] == 1 and preview.counts["unchanged"] == 1
    [update] = preview.to_update
    assert (update.row, update.name, update.changed_fields) == (
        2,
        "Ana Pérez García",
        ("rank", "email"),
    )
    assert update.changed_headers == ["Rank", "Email"]

    result = import_commit(data=csv_bytes(edited, ROWS[1]), filename="v2.csv", user=administrator)
    assert result.ok
    ana = Trainee.objects.get(service_number="A-001")
    assert (ana.rank, ana.email) == ("Mayor", "ana@sedena.mx")
    latest = ana.history.first()
    assert latest.history_type == "~" and latest.history_user == administrator
    assert latest.rank == "Mayor" and "v2.csv" in latest.history_change_reason
    assert latest.updated_at == ana.updated_at > ana.created_at


def test_history_records_who_imported(institutions, administrator):
    import_commit(data=csv_bytes(*ROWS), filename="lista.csv", user=administrator)
    records = Trainee.history.all()
    assert records.count() == 2
    assert {(r.history_type, r.history_user_id) for r in records} == {("+", administrator.pk)}
    assert all("lista.csv" in r.history_change_reason for r in records)
    # Each record is the trainee as written, dated at the import.
    for record in records:
        trainee = Trainee.objects.get(pk=record.id)
        assert record.service_number == trainee.service_number
        assert record.search_text == trainee.search_text and record.search_text
        assert record.institution_id == trainee.institution_id
        assert abs(record.history_date - trainee.created_at) < datetime.timedelta(minutes=1)


def test_a_column_left_out_keeps_the_current_values(institutions):
    sedena, _guardia = institutions
    trainee_create(
        given_names="Ana",
        first_surname="Pérez",
        sex="F",
        date_of_birth=datetime.date(1990, 5, 17),
        nationality="MX",
        institution=sedena,
        rank_category="officer",
        service_number="A-001",
        un_category="staff_officer",
        email="ana@example.org",
        phone="555",
    )
    header = "Given names,First surname,Sex,Date of birth,Nationality,Institution,"
    header += "Rank category,Service number,UN personnel category"
    row = "Ana,Pérez,F,1990-05-17,MX,SEDENA,officer,A-001,staff_officer"
    preview = import_preview(data=csv_bytes(row, header=header), filename="l.csv")
    assert preview.counts["unchanged"] == 1
    assert Trainee.objects.get().email == "ana@example.org"


def test_update_is_checked_against_the_fields_the_file_leaves_out(institutions):
    sedena, _guardia = institutions
    trainee_create(
        given_names="Ana",
        first_surname="Pérez",
        sex="F",
        date_of_birth=datetime.date(1990, 5, 17),
        nationality="MX",
        institution=sedena,
        rank_category="officer",
        service_number="A-001",
        service_start_date=datetime.date(2010, 1, 1),
        un_category="staff_officer",
    )
    header = "Given names,First surname,Sex,Date of birth,Nationality,Institution,"
    header += "Rank category,Service number,UN personnel category"
    row = "Ana,Pérez,F,2012-05-17,MX,SEDENA,officer,A-001,staff_officer"
    result = import_commit(data=csv_bytes(row, header=header), filename="l.csv", user=None)
    [error] = result.errors
    assert (error.row, error.column, error.value) == (2, "Service start date", "2010-01-01")
    assert "after the date of birth" in error.message
    assert Trainee.objects.get().date_of_birth == datetime.date(1990, 5, 17)


def test_errors_name_row_column_value_and_reason(institutions):
    bad = ROWS[1].replace("M,03/11/1985", "X,03/11/1985").replace("México", "Atlantis")
    preview = import_preview(data=csv_bytes(ROWS[0], "", bad), filename="lista.csv")
    assert not preview.ok
    assert preview.to_create[0].row == 2  # the valid row is still previewed
    sex, nationality = preview.errors
    assert (sex.row, sex.column, sex.value) == (4, "Sex", "X")  # the blank row 3 counts
    assert str(sex) == (
        "row 4, column Sex, value “X”: This is not one of the accepted values: "
        "F (Female), M (Male)."
    )
    assert (nationality.column, nationality.value) == ("Nationality", "Atlantis")


def test_errors_are_listed_up_to_a_limit_then_counted(institutions):
    rows = [f"Ana,Pérez,,F,1990-05-17,MX,SEDENA,,officer,N{i},,nobody,," for i in range(1_200)]
    preview = import_preview(data=csv_bytes(*rows), filename="lista.csv")
    assert preview.counts["errors"] == 1_200
    assert len(preview.errors) == MAX_LISTED_ERRORS
    assert preview.errors_not_listed == 200


def test_text_that_the_export_protected_from_formulas_imports_as_it_was(institutions):
    row = ROWS[0].replace("55 1234 5678", "'+52 55 1234 5678")
    result = import_commit(data=csv_bytes(row), filename="l.csv", user=None)
    assert result.ok
    assert Trainee.objects.get().phone == "+52 55 1234 5678"


def test_queries_do_not_grow_with_rows(institutions, administrator):
    def rows(count: int, start: int) -> list[str]:
        return [
            f"Ana,Pérez,,F,1990-05-17,MX,SEDENA,,officer,Q{i},,staff_officer,,"
            for i in range(start, start + count)
        ]

    import_commit(data=csv_bytes(*rows(300, 0)), filename="l.csv", user=administrator)
    with CaptureQueriesContext(connection) as preview_queries:
        import_preview(data=csv_bytes(*rows(600, 0)), filename="l.csv")
    # the institutions, the keys of their trainees, the 300 trainees the file matches
    assert len(preview_queries) == 3
    with CaptureQueriesContext(connection) as few:
        import_commit(data=csv_bytes(*rows(10, 1_000)), filename="l.csv", user=administrator)
    with CaptureQueriesContext(connection) as many:
        import_commit(data=csv_bytes(*rows(900, 2_000)), filename="l.csv", user=administrator)
    assert Trainee.objects.count() == 1_210
    # Inserts go in batches: SQLite takes fewer rows per INSERT than PostgreSQL.
    assert len(many) <= len(few) + 60


# ------------------------------------------------------------------ the bad files
BAD = [
    ("wrong_encoding.csv", "neither UTF-8 nor Windows-1252"),
    ("utf16.csv", "UTF-16"),
    ("empty.csv", "The file is empty."),
    ("empty_sheet.xlsx", "The file is empty."),
    ("header_only.csv", "has a header row but no trainees"),
    ("image_renamed.csv", "This is not a CSV or XLSX spreadsheet."),
    ("not_a_zip.xlsx", "named .xlsx but is not an XLSX spreadsheet"),
    ("corrupt_zip.xlsx", "not a valid XLSX spreadsheet"),
    ("zip_not_workbook.xlsx", "not a valid XLSX spreadsheet"),
    ("old_excel.xls", "Excel 97-2003 (.xls)"),
    ("missing_required_columns.csv", "Required columns are missing: Sex, Nationality."),
    ("unknown_column.csv", "Unknown column: “Rango militar”. The accepted columns are: Given"),
    ("duplicate_column.csv", "The column “Nombres” (column O) repeats “Given names” (column A)"),
    ("impossible_date.csv", "row 3, column Date of birth, value “2026-02-30”: There is no such"),
    ("month_13.csv", "value “31/13/2020”: There is no such date. Dates with slashes are read"),
    ("date_in_words.csv", "value “yesterday”: This is not a date."),
    ("two_digit_year.csv", "value “17/05/90”: A two-digit year is ambiguous."),
    ("number_as_date.xlsx", "row 3, column Date of birth, value “32874”: This is a number"),
    ("birth_in_future.csv", "value “2090-01-01”: The date of birth must be in the past."),
    ("unknown_nationality.csv", "value “Atlantis”: Unknown country."),
    ("unknown_institution.csv", "There is no institution “Ministry of Magic”."),
    ("bad_sex.csv", "column Sex, value “X”: This is not one of the accepted values: F (Female)"),
    ("bad_sex.xlsx", "column Sex, value “woman”: This is not one of the accepted values"),
    ("bad_rank_category.csv", "value “admiral”: This is not one of the accepted values"),
    ("duplicate_rows.csv", "row 4, column Service number, value “BAD-002”: Row 3 already has"),
    ("bad_email.csv", "column Email, value “luis at example”: Enter a valid email address."),
    ("service_before_birth.csv", "The service start date must be after the date of birth."),
    ("too_many_cells.csv", "row 3, column P, value “extra”: This row has 16 cells but the header"),
    ("missing_required_value.csv", "column First surname, value “”: This column is required."),
    ("name_too_long.csv", "Ensure this value has at most 100 characters (it has 120)."),
]


def test_every_bad_file_has_a_case():
    assert {name for name, _message in BAD} == {p.name for p in BAD_FILES.iterdir()}


@pytest.mark.parametrize(("name", "message"), BAD, ids=[name for name, _m in BAD])
def test_bad_file_is_refused_with_its_reason_and_writes_nothing(
    institutions, administrator, name, message
):
    before = (Trainee.objects.count(), history_count())
    result = import_commit(data=(BAD_FILES / name).read_bytes(), filename=name, user=administrator)
    assert not result.ok and not result.committed
    assert any(message in str(error) for error in result.errors), [str(e) for e in result.errors]
    assert (Trainee.objects.count(), history_count()) == before


def test_file_over_the_size_limit_is_refused(institutions, administrator, tmp_path):
    path = tmp_path / "huge.csv"
    row = ROWS[0].replace("A-001", "{}")
    with path.open("w", encoding="utf-8") as file:
        file.write(HEADER + "\n")
        for i in range(60_000):
            file.write(row.format(i) + "\n")
    data = path.read_bytes()
    assert len(data) > 5 * 1024 * 1024
    result = import_commit(data=data, filename=path.name, user=administrator)
    [error] = result.errors
    assert "the limit is 5 MB" in str(error)
    assert Trainee.objects.count() == 0


def test_file_over_the_row_limit_is_refused(institutions, administrator, tmp_path):
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8") as file:
        file.write("nombres,primer apellido,sexo,fecha de nacimiento,nacionalidad,institución,")
        file.write("categoría de grado,matrícula,categoría onu\n")
        for i in range(20_001):
            file.write(f"A,B,F,1990-05-17,MX,SEDENA,officer,{i},civilian\n")
    data = path.read_bytes()
    assert len(data) < 5 * 1024 * 1024
    result = import_commit(data=data, filename=path.name, user=administrator)
    [error] = result.errors
    assert str(error) == "The file has more than 20,000 rows. Split it into smaller files."
    assert Trainee.objects.count() == 0


def test_an_error_after_a_written_batch_rolls_everything_back(institutions, administrator):
    rows = [
        f"Ana,Pérez,,F,1990-05-17,MX,SEDENA,,officer,R{i},,staff_officer,," for i in range(2_500)
    ]
    rows.append("Eva,Ruiz,,F,1990-05-17,MX,SEDENA,,officer,R-last,,staff_officer,not-an-email,")
    result = import_commit(data=csv_bytes(*rows), filename="l.csv", user=administrator)
    [error] = result.errors
    assert error.row == 2_502 and not result.committed
    assert (Trainee.objects.count(), history_count()) == (0, 0)


def test_every_header_problem_is_reported_at_once(institutions):
    header = "Nombres,Nombres,Rango militar,Sexo"
    preview = import_preview(data=csv_bytes("Ana,Ana,x,F", header=header), filename="l.csv")
    assert [str(e).split(":")[0] for e in preview.errors] == [
        "Unknown column",
        "The column “Nombres” (column B) repeats “Nombres” (column A)",
        "Required columns are missing",
    ]


def test_a_name_shared_by_two_institutions_of_other_countries_is_ambiguous():
    institution_get_or_create(name="Policía Nacional", kind="foreign_police", country="CO")
    institution_get_or_create(name="Policía Nacional", kind="foreign_police", country="PE")
    header = "nombres,primer apellido,sexo,fecha de nacimiento,nacionalidad,institución,"
    header += "categoría de grado,matrícula,categoría onu"
    row = "Ana,Pérez,F,1990-05-17,MX,Policía Nacional,police,1,individual_police"
    [error] = import_preview(data=csv_bytes(row, header=header), filename="l.csv").errors
    assert error.message == (
        "Several institutions are called “Policía Nacional”: Policía Nacional (CO); "
        "Policía Nacional (PE). Use the full name."
    )


def test_xlsx_rows_are_numbered_as_the_sheet_numbers_them(institutions):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(ROWS[0].split(","))
    sheet.append([])
    sheet.append(ROWS[1].replace(",M,", ",?,").split(","))
    stream = io.BytesIO()
    workbook.save(stream)
    preview = import_preview(data=stream.getvalue(), filename="l.xlsx")
    assert [s.row for s in preview.to_create] == [2]
    assert [(e.row, e.column, e.value) for e in preview.errors] == [(4, "Sex", "?")]


def test_row_summaries_read_like_a_list(institutions):
    preview = import_preview(data=csv_bytes(*ROWS), filename="l.csv")
    rows = preview.to_create
    assert len(rows) == 2 and bool(rows) and not preview.to_update
    assert rows[-1].name == "José Luis Núñez" and rows[-1].institution == "GN"
    assert [s.row for s in rows[0:1]] == [2]
    assert (rows[0].nationality, rows[0].service_number, rows[0].changed_fields) == (
        "MX",
        "A-001",
        (),
    )
