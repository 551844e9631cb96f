"""The nomination page and the withdraw button, as an administrator uses them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Enrolment
from tests.courses.helpers import a_course, a_session, seated
from tests.trainees.helpers import a_trainee

pytestmark = pytest.mark.django_db


def enrol_url(session):
    return reverse("courses:session-enrol", args=[session.pk])


def test_nominating_fills_the_seats_in_list_order_and_waitlists_the_rest(client, administrator):
    session = a_session(status="open", capacity=2)
    trainees = [a_trainee(n) for n in range(3)]
    client.force_login(administrator)
    response = client.post(enrol_url(session), {"trainees": [t.pk for t in trainees]})
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:session-detail", args=[session.pk])
    statuses = dict(Enrolment.objects.values_list("trainee_id", "status"))
    assert sorted(statuses.values()) == ["confirmed", "confirmed", "waitlisted"]
    page = client.get(response["Location"])
    assert "Inscritos: 2 confirmados, 1 en lista de espera." in page.text


def test_the_page_marks_who_is_enrolled_and_who_lacks_a_prerequisite(client, administrator):
    cptm = a_course("CPTM", title_es="Capacitación básica", title_en="Core training")
    course = a_course("UNSOC", prerequisites=[cptm])
    session = a_session(course, status="open")
    [enrolled] = seated(session, 1, by=administrator, override_reason="Experiencia previa")
    a_trainee(7)
    client.force_login(administrator)
    text = client.get(enrol_url(session)).text
    assert text.count("Le falta un requisito") == 2
    assert "Confirmado" in text
    checkbox = re.search(rf'<input[^>]*value="{enrolled.trainee_id}"[^>]*>', text).group()
    assert "disabled" in checkbox


def test_a_missing_prerequisite_enrols_nobody_unless_waived_with_a_reason(client, administrator):
    cptm = a_course("CPTM", title_es="Capacitación básica", title_en="Core training")
    session = a_session(a_course("UNSOC", prerequisites=[cptm]), status="open")
    trainees = [a_trainee(n) for n in range(2)]
    client.force_login(administrator)

    response = client.post(enrol_url(session), {"trainees": [t.pk for t in trainees]})
    assert response.status_code == 400
    assert "No se inscribió a nadie" in response.text and "CPTM" in response.text
    assert not Enrolment.objects.exists()

    response = client.post(
        enrol_url(session),
        {"trainees": [trainees[0].pk], "override_reason": "Curso equivalente en el extranjero"},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert enrolment.prerequisite_override_by == administrator
    assert enrolment.prerequisite_override_reason == "Curso equivalente en el extranjero"


def test_choosing_nobody_or_an_unknown_trainee_is_a_400(client, administrator):
    session = a_session(status="open")
    client.force_login(administrator)
    assert client.post(enrol_url(session), {}).status_code == 400
    assert client.post(enrol_url(session), {"trainees": ["999999"]}).status_code == 400
    assert client.post(enrol_url(session), {"trainees": ["x"]}).status_code == 400
    assert not Enrolment.objects.exists()


def test_a_closed_session_takes_no_nominations(client, administrator):
    session = a_session(status="in_progress")
    trainee = a_trainee(1)
    client.force_login(administrator)
    response = client.post(enrol_url(session), {"trainees": [trainee.pk]})
    assert response.status_code == 400
    assert "no admite más inscripciones" in response.text
    assert not Enrolment.objects.exists()


def test_the_nomination_page_runs_the_same_queries_for_5_and_25_trainees(client, administrator):
    cptm = a_course("CPTM", title_es="Capacitación básica", title_en="Core training")
    session = a_session(a_course("UNSOC", prerequisites=[cptm]), status="open")
    client.force_login(administrator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(enrol_url(session)).status_code == 200
        return len(captured)

    for n in range(5):
        a_trainee(n)
    few = queries()
    for n in range(5, 25):
        a_trainee(n)
    assert queries() == few


def test_withdrawing_gives_the_seat_to_the_first_of_the_waitlist(client, administrator):
    session = a_session(status="open", capacity=1)
    first, second, third = seated(session, 3, by=administrator)
    client.force_login(administrator)
    url = reverse("courses:enrolment-withdraw", args=[first.pk])
    response = client.post(url)
    assert response.status_code == 302
    statuses = [Enrolment.objects.get(pk=e.pk).status for e in (first, second, third)]
    assert statuses == ["withdrawn", "confirmed", "waitlisted"]

    # A no-show of the new holder passes the seat on again.
    client.post(reverse("courses:enrolment-withdraw", args=[second.pk]), {"no_show": "1"})
    statuses = [Enrolment.objects.get(pk=e.pk).status for e in (first, second, third)]
    assert statuses == ["withdrawn", "no_show", "confirmed"]

    # Withdrawing twice changes nothing and says why.
    response = client.post(url, follow=True)
    assert "no hay nada que retirar" in response.text
    assert Enrolment.objects.get(pk=first.pk).status == "withdrawn"


def test_only_administrators_nominate_and_withdraw(client, instructor, trainee_user, administrator):
    session = a_session(status="open", instructors=[instructor])
    [enrolment] = seated(session, 1, by=administrator)
    trainee = a_trainee(50)
    for user in (instructor, trainee_user):
        client.force_login(user)
        assert client.get(enrol_url(session)).status_code == 403
        assert client.post(enrol_url(session), {"trainees": [trainee.pk]}).status_code == 403
        url = reverse("courses:enrolment-withdraw", args=[enrolment.pk])
        assert client.post(url).status_code == 403
    assert Enrolment.objects.get(pk=enrolment.pk).status == "confirmed"
    assert Enrolment.objects.count() == 1
