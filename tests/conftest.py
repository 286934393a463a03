import os

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and cached pages do not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _known_language():
    """Each test starts in English, whatever the previous one activated."""
    with translation.override("en"):
        yield


def _redis_reachable():
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return False, f"broker is {settings.CELERY_BROKER_URL}, not Redis"
    import redis

    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return False, f"Redis unreachable: {error}"
    return True, ""


def _require(reason):
    # In CI a missing service is a failure, never a silent skip.
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("redis"):
        ok, reason = _redis_reachable()
        if not ok:
            _require(reason)


@pytest.fixture
def postgresql(db):
    """For tests whose point is PostgreSQL's behaviour (row locks, constraints under load)."""
    if connection.vendor != "postgresql":
        _require(f"database is {connection.vendor}, not PostgreSQL")


@pytest.fixture
def demo(db):
    from ccc_portal.demo import load_demo

    load_demo()


@pytest.fixture
def staff_user(db, django_user_model):
    from django.contrib.auth.models import Group

    from ccc_portal.permissions import CCC_STAFF

    user = django_user_model.objects.create_user("staff", "staff@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=CCC_STAFF))
    return user


@pytest.fixture
def coordinator(db, django_user_model):
    from django.contrib.auth.models import Group

    from ccc_portal.permissions import EVENT_COORDINATORS

    user = django_user_model.objects.create_user(
        "coordinator", "coordinator@example.org", "pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=EVENT_COORDINATORS))
    return user


@pytest.fixture
def queued_emails(monkeypatch):
    """What registration services queue for Celery, as (registration id, kind) pairs."""
    from events import tasks

    queued = []
    monkeypatch.setattr(tasks.send_registration_email, "delay", lambda *args: queued.append(args))
    return queued
