"""The expiry forecast and the administrators' weekly digest."""

import datetime
from smtplib import SMTPException

import pytest
from django.core import mail
from django.utils import translation

from readiness.digest import weekly_digest_send
from readiness.forecast import expiry_forecast
from readiness.models import WeeklyDigest
from tests.factories import make_user
from tests.readiness.test_selectors import certificate, granted, seed_minurso
from tests.trainees.helpers import a_trainee
from trainees.models import Clearance

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)  # a Monday
SOON = TODAY + datetime.timedelta(days=30)


@pytest.fixture
def lapsing():
    """Ana: a CPTM certificate and a passport lapsing soon; Luis: a medical clearance on the
    window's last day, one the day after, and a renewed certificate."""
    seed_minurso()
    ana = a_trainee(1, given_names="Ana", first_surname="Ruiz", second_surname="")
    luis = a_trainee(2, given_names="Luis", first_surname="Soto", second_surname="Vega")
    certificate(ana, "CPTM", valid_until=SOON)
    granted(ana, Clearance.Kind.PASSPORT, valid_until=SOON + datetime.timedelta(days=1))
    granted(luis, Clearance.Kind.MEDICAL_MS2, valid_until=TODAY + datetime.timedelta(days=90))
    granted(luis, Clearance.Kind.MEDICAL_MS3, valid_until=TODAY + datetime.timedelta(days=91))
    # Renewed: the old UNMEM certificate lapses, but a newer one lasts beyond the window.
    certificate(luis, "UNMEM", valid_until=SOON)
    certificate(luis, "UNMEM", valid_until=datetime.date(2029, 1, 1))
    # Renewed clearance likewise, and a refused one that lapses (not granted: not listed).
    granted(luis, Clearance.Kind.PASSPORT, valid_until=SOON)
    granted(luis, Clearance.Kind.PASSPORT, valid_until=datetime.date(2031, 1, 1))
    granted(luis, Clearance.Kind.DRIVING_LICENCE, valid_until=SOON, status="refused")
    return ana, luis


def without_email(user):
    user.email = ""
    user.save()


def test_the_forecast_lists_what_lapses_in_90_days_soonest_first(lapsing):
    ana, luis = lapsing
    with translation.override("en"):
        forecast = expiry_forecast(start=TODAY)
    assert [(lapse.trainee, lapse.what, lapse.on) for lapse in forecast.lapses] == [
        ("Ruiz, Ana", "CPTM course", SOON),
        ("Ruiz, Ana", "Passport", SOON + datetime.timedelta(days=1)),
        ("Soto Vega, Luis", "Medical – MS2 (armed)", TODAY + datetime.timedelta(days=90)),
    ]
    assert forecast.totals == {"certificate": 1, "clearance": 2}
    assert [(pk, len(items)) for pk, _, items in forecast.by_trainee] == [
        (ana.pk, 2),
        (luis.pk, 1),
    ]
    assert forecast.lapses[0].reference.startswith("CECOPAM-")


def test_the_forecast_runs_four_queries(lapsing, django_assert_num_queries):
    with django_assert_num_queries(4):
        expiry_forecast(start=TODAY)


def test_the_weekly_digest_goes_once_a_week_to_administrators_with_an_email(lapsing, settings):
    settings.SITE_BASE_URL = "https://cecopam.example.org"
    make_user("admin", role="administrator")  # admin@example.org
    without_email(make_user("no.mail.admin", role="administrator"))
    make_user("digest.instructor", role="instructor")

    assert weekly_digest_send(today=TODAY) == 1
    (message,) = mail.outbox
    assert message.to == ["admin@example.org"]
    assert "3" in message.subject
    assert "Ruiz, Ana" in message.body
    assert "Soto Vega, Luis" in message.body
    assert "https://cecopam.example.org/readiness/forecast/" in message.body
    assert "Pasaporte" in message.body and "Passport" in message.body  # both languages

    # Again the same week (Wednesday): nothing. The next Monday: the next digest.
    assert weekly_digest_send(today=TODAY + datetime.timedelta(days=2)) == 0
    assert len(mail.outbox) == 1
    assert weekly_digest_send(today=TODAY + datetime.timedelta(days=7)) == 1
    assert list(WeeklyDigest.objects.values_list("week", flat=True)) == [
        TODAY + datetime.timedelta(days=7),
        TODAY,
    ]


def test_a_digest_that_could_not_be_sent_is_sent_by_the_next_run(lapsing, monkeypatch):
    make_user("admin", role="administrator")

    def refuse(self, fail_silently=False):
        raise SMTPException("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMessage.send", refuse)
        with pytest.raises(SMTPException):
            weekly_digest_send(today=TODAY)
    assert not WeeklyDigest.objects.exists()
    assert weekly_digest_send(today=TODAY + datetime.timedelta(days=1)) == 1
    assert len(mail.outbox) == 1


def test_no_administrator_with_an_email_means_no_digest_and_no_claim(lapsing):
    without_email(make_user("admin", role="administrator"))
    assert weekly_digest_send(today=TODAY) == 0
    assert not WeeklyDigest.objects.exists()
