"""An online event's public page says the link is sent to registrants; the confirmed
registrant's own page shows it, the waiting list's says it comes once confirmed: readable at
phone and desktop widths, no serious accessibility problem."""

from django.urls import reverse
from django.utils import translation

from events.models import Event, Registration
from tests.browser.conftest import axe_violations, screenshot

JOIN_URL = "https://meet.example.org/ccc-online-forum-Zq7Kx2"


def _online_event():
    event = Event.objects.filter(registrations__status="confirmed").first()
    Event.objects.filter(pk=event.pk).update(online_url=JOIN_URL)
    event.refresh_from_db()
    return event


def _page_of(registration, language):
    with translation.override(language):
        return reverse("registrations:detail", kwargs={"token": registration.cancel_token})


def test_the_link_shows_to_the_confirmed_registrant_only(site, page):
    event = _online_event()
    page.goto(f"{site}/km/events/{event.slug}/")
    assert "meet.example.org" not in page.content()
    assert axe_violations(page) == []
    screenshot(page, "join-link-public-km")

    confirmed = event.registrations.filter(status="confirmed").first()
    page.goto(f"{site}{_page_of(confirmed, 'en')}")
    assert page.get_by_role("link", name=JOIN_URL).count() == 1
    assert axe_violations(page) == []
    screenshot(page, "join-link-confirmed-en")

    confirmed.status = Registration.Status.WAITING
    confirmed.save()
    page.goto(f"{site}{_page_of(confirmed, 'km')}")
    assert "meet.example.org" not in page.content()
    assert axe_violations(page) == []
    screenshot(page, "join-link-waiting-km")
