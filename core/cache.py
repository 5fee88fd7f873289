"""The shared cache (Redis, with CACHE_URL) that degrades instead of failing.

Several app servers share one Redis for the public page cache and the rate-limit counters
(Enlace's own and allauth's). When Redis does not answer — stopped, restarting, unreachable —
`ResilientRedisCache` answers from a local-memory cache of the process instead of raising, and
does not try Redis again for `RETRY_AFTER` seconds, so that no request waits on a dead server
more than once per process and interval:

- pages are still served (the page cache misses, or keeps copies in each process: they are
  keyed by the content version read from the database, so none is stale);
- rate limits are still enforced, counted per app-server process instead of across servers —
  looser by the number of processes, never off; sign-in lockouts are django-axes's, kept in
  the database, and unaffected;
- sessions live in the database (Django's default), so nobody is signed out.

Connection timeouts are short (CACHE_TIMEOUT_SECONDS, half a second by default): a hung
Redis costs a request at most that once per interval.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0
DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def _degrading(name):
    def method(self, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                return getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
            except DOWN as error:
                self._down_until = time.monotonic() + RETRY_AFTER
                logger.warning("Redis cache unavailable (%s): using this process's memory for %ss", error, RETRY_AFTER)
        return getattr(self._local, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, or this process's memory while Redis does not answer."
    return method


class ResilientRedisCache(RedisCache):
    """Django's RedisCache; while Redis does not answer, this process's memory instead."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache(f"enlace-fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0

    @property
    def degraded(self):
        """True while this process answers from its own memory."""
        return time.monotonic() < self._down_until

    add = _degrading("add")
    get = _degrading("get")
    set = _degrading("set")
    touch = _degrading("touch")
    delete = _degrading("delete")
    get_many = _degrading("get_many")
    has_key = _degrading("has_key")
    incr = _degrading("incr")
    set_many = _degrading("set_many")
    delete_many = _degrading("delete_many")
    clear = _degrading("clear")
