import os

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters, cached pages and a cache outage seen by one test do not leak into
    the next: the process-wide "cache is down" mark and the in-memory counts kept meanwhile
    are reset with the cache."""
    from django.core.cache import cache

    import core.cache
    import core.ratelimit

    def empty():
        cache.clear()
        core.cache._down_until = 0.0
        core.ratelimit._fallback_counter.clear()

    empty()
    yield
    empty()


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
    from demo.loader import load_demo

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
def owed_notices(monkeypatch):
    """The notices owed in the outbox, read from the database (the truth), as
    (registration id, kind) in the order they were written. No worker runs in these tests:
    asking one after commit is a no-op here, so the rows stay pending."""
    from events import delivery
    from events.models import RegistrationNotice

    monkeypatch.setattr(delivery.deliver_outbox, "delay", lambda *args, **kwargs: None)

    def owed():
        pending = RegistrationNotice.objects.filter(status=RegistrationNotice.Status.PENDING)
        return list(pending.order_by("pk").values_list("registration_id", "kind"))

    return owed


@pytest.fixture
def tasks_inline(monkeypatch):
    """Run the outbox's delivery task in this process, as a worker would."""
    from events import tasks

    monkeypatch.setattr(
        tasks.deliver_outbox,
        "delay",
        lambda *args: tasks.deliver_outbox.apply(args=args).get(disable_sync_subtasks=False),
    )


def database_url_of_this_test_run():
    """The URL of the database this test run uses (the test database), for subprocesses."""
    db = connection.settings_dict
    assert connection.vendor == "postgresql", "a second process cannot share SQLite in memory"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def live_gunicorn(transactional_db, tmp_path):
    """The portal under gunicorn with three workers, on this test run's database and broker,
    with the page cache on and no cache URL (so the cache is the one the broker implies);
    returns get(path) -> (headers, body)."""
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    from tests.helpers import unused_port

    env = {
        **{key: value for key, value in os.environ.items() if key != "REDIS_CACHE_URL"},
        "DJANGO_SETTINGS_MODULE": "ccc_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url_of_this_test_run(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "PAGE_CACHE_SECONDS": "60",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    root = Path(__file__).resolve().parent.parent
    # Production serves fingerprinted static files from a manifest that collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=root,
        env=env,
        check=True,
    )
    port = unused_port()  # chosen just before gunicorn binds it, not seconds before
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "ccc_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def get(path):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return dict(response.headers), response.read().decode()

    deadline = time.monotonic() + 30
    while True:
        try:
            get("/robots.txt")
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
    yield get
    server.terminate()
    server.wait(timeout=10)
