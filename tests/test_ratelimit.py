"""The registration rate limit counts visitors, not the proxy in front of the portal."""

import pytest

from tests.factories import EventFactory
from tests.helpers import registration_form_data

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"


@pytest.fixture
def limit_of_three(settings):
    settings.REGISTRATION_RATE_LIMIT = 3
    settings.TRUSTED_PROXIES = [PROXY]


def post(client, event, number, **meta):
    data = registration_form_data(email=f"person{number}@example.org")
    return client.post(f"/en/events/{event.slug}/register/", data, **meta)


def test_visitors_behind_a_trusted_proxy_are_counted_apart(client, limit_of_three):
    event = EventFactory(capacity=None)
    statuses = [
        post(
            client,
            event,
            number,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        ).status_code
        for number in range(1, 11)
    ]
    assert 429 not in statuses
    assert event.registrations.count() == 10


def test_one_visitor_behind_the_proxy_is_still_limited(client, limit_of_three):
    event = EventFactory(capacity=None)
    statuses = [
        post(
            client, event, number, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9"
        ).status_code
        for number in range(5)
    ]
    assert statuses.count(429) == 2
    assert event.registrations.count() == 3


def test_a_forwarded_address_the_visitor_wrote_is_not_believed(client, limit_of_three):
    """Through the proxy, the right-most entry is what the proxy saw; the rest is the
    visitor's own text."""
    event = EventFactory(capacity=None)
    statuses = [
        post(
            client,
            event,
            number,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.9",
        ).status_code
        for number in range(5)
    ]
    assert statuses.count(429) == 2


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(client, limit_of_three):
    event = EventFactory(capacity=None)
    statuses = [
        post(
            client,
            event,
            number,
            REMOTE_ADDR="192.0.2.50",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        ).status_code
        for number in range(5)
    ]
    assert statuses.count(429) == 2
    assert event.registrations.count() == 3


def test_trusted_proxies_may_be_networks(client, settings):
    from django.test import RequestFactory

    from core.ratelimit import client_address

    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_address(request) == "203.0.113.7"
    request = RequestFactory().get("/", REMOTE_ADDR="11.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_address(request) == "11.1.2.3"
