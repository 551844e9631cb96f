"""The public verification page of a certificate, kept rendered in the cache.

A QR code on a certificate is scanned far more often than the certificate changes, and the
page is the same for every anonymous visitor in one language on one day. So the rendered page
is kept in the cache, per code, language and day (the day decides valid or expired), and
served from there without reading the database or drawing the template again.

What must never happen is an old answer after a change: a revoked or replaced certificate
still shown as valid. Each code has a *generation* in the cache, a random token that
``verification_page_forget`` replaces once a change has committed; a page is kept with the
generation it was drawn under, and served only while that is still the code's generation.
A page drawn from a read made before the change commits therefore carries the old generation
and is never served, however late it is stored. Should the cache be unreachable when a
generation is replaced, kept pages still lapse after PAGE_SECONDS.

The page an anonymous visitor gets carries nothing of theirs (it sets no cookie either: the
language buttons need no CSRF token, see cecopam/urls.py). Only such plain requests are served
from the cache or stored in it: no query string, no session, no message waiting.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# How long a drawn page is kept: the longest an old answer could be shown if the cache was
# unreachable at the moment of a change (and the page was drawn before it).
PAGE_SECONDS = 10 * 60
# A generation outlives every page drawn before it was replaced: such a page lapses first.
GENERATION_SECONDS = 2 * PAGE_SECONDS


def _generation_key(code: str) -> str:
    return f"verify-generation:{code}"


def verification_page_cacheable(request: HttpRequest) -> bool:
    """Whether the page drawn for ``request`` is the one every anonymous visitor gets: a plain
    GET from a browser with no session (so nobody signed in, no message kept for them) and no
    message cookie. Read from the cookies alone, so that the session is not even opened."""
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


@dataclass(frozen=True)
class VerificationPage:
    """The kept page of one code, in one language, on one day. Its cache keys are read with
    the visitor's lookup count (``courses.verification_throttle.lookup_count``)."""

    code: str
    language: str
    on: datetime.date

    @property
    def keys(self) -> tuple[str, str]:
        return (self._page_key, self._generation_key)

    @property
    def _page_key(self) -> str:
        return f"verify-page:{self.code}:{self.language}:{self.on.isoformat()}"

    @property
    def _generation_key(self) -> str:
        return _generation_key(self.code)

    def kept(self, found: dict) -> str | None:
        """The kept page, from what was ``found`` of ``keys``; None if none is kept, or if it
        was drawn before the certificate last changed."""
        generation, html = found.get(self._page_key) or (None, None)
        if html is None or generation != found.get(self._generation_key):
            return None
        return html

    def keep(self, html: str, found: dict) -> None:
        """Keep ``html``, drawn after ``keys`` were read and ``found``."""
        try:
            cache.set(self._page_key, (found.get(self._generation_key), html), PAGE_SECONDS)
        except RedisError:
            log.warning("A verification page was not kept: the cache is unreachable.")


def verification_page_forget(*, code: str) -> None:
    """Let no kept page of ``code`` be served again: call once a change to the certificate has
    committed (``transaction.on_commit``)."""
    try:
        cache.set(_generation_key(code), secrets.token_hex(8), GENERATION_SECONDS)
    except RedisError:
        log.warning(
            "The kept verification pages of a certificate could not be forgotten: the cache is "
            "unreachable. They lapse within %s minutes.",
            PAGE_SECONDS // 60,
        )
