"""The cache: Django's Redis backend, with one redis-py client per connection pool and a
counter that is counted and read with other keys in one round trip.

Django's backend builds a new ``redis.Redis`` object for every cache call, around the pool it
keeps. Building one costs more than a round trip to Redis does (redis-py copies its table of
reply parsers each time). A client holds no connection of its own and is safe to share between
threads (its pool hands out the connections), so one per pool is built and kept.

``counter_incr_and_get_many`` serves the pages that count each visitor's requests (the public
certificate verification): on this backend the count and every key the page reads travel
together, where ``add``, ``incr`` (two commands in Django's backend) and ``get_many`` would
take four round trips. On any other cache backend it makes those calls.
"""

from collections.abc import Iterable

from django.core.cache import caches
from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # pool index: client

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            self._clients[index] = self._client(connection_pool=self._pools[index])
        return self._clients[index]

    def incr_and_get_many(self, counter: str, timeout: int, keys: list[str]) -> tuple[int, dict]:
        pipeline = self.get_client(counter, write=True).pipeline(transaction=False)
        pipeline.set(counter, 0, ex=timeout, nx=True)  # a new counter lapses with its window
        pipeline.incr(counter)
        if keys:
            pipeline.mget(keys)
        _made, count, *found = pipeline.execute()
        values = found[0] if found else []
        return count, {
            key: self._serializer.loads(value)
            for key, value in zip(keys, values, strict=True)
            if value is not None
        }


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def incr_and_get_many(
        self, counter: str, timeout: int, keys: Iterable[str], version=None
    ) -> tuple[int, dict]:
        """Add one to ``counter`` (made, lapsing after ``timeout`` seconds, if it is not
        there) and read ``keys``; the count, and the keys found with their values."""
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        count, values = self._cache.incr_and_get_many(
            self.make_and_validate_key(counter, version=version), timeout, list(made)
        )
        return count, {made[key]: value for key, value in values.items()}


def counter_incr_and_get_many(
    *, counter: str, timeout: int, keys: Iterable[str]
) -> tuple[int, dict]:
    """Add one to the default cache's ``counter`` (made, lapsing after ``timeout`` seconds, if
    it is not there) and read ``keys`` from it: the count, and the keys found with their
    values. One round trip on the Redis cache. Raises what the cache raises when unreachable."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return cache.incr_and_get_many(counter, timeout, keys)
    cache.add(counter, 0, timeout)
    try:
        count = cache.incr(counter)
    except ValueError:  # lapsed between the two calls: a new window has begun
        cache.add(counter, 1, timeout)
        count = 1
    return count, cache.get_many(keys)
