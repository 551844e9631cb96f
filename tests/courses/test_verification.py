"""The public verification of certificates: anyone with a code learns whether the certificate
holds (valid, expired, revoked, superseded) and the few printed facts that match it to the
paper, nothing else about the person; unknown codes get "not found"; guessing is throttled."""

from __future__ import annotations

import datetime

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from courses.models import Certificate
from courses.services import certificate_reissue, certificate_revoke
from courses.services.certificates import certificate_render
from tests.courses.helpers import a_course, finalised
from trainees.models import Trainee
from trainees.services import trainee_contact_update

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}
UNKNOWN = "ZZZZ-ZZZZ-ZZZZ"


@pytest.fixture(autouse=True)
def fresh_counters():
    """Every test starts with no lookups counted, and leaves none behind for the next."""
    cache.clear()
    yield
    cache.clear()


def issued(instructor, code="UOF-2026-01") -> Certificate:
    """The certificate of a finalised session's one passer, rendered (issued)."""
    session, _ = finalised(code, 1, by=instructor)
    pending = Certificate.objects.get(enrolment__session=session)
    return certificate_render(certificate_id=pending.pk)


def expired(certificate: Certificate) -> Certificate:
    # No time passes in a test: move the certificate's dates two years back instead.
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_on=datetime.date(2023, 3, 10), valid_until=datetime.date(2025, 3, 10)
    )
    certificate.refresh_from_db()
    return certificate


def in_english(day: datetime.date) -> str:
    with translation.override("en"):
        return date_format(day)


def detail(code: str) -> str:
    return reverse("verify:detail", kwargs={"code": code})


def as_json(code: str) -> str:
    return reverse("verify:json", kwargs={"code": code})


# ------------------------------------------------------------------ each standing
def test_a_valid_certificate_shows_valid_and_the_printed_facts_to_anyone(client, instructor):
    certificate = issued(instructor)

    response = client.get(detail(certificate.code_display), **ENGLISH)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-standing="valid"' in page and "Valid certificate" in page
    for fact in (
        certificate.snapshot["holder"],
        "Use of force",
        "March 2, 2026 – March 6, 2026",
        f"This certificate is valid until {in_english(certificate.valid_until)}.",
        certificate.serial,
    ):
        assert fact in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_a_valid_certificate_as_json(client, instructor):
    certificate = issued(instructor)

    response = client.get(as_json(certificate.code_display))

    assert response.status_code == 200
    assert response.json() == {
        "status": "valid",
        "serial": certificate.serial,
        "holder": certificate.snapshot["holder"],
        "course": {"es": "Uso de la fuerza", "en": "Use of force"},
        "session": {"start": "2026-03-02", "end": "2026-03-06"},
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
    }


def test_a_certificate_that_never_expires_says_so(client, instructor):
    course = a_course("POC", validity_months=None)
    session, _ = finalised("POC-2026-01", 1, by=instructor, course=course)
    certificate = certificate_render(
        certificate_id=Certificate.objects.get(enrolment__session=session).pk
    )

    page = client.get(detail(certificate.code_display), **ENGLISH).content.decode()
    assert "This certificate is valid and does not expire." in page
    assert "Does not expire" in page
    assert client.get(as_json(certificate.code_display)).json()["valid_until"] is None


def test_an_expired_certificate_says_when_it_expired(client, instructor):
    certificate = expired(issued(instructor))

    page = client.get(detail(certificate.code_display), **ENGLISH).content.decode()
    assert 'data-standing="expired"' in page and "Expired certificate" in page
    assert "This certificate expired on March 10, 2025." in page

    data = client.get(as_json(certificate.code_display)).json()
    assert (data["status"], data["valid_until"]) == ("expired", "2025-03-10")


def test_a_revoked_certificate_says_revoked_and_when_but_not_why_nor_who(
    client, instructor, administrator
):
    certificate = issued(instructor)
    certificate_revoke(certificate=certificate, by=administrator, reason="Documentos apócrifos")
    revoked_on = datetime.date.today()

    response = client.get(detail(certificate.code_display), **ENGLISH)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-standing="revoked"' in page and "Revoked certificate" in page
    assert (f"This certificate was revoked on {in_english(revoked_on)}.") in page
    for private in ("apócrifos", administrator.get_full_name(), administrator.username):
        assert private not in page

    data = client.get(as_json(certificate.code_display)).json()
    assert (data["status"], data["revoked_on"]) == ("revoked", revoked_on.isoformat())
    assert "apócrifos" not in str(data)


