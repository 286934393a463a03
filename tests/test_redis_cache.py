"""The Redis cache backend (core.redis_cache): one redis.Redis per pool, reused, that still
answers after Redis drops its connections, against the real Redis."""

import pytest
import redis
from django.conf import settings

from core.redis_cache import PooledRedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def cache():
    location = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/14"
    backend = PooledRedisCache(location, {"KEY_PREFIX": "redis-cache-test"})
    yield backend
    backend.clear()


def test_one_client_serves_every_operation_and_survives_dropped_connections(cache):
    cache.set("greeting", "សួស្តី", 60)
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert cache.get_many(["greeting", "missing"]) == {"greeting": "សួស្តី"}
    assert cache.add("counter", 1, 60) and cache.incr("counter") == 2
    # Redis closes every connection (a restart, a timeout on the server): the pool reconnects.
    admin = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    admin.client_kill_filter(_type="normal", skipme=True)
    assert cache.get("greeting") == "សួស្តី"
    assert cache._cache.get_client() is client


def test_incr_counts_an_existing_key_in_place_and_refuses_a_missing_one(cache):
    with pytest.raises(ValueError):
        cache.incr("never-set")
    assert cache.get("never-set") is None  # not made by the attempt
    cache.set("window", 5, 60)
    assert cache.incr("window") == 6 and cache.incr("window", 10) == 16
    seconds_left = cache._cache.get_client().ttl(cache.make_and_validate_key("window"))
    assert 0 < seconds_left <= 60  # still expires with its window
