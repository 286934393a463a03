"""The services behind the portal are the real ones: PostgreSQL and a Celery worker on Redis."""

import pytest
from django.db import connection

from ccc_portal.tasks import ping


def test_runs_on_postgresql(postgresql):
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
    assert version.startswith("PostgreSQL")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_task_round_trips_through_a_real_worker_on_redis():
    from celery.contrib.testing import tasks  # noqa: F401  registers celery.ping for the worker
    from celery.contrib.testing.worker import start_worker

    from ccc_portal.celery import app

    assert app.conf.broker_url.startswith("redis://")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = ping.delay("សួស្តី")
        assert result.get(timeout=20) == {"pong": "សួស្តី"}