def test_a_superseded_certificate_says_it_was_replaced_and_links_to_nothing(
    client, instructor, administrator
):
    old = issued(instructor)
    new = certificate_reissue(certificate=old, by=administrator, reason="Nombre mal escrito")

    page = client.get(detail(old.code_display), **ENGLISH).content.decode()
    assert 'data-standing="superseded"' in page and "Replaced certificate" in page
    assert "replaced by a newer certificate" in page
    for newer in (new.serial, new.code, new.code_display):
        assert newer not in page
    assert client.get(as_json(old.code_display)).json()["status"] == "superseded"


# ------------------------------------------------------------------ what is not shown
def test_nothing_else_about_the_person_is_shown_and_the_printed_name_stands(client, instructor):
    certificate = issued(instructor)
    trainee = certificate.enrolment.trainee
    printed_name = certificate.snapshot["holder"]
    # The record changes after the certificate was issued: the page shows what is printed.
    trainee_contact_update(trainee=trainee, email="persona0@example.org", phone="")
    # A correction of the name (the record form's work, in short).
    Trainee.objects.filter(pk=trainee.pk).update(given_names="Nombre Corregido")

    page = client.get(detail(certificate.code_display), **ENGLISH).content.decode()
    data = client.get(as_json(certificate.code_display)).json()

    assert printed_name in page and data["holder"] == printed_name
    for private in (
        "Nombre Corregido",
        "Teniente de Navío",  # rank
        "SEMAR",  # institution
        "T-00000",  # service number
        "persona0@example.org",
        "1988",  # date of birth
        "100.00",  # total score
        "UOF-2026-01",  # the session's code
    ):
        assert private not in page, private
        assert private not in str(data), private
    assert set(data) == {
        "status",
        "serial",
        "holder",
        "course",
        "session",
        "issued_on",
        "valid_until",
    }


