"""Anonymous public pages are served from the cache until anything in the register changes."""

import pytest

from tests.factories import (
    EventFactory,
    OrganisationFactory,
    ProvincialNetworkFactory,
    RegistrationFactory,
)
from tests.unwrap import unwrapped

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
    text = unwrapped(khmer.content.decode())  # names are wrapped word by word (|khmer_wrap)
    assert "X-Page-Cache" not in khmer and "ចំណងជើងខ្មែរ" in text


def test_a_new_registration_refreshes_the_seats_left(client, page_cache):
    event = EventFactory(capacity=3)
    client.get(event.get_absolute_url())
    RegistrationFactory(event=event)
    assert "2 seats left" in client.get(event.get_absolute_url()).content.decode()


def test_a_registration_leaves_the_directory_and_networks_cached(client, page_cache):
    """A forum opening brings registrations by the minute: the pages that show none stay in
    the cache, the events' pages and the home page (seats left) are drawn afresh."""
    event = EventFactory(capacity=3)
    network = ProvincialNetworkFactory()
    pages = ["/en/members/", "/km/members/", "/en/networks/", network.get_absolute_url()]
    showing_seats = ["/en/", "/en/events/", event.get_absolute_url()]
    for url in pages + showing_seats:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url
    RegistrationFactory(event=event)
    for url in pages:
        assert client.get(url)["X-Page-Cache"] == "hit", url
    for url in showing_seats:
        assert "X-Page-Cache" not in client.get(url), url
    assert "2 seats left" in client.get(event.get_absolute_url()).text
    # An event named like a section without registrations is still an event's page.
    about = EventFactory(slug="about", capacity=3)
    client.get(about.get_absolute_url())
    RegistrationFactory(event=about)
    assert "2 seats left" in client.get(about.get_absolute_url()).text


def test_a_staff_edit_of_an_organisation_drops_every_page(client, page_cache):
    organisation = OrganisationFactory(name_en="Old Name", is_public=True)
    event = EventFactory()
    for url in ("/en/members/", event.get_absolute_url()):
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
    organisation.name_en = "New Name"
    organisation.save()
    assert "X-Page-Cache" not in client.get(event.get_absolute_url())
    directory = client.get("/en/members/")
    assert "X-Page-Cache" not in directory


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


def test_a_cached_page_keeps_the_headers_of_the_page_it_came_from(client, page_cache):
    EventFactory()
    fresh = client.get("/en/events/")
    cached = client.get("/en/events/")
    assert cached["X-Page-Cache"] == "hit"
    for header in ("X-Frame-Options", "Content-Type", "Content-Language", "Vary"):
        assert cached.get(header) == fresh.get(header), header
    assert cached["X-Frame-Options"] == "DENY"


def test_sending_a_thousand_reminders_leaves_cached_pages_in_place(
    client, page_cache, tasks_inline, mailoutbox
):
    import datetime

    from django.utils import timezone

    from events.models import Registration, ReminderRule
    from events.tasks import sweep_outbox

    now = timezone.now()
    event = EventFactory(capacity=None, starts_at=now + datetime.timedelta(hours=1))
    ReminderRule.objects.create(event=event, offset=datetime.timedelta(hours=2))  # due now
    Registration.objects.bulk_create(
        RegistrationFactory.build_batch(
            1000, event=event, created_at=now - datetime.timedelta(days=1)
        )
    )
    client.get("/en/events/")
    assert client.get("/en/events/")["X-Page-Cache"] == "hit"
    sweep_outbox()
    assert len(mailoutbox) == 1000
    assert client.get("/en/events/")["X-Page-Cache"] == "hit"


def test_an_update_to_a_watched_model_through_the_service_drops_cached_pages(client, page_cache):
    """Staff saving through the admin go through save(): the public page changes at once."""
    event = EventFactory(title_en="Old title")
    client.get(event.get_absolute_url())
    event.title_en = "New title"
    event.save()
    assert "New title" in client.get(event.get_absolute_url()).text


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_staff_edit_reaches_every_web_process_sharing_the_cache(postgresql, live_gunicorn):
    """Three gunicorn workers on the shared Redis cache: once staff change an event, no
    worker serves the old page, although each had it cached."""
    event = EventFactory(title_en="Before the edit")
    url = f"/en/events/{event.slug}/"
    before = [live_gunicorn(url) for _ in range(12)]
    assert all("Before the edit" in body for _headers, body in before)
    assert any(headers.get("X-Page-Cache") == "hit" for headers, _body in before)
    event.title_en = "After the edit"
    event.save()
    after = [live_gunicorn(url) for _ in range(12)]
    assert all("After the edit" in body for _headers, body in after)


def test_a_notice_written_to_the_outbox_drops_nothing(client, page_cache):
    from events.models import RegistrationNotice
    from events.services import notice_queue

    registration = RegistrationFactory()
    client.get("/en/events/")
    assert client.get("/en/events/")["X-Page-Cache"] == "hit"
    notice_queue(registration=registration, kind=RegistrationNotice.Kind.EXISTING)
    assert client.get("/en/events/")["X-Page-Cache"] == "hit"
