"""The shared cache (Redis in production), used so that its outage never fails a request.

Every use of the cache here is an optimisation: cached pages, rate-limit counters. When Redis
stops answering, callers get the default they ask for and go on without the cache; after a
failure this process leaves the cache alone for RETRY_AFTER_SECONDS, so that an outage does
not add a connection timeout to every request.
"""

import logging
import time

from django.core.cache import caches
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache backend raises when its server is away (redis-py's errors; sockets).
CACHE_ERRORS = (RedisError, OSError)
RETRY_AFTER_SECONDS = 15

_down_until = 0.0


class CacheUnavailable(Exception):
    """The shared cache is down, or was down a moment ago."""


def shared_cache():
    return caches["default"]


def cache_call(operation, *args, **kwargs):
    """Call `operation` of the shared cache; raise CacheUnavailable when it is down."""
    global _down_until
    if time.monotonic() < _down_until:
        raise CacheUnavailable
    try:
        return getattr(shared_cache(), operation)(*args, **kwargs)
    except CACHE_ERRORS as error:
        _down_until = time.monotonic() + RETRY_AFTER_SECONDS
        logger.warning("Cache unavailable for %ss: %s", RETRY_AFTER_SECONDS, error)
        raise CacheUnavailable from error


class _GuardedCache:
    """The shared cache with every method going through cache_call."""

    def __getattr__(self, operation):
        return lambda *args, **kwargs: cache_call(operation, *args, **kwargs)


guarded_cache = _GuardedCache()


def cache_call_or(default, operation, *args, **kwargs):
    """Like cache_call, but answer `default` when the cache is down."""
    try:
        return cache_call(operation, *args, **kwargs)
    except CacheUnavailable:
        return default


def cache_is_up():
    """For /health/: one real round trip, whatever the circuit says."""
    global _down_until
    try:
        shared_cache().get("health-check")
    except CACHE_ERRORS:
        return False
    _down_until = 0.0
    return True
