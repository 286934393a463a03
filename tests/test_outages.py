"""When the shared cache or the broker is down, pages degrade and nothing accepted is lost.

The services are stopped for real: settings point at a loopback port where nothing listens.
"""

import time

import pytest

from events.models import Registration, RegistrationNotice
from tests.factories import EventFactory
from tests.helpers import registration_form_data, unused_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.PooledRedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port()}/1",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.PAGE_CACHE_SECONDS = 60


class Broker:
    """The Celery broker as this process sees it, stopped by pointing it at a closed port."""

    def __init__(self):
        from ccc_portal.celery import app

        self.app = app
        self.url = app.conf.broker_url

    def _use(self, url):
        # Celery copies the URL into the read and write URLs when it is configured.
        self.app.conf.broker_url = self.app.conf.broker_write_url = url
        self.app.conf.broker_read_url = url
        self.app._after_fork()  # forget pooled connections to the old address

    def stop(self):
        self._use(f"redis://127.0.0.1:{unused_port()}/0")

    def start(self):
        self._use(self.url)


@pytest.fixture
def broker():
    broker = Broker()
    yield broker
    broker.start()


def register(client, event, **overrides):
    data = registration_form_data(**overrides)
    return client.post(f"/en/events/{event.slug}/register/", data)


def test_pages_are_served_uncached_when_the_cache_is_down(client, cache_down):
    event = EventFactory(title_en="Still here")
    for path in ("/en/", "/km/", "/en/events/", event.get_absolute_url(), "/en/members/"):
        first, second = client.get(path), client.get(path)
        assert first.status_code == second.status_code == 200, path
        assert "X-Page-Cache" not in second
    assert "Still here" in client.get("/en/events/").text


def test_registrations_are_saved_and_limited_per_process_when_the_cache_is_down(
    client, cache_down, settings
):
    settings.REGISTRATION_RATE_LIMIT = 3
    event = EventFactory(capacity=10)
    statuses = [register(client, event, email=f"p{n}@example.org").status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert event.registrations.count() == 3


def test_an_outage_costs_one_timeout_not_one_per_request(client, cache_down):
    EventFactory()
    client.get("/en/events/")  # finds the cache down
    started = time.monotonic()
    for _ in range(10):
        client.get("/en/events/")
    assert time.monotonic() - started < 5


def test_health_answers_503_json_when_the_cache_is_down(client, cache_down):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["cache"] == "down"
    assert response.json()["database"] == "ok"


def test_health_answers_503_json_when_the_broker_is_down(client, broker):
    broker.stop()
    response = client.get("/health/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["broker"] == "down"


def test_a_registration_is_saved_while_the_broker_is_down_and_emailed_once_it_returns(
    client, broker, django_capture_on_commit_callbacks, mailoutbox, request
):
    event = EventFactory(capacity=10)
    broker.stop()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, event)
    assert time.monotonic() - started < 10
    assert response.status_code == 302
    registration = Registration.objects.get(email="dara@example.org")
    assert registration.status == Registration.Status.CONFIRMED
    notice = RegistrationNotice.objects.get(registration=registration)
    assert notice.status == RegistrationNotice.Status.PENDING
    assert mailoutbox == []
    broker.start()
    request.getfixturevalue("tasks_inline")  # a worker takes what the sweep hands out
    from events.tasks import sweep_outbox

    sweep_outbox()
    sweep_outbox()
    assert [message.to for message in mailoutbox] == [["dara@example.org"]]
