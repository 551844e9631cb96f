import datetime

import pytest
from django.urls import reverse

from courses.services import enrolment_create
from tests.courses.helpers import a_session
from tests.trainees.helpers import a_trainee
from trainees.models import Clearance, Trainee
from trainees.services import clearance_create, institution_get_or_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(trainee_user):
    """The signed-in trainee's record, with a passport and a medical clearance."""
    trainee = trainee_user.trainee
    clearance_create(
        trainee=trainee,
        kind=Clearance.Kind.PASSPORT,
        issued_on=datetime.date(2020, 3, 1),
        valid_until=datetime.date(2030, 3, 1),
        reference="G12345678",
    )
    clearance_create(
        trainee=trainee,
        kind=Clearance.Kind.MEDICAL_MS2,
        issued_on=datetime.date(2026, 1, 10),
        valid_until=datetime.date(2027, 1, 10),
        reference="MED-1",
        details="Hipertensión controlada",
    )
    return trainee


def page(client, user, trainee):
    client.force_login(user)
    return client.get(reverse("trainees:detail", args=[trainee.pk]))


def test_administrator_sees_birth_date_passport_number_and_medical_details(
    client, administrator, record
):
    text = page(client, administrator, record).text
    assert "17 de Mayo de 1990".lower() in text.lower()
    assert "G12345678" in text
    assert "Hipertensión controlada" in text
    assert "Historial de cambios" in text


def test_trainee_sees_own_record_without_the_administrators_only_data(client, trainee_user, record):
    response = page(client, trainee_user, record)
    assert response.status_code == 200
    text = response.text
    assert record.full_name in text and "Pasaporte" in text
    for private in ("G12345678", "Hipertensión controlada", "1990", "Historial de cambios"):
        assert private not in text


@pytest.fixture
def taught(record, instructor, administrator):
    """The record's trainee is enrolled in a session that ``instructor`` teaches."""
    session = a_session(status="open", instructors=[instructor])
    enrolment_create(session=session, trainee=record, by=administrator)
    return session


def test_instructor_sees_only_name_rank_institution_and_nationality(
    client, instructor, record, taught
):
    text = page(client, instructor, record).text
    assert record.full_name in text and record.rank in text and "México" in text
    for private in ("G12345678", "Hipertensión", "Pasaporte", record.service_number, "1990"):
        assert private not in text
    assert "Historial de capacitación" not in text


def test_an_instructor_cannot_open_a_trainee_of_no_session_of_theirs(
    client, other_instructor, record, taught
):
    assert page(client, other_instructor, record).status_code == 404


def test_administrator_and_trainee_see_the_training_history(
    client, administrator, trainee_user, record, taught
):
    for user in (administrator, trainee_user):
        text = page(client, user, record).text
        assert "Historial de capacitación" in text
        assert taught.code in text and "Uso de la fuerza" in text and "Confirmado" in text
    client.force_login(trainee_user)
    assert taught.code in client.get(reverse("portal")).text


def test_another_trainees_record_does_not_exist_for_a_trainee(client, other_trainee_user, record):
    assert page(client, other_trainee_user, record).status_code == 404


def test_trainee_portal_shows_the_own_record_and_no_private_data(client, trainee_user, record):
    client.force_login(trainee_user)
    text = client.get(reverse("portal")).text
    assert "Pasaporte" in text and "vigente" in text
    assert "G12345678" not in text and "Hipertensión" not in text


def test_trainee_edits_contact_details_and_nothing_else(client, trainee_user, record):
    client.force_login(trainee_user)
    response = client.post(
        reverse("trainees:contact"),
        {
            "email": "nuevo@example.org",
            "phone": "+52 55 1234 5678",
            "first_surname": "Hackeado",
            "rank": "General",
        },
    )
    assert response["Location"] == reverse("portal")
    record.refresh_from_db()
    assert (record.email, record.phone) == ("nuevo@example.org", "+52 55 1234 5678")
    assert record.first_surname != "Hackeado" and record.rank != "General"


def test_a_bad_email_is_refused_with_a_message_and_changes_nothing(client, trainee_user, record):
    client.force_login(trainee_user)
    response = client.post(reverse("trainees:contact"), {"email": "no-es-correo", "phone": ""})
    assert response.status_code == 400
    assert "Introduzca una dirección de correo electrónico válida" in response.text
    record.refresh_from_db()
    assert record.email != "no-es-correo"


