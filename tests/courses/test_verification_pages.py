"""The verification page is kept rendered in the cache for anonymous visitors: a second visit
reads nothing from the database and sets no cookie, its language buttons still work, and no
change to the certificate (a revocation, a reissue, the day it expires) is ever answered with
the page kept from before it."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Certificate
from courses.services import certificate_reissue, certificate_revoke
from courses.services.certificates import certificate_render
from courses.verification_pages import VerificationPage
from tests.courses.helpers import finalised

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def issued(instructor) -> Certificate:
    session, _ = finalised("UOF-2026-01", 1, by=instructor)
    pending = Certificate.objects.get(enrolment__session=session)
    return certificate_render(certificate_id=pending.pk)


def detail(certificate: Certificate) -> str:
    return reverse("verify:detail", kwargs={"code": certificate.code_display})


def visit(url: str, **headers) -> tuple[str, int]:
    """A new visitor (no cookies) opens ``url``: the page, and the SQL queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url, **headers)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_second_visitor_gets_the_same_page_without_a_query_and_no_cookie_is_set(instructor):
    url = detail(issued(instructor))
    first, first_queries = visit(url, **ENGLISH)
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url, **ENGLISH)

    assert first_queries > 0
    assert len(queries) == 0
    assert response.content.decode() == first
    assert "Valid certificate" in first
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in first


def test_the_language_buttons_on_a_kept_page_switch_the_language(instructor):
    url = detail(issued(instructor))
    visit(url, **ENGLISH)  # kept
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url, **ENGLISH).content.decode()
    assert 'name="language"' in page and 'value="es-mx"' in page

    switched = visitor.post(reverse("set_language"), {"language": "es-mx", "next": url})
    assert switched.status_code == 302
    assert switched["Location"] == url
    assert "Certificado válido" in visitor.get(url).content.decode()


def test_each_language_is_kept_apart(instructor):
    url = detail(issued(instructor))
    visit(url, **SPANISH)
    english, _queries = visit(url, **ENGLISH)
    spanish, queries = visit(url, **SPANISH)
    assert "Valid certificate" in english and "Certificado válido" not in english
    assert "Certificado válido" in spanish
    assert queries == 0


def test_a_revocation_is_shown_at_once_to_the_next_visitor(
    instructor, administrator, django_capture_on_commit_callbacks
):
    certificate = issued(instructor)
    url = detail(certificate)
    visit(url, **ENGLISH)
    assert visit(url, **ENGLISH)[1] == 0  # kept

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, by=administrator, reason="Apócrifo")

    page, queries = visit(url, **ENGLISH)
    assert "Revoked certificate" in page and "Valid certificate" not in page
    assert queries > 0
    assert "Revoked certificate" in visit(url, **ENGLISH)[0]


def test_a_reissue_shows_the_old_certificate_replaced_at_once(
    instructor, administrator, django_capture_on_commit_callbacks
):
    old = issued(instructor)
    visit(detail(old), **SPANISH)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_reissue(certificate=old, by=administrator, reason="Nombre mal escrito")
    assert "Certificado sustituido" in visit(detail(old), **SPANISH)[0]


def test_a_page_drawn_before_a_change_committed_is_never_served_after_it(
    instructor, administrator, django_capture_on_commit_callbacks
):
    """A visitor's request reads the certificate while it is still valid; the revocation
    commits; only then is that visitor's page stored. The next visitor must not get it."""
    certificate = issued(instructor)
    url = detail(certificate)
    slow = VerificationPage(code=certificate.code, language="en", on=timezone.localdate())
    found_before = cache.get_many(slow.keys)

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, by=administrator, reason="Apócrifo")
    slow.keep("<p>Valid certificate</p>", found_before)

    page, _queries = visit(url, **ENGLISH)
    assert "Revoked certificate" in page and "Valid certificate" not in page


def test_a_certificate_kept_as_valid_shows_expired_the_day_after_its_last_day(
    instructor, monkeypatch
):
    certificate = issued(instructor)
    url = detail(certificate)
    today = timezone.localdate()
    assert certificate.valid_until is not None
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: certificate.valid_until)
    assert "Valid certificate" in visit(url, **ENGLISH)[0]
    assert visit(url, **ENGLISH)[1] == 0

    day_after = certificate.valid_until + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day_after)
    assert "Expired certificate" in visit(url, **ENGLISH)[0]
    assert today <= certificate.valid_until


def test_signed_in_people_and_odd_addresses_are_neither_served_nor_stored(
    instructor, administrator
):
    url = detail(issued(instructor))
    signed_in = Client()
    signed_in.force_login(administrator)
    page = signed_in.get(url, **ENGLISH).content.decode()
    assert administrator.get_full_name() in page  # their own menu
    assert visit(url, **ENGLISH)[1] > 0  # nothing was kept from the signed-in visit
    assert administrator.get_full_name() not in visit(url, **ENGLISH)[0]

    assert administrator.get_full_name() in signed_in.get(url, **ENGLISH).content.decode()
    with CaptureQueriesContext(connection) as queries:
        Client().get(url + "?utm_source=qr", **ENGLISH)
    assert len(queries) > 0


def test_with_the_redis_cache_a_kept_page_takes_one_round_trip_and_no_query(
    instructor, redis_cache, request
):
    url = detail(issued(instructor))
    visit(url, **ENGLISH)
    sent = request.getfixturevalue("redis_round_trips")  # counting from here
    page, queries = visit(url, **ENGLISH)
    assert "Valid certificate" in page
    assert (len(sent), queries) == (1, 0)
