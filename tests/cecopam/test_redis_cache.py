"""The cache backend: Django's Redis cache, plus a counter counted and read together with other
keys in one round trip (the verification throttle's), which other backends do in three calls."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from cecopam.redis_cache import counter_incr_and_get_many


def test_a_counter_counts_lapses_with_its_window_and_brings_the_other_keys(redis_cache):
    cache.set("page", ("generation", "<p>page</p>"), 60)
    cache.set("misses", 3, 60)

    count, found = counter_incr_and_get_many(
        counter="lookups", timeout=30, keys=["misses", "page", "absent"]
    )
    assert count == 1
    assert found == {"misses": 3, "page": ("generation", "<p>page</p>")}
    assert 0 < redis_cache.ttl(cache.make_key("lookups")) <= 30

    assert counter_incr_and_get_many(counter="lookups", timeout=30, keys=[])[0] == 2
    assert cache.get("lookups") == 2  # the plain cache API reads the same counter


def test_the_counter_is_one_round_trip_on_redis(redis_cache, request):
    counter_incr_and_get_many(counter="lookups", timeout=30, keys=["a"])  # connected
    sent = request.getfixturevalue("redis_round_trips")  # counting from here
    assert counter_incr_and_get_many(counter="lookups", timeout=30, keys=["a", "b"])[0] == 2
    assert len(sent) == 1


def test_other_cache_backends_count_and_read_the_same(settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")  # the tests' own
    cache.set("page", "<p>page</p>", 60)
    assert counter_incr_and_get_many(counter="lookups", timeout=30, keys=["page", "absent"]) == (
        1,
        {"page": "<p>page</p>"},
    )
    assert counter_incr_and_get_many(counter="lookups", timeout=30, keys=[]) == (2, {})


def test_an_unreadable_verification_rate_stops_the_server_at_its_checks(settings):
    settings.VERIFY_RATE = "sixty a minute"
    with pytest.raises(SystemCheckError, match='VERIFY_RATE must read like "60/m"'):
        call_command("check")
    settings.VERIFY_RATE = "5/10m"
    call_command("check")