def form_data(**overrides):
    institution = institution_get_or_create(name="Guardia Nacional", kind="national_guard")
    data = {
        "trainee-given_names": "Itzel", "trainee-first_surname": "Ramírez",
        "trainee-second_surname": "Ortega", "trainee-sex": "F",
        "trainee-date_of_birth": "1994-08-21", "trainee-nationality": "MX",
        "trainee-institution": institution.pk, "trainee-rank": "Subinspectora",
        "trainee-rank_category": "police", "trainee-service_number": "GN-2041",
        "trainee-service_start_date": "2015-02-01", "trainee-un_category": "individual_police",
        "trainee-email": "itzel@example.org", "trainee-phone": "",
        "clearances-TOTAL_FORMS": "1", "clearances-INITIAL_FORMS": "0",
        "clearances-0-kind": "passport", "clearances-0-status": "granted",
        "clearances-0-issued_on": "2022-01-01", "clearances-0-valid_until": "2032-01-01",
        "clearances-0-reference": "M987", "clearances-0-details": "",
        "languages-TOTAL_FORMS": "1", "languages-INITIAL_FORMS": "0",
        "languages-0-language": "en", "languages-0-level": "B2",
        "languages-0-tested_on": "2025-06-01",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_administrator_creates_a_trainee_with_a_clearance_and_a_language(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("trainees:create"), form_data())
    trainee = Trainee.objects.get(service_number="GN-2041")
    assert response["Location"] == reverse("trainees:detail", args=[trainee.pk])
    assert trainee.clearances.get().reference == "M987"
    assert trainee.languages.get().level == "B2"
    assert trainee.history.get().history_user == administrator


def test_a_clearance_ending_before_it_starts_saves_nothing_and_says_why(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("trainees:create"), form_data(**{"clearances-0-valid_until": "2021-01-01"})
    )
    assert response.status_code == 400
    assert "«Vigente hasta» debe ser posterior a «Expedida el»." in response.text
    assert "No se guardó nada" in response.text
    assert not Trainee.objects.filter(service_number="GN-2041").exists()


def test_a_birth_date_in_the_future_is_refused(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("trainees:create"), form_data(**{"trainee-date_of_birth": "2090-01-01"})
    )
    assert response.status_code == 400
    assert "La fecha de nacimiento debe ser anterior a hoy." in response.text


def test_a_duplicate_service_number_is_refused_with_a_clear_message(client, administrator):
    existing = a_trainee(
        1,
        service_number="GN-2041",
        institution=institution_get_or_create(name="Guardia Nacional", kind="national_guard"),
    )
    client.force_login(administrator)
    response = client.post(reverse("trainees:create"), form_data())
    assert response.status_code == 400
    message = "Otro alumno de esta nacionalidad e institución ya tiene esta matrícula."
    assert message in response.text
    assert Trainee.objects.filter(service_number="GN-2041").get() == existing


def test_editing_a_clearance_shows_in_the_history_with_who_and_which_field(
    client, administrator, record
):
    client.force_login(administrator)
    passport = record.clearances.get(kind="passport")
    medical = record.clearances.get(kind="medical_ms2")
    data = form_data(**{
        "trainee-given_names": record.given_names, "trainee-first_surname": record.first_surname,
        "trainee-second_surname": record.second_surname, "trainee-sex": record.sex,
        "trainee-date_of_birth": "1990-05-17", "trainee-institution": record.institution_id,
        "trainee-rank": record.rank, "trainee-rank_category": record.rank_category,
        "trainee-service_number": record.service_number, "trainee-service_start_date": "",
        "trainee-un_category": record.un_category, "trainee-email": record.email,
        "clearances-TOTAL_FORMS": "2", "clearances-INITIAL_FORMS": "2",
        "clearances-0-id": passport.pk, "clearances-0-kind": "passport",
        "clearances-0-status": "granted", "clearances-0-issued_on": "2020-03-01",
        "clearances-0-valid_until": "2031-03-01", "clearances-0-reference": "G12345678",
        "clearances-1-id": medical.pk, "clearances-1-kind": "medical_ms2",
        "clearances-1-status": "granted", "clearances-1-issued_on": "2026-01-10",
        "clearances-1-valid_until": "2027-01-10", "clearances-1-reference": "MED-1",
        "clearances-1-details": "Hipertensión controlada",
        "languages-TOTAL_FORMS": "0",
    })  # fmt: skip
    response = client.post(reverse("trainees:edit", args=[record.pk]), data)
    assert response.status_code == 302, response.context and response.context["clearances"].errors
    passport.refresh_from_db()
    assert passport.valid_until == datetime.date(2031, 3, 1)
    text = client.get(reverse("trainees:detail", args=[record.pk])).text
    history = text.split("Historial de cambios", 1)[1]
    assert administrator.get_full_name() in history
    assert "vigente hasta" in history


def test_the_record_page_runs_the_same_number_of_queries_however_long_its_history(
    client, administrator, record
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trainees.services import trainee_contact_update

    client.force_login(administrator)
    url = reverse("trainees:detail", args=[record.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    count()  # the first visit also puts the readiness profiles and missions in the cache
    short = count()
    for n in range(15):
        trainee_contact_update(trainee=record, email=f"c{n}@example.org", phone="")
    assert count() == short
