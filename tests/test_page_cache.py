"""Anonymous public pages are served from the cache until anything in the register changes."""

import pytest

from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


def test_second_visit_is_a_hit_and_a_staff_save_drops_it(client, page_cache):
    event = EventFactory(title_en="Before")
    assert "X-Page-Cache" not in client.get("/en/events/")
    hit = client.get("/en/events/")
    assert hit["X-Page-Cache"] == "hit" and "Before" in hit.content.decode()
    event.title_en = "After"
    event.save()
    fresh = client.get("/en/events/")
    assert "X-Page-Cache" not in fresh and "After" in fresh.content.decode()


def test_languages_are_cached_apart(client, page_cache):
    EventFactory(title_en="English title", title_km="ចំណងជើងខ្មែរ")
    client.get("/en/events/")
    khmer = client.get("/km/events/")
    assert "X-Page-Cache" not in khmer and "ចំណងជើងខ្មែរ" in khmer.content.decode()


def test_a_new_registration_refreshes_the_seats_left(client, page_cache):
    event = EventFactory(capacity=3)
    client.get(event.get_absolute_url())
    RegistrationFactory(event=event)
    assert "2 seats left" in client.get(event.get_absolute_url()).content.decode()


def test_forms_personal_pages_and_visitors_with_messages_are_never_cached(client, page_cache):
    event = EventFactory()
    register = f"/en/events/{event.slug}/register/"
    client.get(register)
    assert "X-Page-Cache" not in client.get(register)  # a form carries a CSRF token
    registration = RegistrationFactory(event=event)
    own = f"/en/registrations/{registration.cancel_token}/"
    client.get(own)
    assert "X-Page-Cache" not in client.get(own)
    client.get("/en/events/")
    client.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in client.get("/en/events/")
