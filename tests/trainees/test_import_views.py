"""The administrator's import page: upload, preview, import; and the filtered export."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from tests.trainees.helpers import a_trainee
from trainees.models import Trainee
from trainees.services import institution_get_or_create

pytestmark = pytest.mark.django_db
URL = reverse("trainees:import")

GOOD = (
    "Matrícula;Nombres;Primer apellido;Segundo apellido;Sexo;Fecha de nacimiento;Nacionalidad;"
    "Institución;Grado;Categoría de grado;Categoría ONU\n"
    "GN-1;Itzel;Ramírez;Ortega;F;21/08/1994;México;Guardia Nacional;Subinspectora;police;"
    "individual_police\n"
    "GN-2;Raúl;Peña;Cano;M;1990-01-02;MEX;Guardia Nacional;Inspector;police;formed_police_unit\n"
).encode()


@pytest.fixture
def admin_client(client, administrator):
    institution_get_or_create(name="Guardia Nacional", kind="national_guard", country="MX")
    client.force_login(administrator)
    return client


def upload(client, content: bytes, name="alumnos.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def test_upload_previews_then_import_creates_and_records_who(admin_client, administrator):
    preview = upload(admin_client, GOOD)
    assert preview.status_code == 200
    assert "2 por crear" in preview.text
    assert Trainee.objects.count() == 0  # a preview writes nothing
    token = preview.context["token"]

    done = admin_client.post(URL, {"token": token})
    assert done["Location"] == reverse("trainees:list")
    assert set(Trainee.objects.values_list("service_number", flat=True)) == {"GN-1", "GN-2"}
    itzel = Trainee.objects.get(service_number="GN-1")
    assert itzel.history.get().history_user == administrator
    message = admin_client.get(reverse("trainees:list")).text
    assert "2 creados, 0 actualizados, 0 sin cambios" in message

    # The same file again changes nothing.
    again = upload(admin_client, GOOD)
    assert "2 sin cambios" in again.text and "0 por crear" in again.text


def test_a_file_with_an_error_shows_every_error_and_offers_no_import(admin_client):
    bad = GOOD.replace(b"M\xc3\xa9xico", b"Narnia")
    response = upload(admin_client, bad)
    assert response.status_code == 400
    assert "Narnia" in response.text
    assert response.context["token"] == ""
    assert 'name="token"' not in response.text
    assert Trainee.objects.count() == 0


def test_a_file_over_the_limit_is_refused_before_it_is_read(admin_client):
    response = upload(admin_client, b"x" * (5 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert "el límite es de 5 MB" in response.text


def test_an_import_cannot_be_committed_with_someone_elses_token(admin_client, client):
    token = upload(admin_client, GOOD).context["token"]
    admin_client.cookies.clear()
    other = admin_client  # a new session: the token is not in it
    from tests.factories import make_user

    other.force_login(make_user("otra.admin", role="administrator"))
    response = other.post(URL, {"token": token}, follow=True)
    assert "ya no está en espera" in response.text
    assert Trainee.objects.count() == 0


def test_export_writes_the_filtered_list_and_neutralises_formulas(admin_client):
    a_trainee(1, given_names='=HYPERLINK("http://x")', nationality="MX")
    police = institution_get_or_create(
        name="Policía Nacional de Colombia", kind="foreign_police", country="CO"
    )
    a_trainee(2, given_names="Colombiano", nationality="CO", institution=police)
    response = admin_client.get(reverse("trainees:export-csv"), {"nationality": "MX"})
    assert response["Content-Disposition"].startswith('attachment; filename="cecopam-trainees-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2  # the header and the one Mexican
    assert rows[1][rows[0].index("Nombres")] == '\'=HYPERLINK("http://x")'

    xlsx = admin_client.get(reverse("trainees:export-xlsx"))
    assert xlsx.content[:2] == b"PK"


def test_the_template_downloads_as_xlsx(admin_client):
    response = admin_client.get(reverse("trainees:import-template"))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


BAD_FILES = sorted((Path(__file__).parent / "bad_files").iterdir())


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.name for p in BAD_FILES])
def test_every_bad_file_gets_a_message_on_the_page_and_never_a_500(admin_client, path):
    response = upload(admin_client, path.read_bytes(), name=path.name)
    assert response.status_code == 400
    preview = response.context["preview"]
    if preview is None:  # refused by the upload form itself (an empty upload)
        messages = [str(m) for m in response.context["form"].errors["file"]]
    else:
        messages = [str(problem.message) for problem in preview.errors]
    assert messages, path.name
    assert escape(messages[0]) in response.text
    assert 'name="token"' not in response.text
    assert Trainee.objects.count() == 0