# ------------------------------------------------------------------ typing the code
@pytest.mark.parametrize(
    "typed",
    [
        "8f3k-0z1d-xq7p",
        "8F3K0Z1DXQ7P",
        " 8F3K 0Z1D XQ7P ",
        "8f3k-oz-ld-xq7p",
        "8F3K-OZID-XQ7P",
    ],
)
def test_the_code_is_found_however_it_is_typed(client, instructor, typed):
    certificate = issued(instructor)
    # A code with a 0 and a 1 in it, to type them as O, I and L.
    Certificate.objects.filter(pk=certificate.pk).update(code="8F3K0Z1DXQ7P")

    response = client.get(detail(typed))
    assert response.status_code == 301
    assert response["Location"] == detail("8F3K-0Z1D-XQ7P")
    assert client.get(response["Location"]).status_code == 200

    assert client.get(as_json(typed)).json()["serial"] == certificate.serial

    response = client.post(reverse("verify:form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == detail("8F3K-0Z1D-XQ7P")


def test_the_form_page_asks_for_the_code_without_sign_in(client):
    response = client.get(reverse("verify:form"), **ENGLISH)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Verify a certificate" in page and 'name="code"' in page
    assert "Sign out" not in page


def test_a_code_that_cannot_be_one_gets_an_error_on_the_form_and_no_redirect(client):
    response = client.post(reverse("verify:form"), {"code": "HELLO-WORLD"}, **ENGLISH)
    assert response.status_code == 400
    assert "This is not a certificate code" in response.content.decode()

    response = client.post(reverse("verify:form"), {"code": ""}, **ENGLISH)
    assert "Type the code printed on the certificate." in response.content.decode()


def test_the_sign_in_page_leads_to_the_verification(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("verify:form")}"' in page


# ------------------------------------------------------------------ not found
@pytest.mark.parametrize("code", [UNKNOWN, "not-a-code"])
def test_an_unknown_code_is_not_found_on_the_page_and_in_json(client, instructor, code):
    issued(instructor)

    response = client.get(detail(code), **ENGLISH)
    assert response.status_code == 404
    assert "Certificate not found" in response.content.decode()

    response = client.get(as_json(code))
    assert response.status_code == 404
    assert response.json() == {"status": "not_found"}


def test_a_certificate_not_yet_issued_is_not_found(client, instructor):
    session, _ = finalised("UOF-2026-01", 1, by=instructor)
    pending = Certificate.objects.get(enrolment__session=session)
    assert pending.status == "pending"

    response = client.get(detail(pending.code_display), **ENGLISH)
    assert response.status_code == 404
    assert "Certificate not found" in response.content.decode()
    assert pending.snapshot["holder"] not in response.content.decode()
    assert client.get(as_json(pending.code_display)).json() == {"status": "not_found"}


# ------------------------------------------------------------------ languages
def test_the_page_speaks_the_visitors_language(client, instructor):
    certificate = issued(instructor)

    spanish = client.get(detail(certificate.code_display), **SPANISH).content.decode()
    english = client.get(detail(certificate.code_display), **ENGLISH).content.decode()

    assert '<html lang="es-mx">' in spanish and '<html lang="en">' in english
    assert "Uso de la fuerza" in spanish and "Use of force" not in spanish
    assert "Use of force" in english and "Uso de la fuerza" not in english
    assert "2 de marzo de 2026" in spanish.lower() and "March 2, 2026" in english

    client.cookies["cecopam_language"] = "en"
    assert "Use of force" in client.get(detail(certificate.code_display)).content.decode()


# ------------------------------------------------------------------ throttling
def test_too_many_lookups_from_one_address_are_refused_and_other_addresses_go_on(
    client, instructor, settings
):
    # An hour's window, so that the test never straddles the start of a new one.
    settings.VERIFY_RATE = "3/h"
    certificate = issued(instructor)
    page, data = detail(certificate.code_display), as_json(certificate.code_display)
    guesser = {"REMOTE_ADDR": "203.0.113.7", **ENGLISH}

    assert [client.get(url, **guesser).status_code for url in (page, data, page)] == [200] * 3

    refused = client.get(page, **guesser)
    assert refused.status_code == 429
    assert "Too many attempts from your address" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert client.get(data, **guesser).status_code == 429
    assert client.get(data, **guesser).json() == {"status": "throttled"}
    assert client.post(reverse("verify:form"), {"code": UNKNOWN}, **guesser).status_code == 429
    # Only lookups count: the form itself still opens.
    assert client.get(reverse("verify:form"), **guesser).status_code == 200

    assert client.get(page, REMOTE_ADDR="198.51.100.4").status_code == 200


def test_after_too_many_unknown_codes_the_address_is_refused_even_a_real_one(
    client, instructor, settings
):
    settings.VERIFY_MISS_RATE = "2/h"
    certificate = issued(instructor)
    guesser = {"REMOTE_ADDR": "203.0.113.7"}

    assert client.get(detail("AAAA-AAAA-AAAA"), **guesser).status_code == 404
    assert client.get(as_json("BBBB-BBBB-BBBB"), **guesser).status_code == 404
    assert client.get(detail(certificate.code_display), **guesser).status_code == 429

    assert client.get(detail(certificate.code_display), REMOTE_ADDR="::1").status_code == 200


def test_behind_a_proxy_the_address_it_saw_is_counted_not_what_the_visitor_claims(
    client, instructor, settings
):
    settings.VERIFY_RATE = "1/h"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    certificate = issued(instructor)
    url = detail(certificate.code_display)
    proxy = {"REMOTE_ADDR": "127.0.0.1"}

    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 200
    # The same visitor, forging an address of their own in front of the one the proxy adds.
    forged = "192.0.2.1, 203.0.113.7"
    assert client.get(url, HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 429
    # Another visitor behind the same proxy.
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy).status_code == 200


def test_verification_still_answers_when_the_cache_is_down(client, instructor):
    certificate = issued(instructor)
    unreachable = {
        "default": {
            "BACKEND": "cecopam.redis_cache.RedisCache",
            "LOCATION": "unix:///nonexistent/redis.sock?db=1",
        }
    }

    with override_settings(CACHES=unreachable):
        assert client.get(detail(certificate.code_display)).status_code == 200
        assert client.get(as_json(UNKNOWN)).status_code == 404
        assert client.post(reverse("verify:form"), {"code": UNKNOWN}).status_code == 302


def test_the_counts_live_in_the_apps_redis_in_a_database_of_their_own(
    client, instructor, redis_server, redis_cache, settings
):
    settings.VERIFY_RATE = "2/h"
    certificate = issued(instructor)
    url = detail(certificate.code_display)

    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert redis_cache.keys("*verify-lookups:*")
    assert not redis.Redis.from_url(redis_server).keys("*verify-*")  # Celery's database
