"""Lookups on the public certificate verification, counted per visitor's address, so that
codes cannot be guessed in bulk: every lookup (settings.VERIFY_RATE), and separately the
lookups of codes that matched nothing (settings.VERIFY_MISS_RATE). A rate reads "60/m": so
many lookups in each minute (s, m, h or d, optionally "5/10m"), counted in the cache per
fixed window. A lookup is counted, and the address's misses read, in one call to the cache,
which brings back whatever else the page asks for (its kept copy) in the same round trip.

When the cache cannot be reached the lookups go unthrottled: unthrottled beats unavailable.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from redis.exceptions import RedisError

from cecopam.redis_cache import counter_incr_and_get_many

log = logging.getLogger(__name__)

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int  # lookups allowed
    seconds: int  # in each window this long

    @classmethod
    def parse(cls, text: str, setting: str) -> Rate:
        found = _RATE.match(text)
        if found is None:
            raise ImproperlyConfigured(
                f'{setting} must read like "60/m" (lookups per s, m, h or d), not {text!r}.'
            )
        count, multiple, unit = found.groups()
        return cls(int(count), int(multiple or 1) * _UNIT_SECONDS[unit])

    def counter(self, name: str, address: str, now: float) -> tuple[str, int]:
        """The cache key that counts ``name`` from ``address`` in the window holding ``now``,
        and the seconds left in that window."""
        second = int(now)
        start = second - second % self.seconds
        key = f"{name}:{self.count}/{self.seconds}:{address}:{start}"
        return key, start + self.seconds - second


@functools.lru_cache(maxsize=16)
def _parsed(text: str, setting: str) -> Rate:
    return Rate.parse(text, setting)


def _rate(setting: str) -> Rate:
    """The rate a setting names, parsed once for each value it takes, not on every lookup."""
    return _parsed(getattr(settings, setting), setting)


def verify_rates_check(app_configs, **kwargs) -> list[checks.Error]:
    """A system check: VERIFY_RATE and VERIFY_MISS_RATE read as rates, so that a mistyped
    setting stops the server at start, not the verification page at its first lookup."""
    errors = []
    for setting in ("VERIFY_RATE", "VERIFY_MISS_RATE"):
        try:
            Rate.parse(getattr(settings, setting), setting)
        except ImproperlyConfigured as error:
            errors.append(checks.Error(str(error), id="courses.E001"))
    return errors


def client_address(request: HttpRequest) -> str:
    """The visitor's IP address: REMOTE_ADDR, unless the app sits behind trusted reverse
    proxies (as many as AXES_IPWARE_PROXY_COUNT says, the same count django-axes is given):
    then the address the outermost of them saw, which each proxy appends to X-Forwarded-For.
    Whatever a visitor puts in that header themselves sits further left and is ignored."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    candidates = [forwarded[-proxies].strip()] if proxies and len(forwarded) >= proxies else []
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    # No address at all (a unix-socket server without a proxy header): one shared count.
    return "0.0.0.0"  # noqa: S104 (a key for the counters, not an address to bind)


@dataclass(frozen=True)
class Lookup:
    """A counted lookup: the seconds until the address may look up again, if it may not now,
    and the cache keys read with the count that were found, with their values."""

    wait: int | None
    found: dict = field(default_factory=dict)


def _misses_counter(address: str, now: float) -> tuple[str, int, Rate]:
    misses = _rate("VERIFY_MISS_RATE")
    key, left = misses.counter("verify-misses", address, now)
    return key, left, misses


def lookup_count(request: HttpRequest, *, read: Iterable[str] = ()) -> Lookup:
    """Count a lookup from the visitor's address, and read the cache keys ``read`` with it.
    It must wait if this lookup is one too many, or if the address already looked up too many
    codes that matched nothing."""
    now, address = time.time(), client_address(request)
    lookups = _rate("VERIFY_RATE")
    counter, lookups_left = lookups.counter("verify-lookups", address, now)
    misses_counter, misses_left, misses = _misses_counter(address, now)
    try:
        count, found = counter_incr_and_get_many(
            counter=counter, timeout=lookups_left + 1, keys=[misses_counter, *read]
        )
    except RedisError:
        log.warning("Verification lookups are not throttled: the cache is unreachable.")
        return Lookup(wait=None)
    if count > lookups.count:
        return Lookup(wait=max(lookups_left, 1), found=found)
    if found.pop(misses_counter, 0) >= misses.count:
        return Lookup(wait=max(misses_left, 1), found=found)
    return Lookup(wait=None, found=found)


def lookup_missed(request: HttpRequest) -> None:
    """Count a lookup that matched no certificate, from the visitor's address."""
    counter, left, _misses = _misses_counter(client_address(request), time.time())
    try:
        counter_incr_and_get_many(counter=counter, timeout=left + 1, keys=())
    except RedisError:
        log.warning("Verification lookups are not throttled: the cache is unreachable.")
