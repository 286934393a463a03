import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from events.models import Event
from events.services import event_save
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")


def calendar_events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def make_event(**kwargs):
    start = datetime.datetime(2031, 2, 3, 8, 0, tzinfo=PHNOM_PENH)
    defaults = {
        "title_en": "ICT learning forum",
        "title_km": "វេទិកាសិក្សា ICT",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=4),
        "venue_en": "CCC office",
    }
    return EventFactory(**{**defaults, **kwargs})


def test_event_file_is_in_utc_with_the_right_hour(client):
    event = make_event()
    (component,) = calendar_events(client.get(f"/events/{event.slug}.ics"))
    start = component.decoded("dtstart")
    assert start == datetime.datetime(2031, 2, 3, 1, 0, tzinfo=datetime.UTC)
    assert component["dtstart"].to_ical() == b"20310203T010000Z"
    assert component.decoded("dtend") - start == datetime.timedelta(hours=4)


def test_language_is_chosen_by_query_and_defaults_to_khmer(client):
    event = make_event()
    (khmer,) = calendar_events(client.get(f"/events/{event.slug}.ics"))
    (english,) = calendar_events(client.get(f"/events/{event.slug}.ics", {"lang": "en"}))
    assert str(khmer["summary"]) == "វេទិកាសិក្សា ICT"
    assert str(english["summary"]) == "ICT learning forum"
    assert "/en/events/" in str(english["url"])
    (fallback,) = calendar_events(client.get(f"/events/{event.slug}.ics", {"lang": "xx"}))
    assert str(fallback["summary"]) == "វេទិកាសិក្សា ICT"


def test_uid_is_stable_and_sequence_rises_when_the_time_changes(client):
    event = make_event()
    (before,) = calendar_events(client.get(f"/events/{event.slug}.ics"))
    event.starts_at += datetime.timedelta(hours=1)
    event.ends_at += datetime.timedelta(hours=1)
    event_save(event=event, changed_fields=["starts_at", "ends_at"])
    (after,) = calendar_events(client.get(f"/events/{event.slug}.ics"))
    assert after["uid"] == before["uid"]
    assert after["sequence"] == before["sequence"] + 1


def test_editing_only_the_description_keeps_the_sequence():
    event = make_event()
    event.description_en = "More words"
    event_save(event=event, changed_fields=["description_en"])
    event.refresh_from_db()
    assert event.sequence == 0


def test_admin_change_of_venue_raises_the_sequence(admin_client):
    event = make_event()
    from tests.helpers import event_form_data

    data = event_form_data(event, venue_en="New venue", venue_km="ទីកន្លែងថ្មី")
    response = admin_client.post(f"/en/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.venue_en == "New venue"
    assert event.sequence == 1


def test_cancelled_events_say_so(client):
    event = make_event(status=Event.Status.CANCELLED)
    (component,) = calendar_events(client.get(f"/events/{event.slug}.ics"))
    assert component["status"] == "CANCELLED"


def test_feed_covers_upcoming_and_recent_events_only(client):
    now = timezone.now()
    make_event(
        slug="upcoming",
        starts_at=now + datetime.timedelta(days=3),
        ends_at=now + datetime.timedelta(days=3, hours=2),
    )
    make_event(
        slug="recent",
        starts_at=now - datetime.timedelta(days=10),
        ends_at=now - datetime.timedelta(days=10, hours=-2),
    )
    make_event(
        slug="ancient",
        starts_at=now - datetime.timedelta(days=400),
        ends_at=now - datetime.timedelta(days=400, hours=-2),
    )
    make_event(slug="draft", status=Event.Status.DRAFT)
    components = calendar_events(client.get("/events/feed.ics"))
    urls = sorted(str(component["url"]).rstrip("/").rsplit("/", 1)[-1] for component in components)
    assert urls == ["recent", "upcoming"]


def test_unknown_event_file_is_404(client):
    assert client.get("/events/nothing-here.ics").status_code == 404
