"""iCalendar (RFC 5545) files for one event and for the subscription feed, built with the
`icalendar` library. Times are written in UTC; text in the language asked for.

An online event's join link is in a registrant's own file only (`registration`, when they hold
a seat: events.join_links); the public files and the feed say it is sent to registrants."""

import datetime
import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from core.cache import cache_call_or

from .join_links import join_url, online_line

PRODUCT_ID = "-//Cooperation Committee for Cambodia//CCC portal//EN"


def _domain():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_uid(event):
    """Stable for the life of the event, whatever is edited."""
    return f"event-{event.pk}@{_domain()}"


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _component(event, registration=None, *, stamped=True):
    component = CalendarEvent()
    component.add("uid", event_uid(event))
    if stamped:
        component.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    component.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    component.add("created", event.created_at.astimezone(datetime.UTC))
    component.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    component.add("dtend", event.ends_at.astimezone(datetime.UTC))
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    url = settings.SITE_URL + event.get_absolute_url()
    online = online_line(event, registration)
    description = "\n\n".join(filter(None, [event.summary, online, url]))
    component.add("description", description)
    component.add("url", url)
    location = event.venue or join_url(event, registration) or online
    if location:
        component.add("location", location)
    component.add("categories", [str(event.event_type)])
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return component


def event_calendar(events, *, language, name, registration=None):
    """An .ics document (bytes) of the given events, text in `language`; with the join link
    only when `registration` (of that event) holds a seat."""
    with translation.override(language):
        calendar = _calendar(str(name))
        for event in events:
            calendar.add_component(_component(event, registration))
        return calendar.to_ical()


# A feed's events as text, kept a week in the shared cache under a key made of all they show
# (see _vevent_key): the feed serialised 500 events with `icalendar` on every request (130 ms
# of CPU at 1x; issue 18). A change to an event gives it a new key, so nothing is invalidated.
VEVENT_SECONDS = 7 * 24 * 3600
BEGIN_VEVENT = b"BEGIN:VEVENT\r\n"
END_VCALENDAR = b"END:VCALENDAR\r\n"


# What a feed's VEVENT shows, read without making model instances (making 500 events with
# their types was two thirds of the feed's time once the text itself was cached).
KEY_FIELDS = (
    "pk",
    "updated_at",
    "sequence",
    "status",
    "event_type__name_km",
    "event_type__name_en",
)


def _vevent_key(row, language):
    pk, updated_at, sequence, status, *type_names = row
    shown = [
        language,
        pk,
        updated_at.isoformat(),  # any edit through save()
        sequence,
        status,  # a cancellation, however it is written
        type_names,  # the category, edited on its own model
        settings.SITE_URL,
    ]
    return "ical-vevent:" + hashlib.sha256(repr(shown).encode()).hexdigest()


def feed_calendar(events, *, language, name):
    """event_calendar(events) for the public feed (no registration): the same events and
    properties, each VEVENT serialised once per version of the event and reused, and the
    feed's VEVENTs together kept under the key of the lot (one cache read instead of 500);
    DTSTAMP, the time of this document, is added to each as the document is put together.
    Only the events whose text is not cached are read whole."""
    with translation.override(language):
        # None of KEY_FIELDS falls back to another language: rewrite(False) reads the rows as
        # Django does, without modeltranslation's per-row fallback pass (at 10x, 0.5 ms of the
        # feed's 4.3 ms of CPU).
        rows = events.rewrite(False).values_list(*KEY_FIELDS)
        keys = {row[0]: _vevent_key(row, language) for row in rows}
        feed_key = "ical-feed:" + hashlib.sha256(repr(list(keys.values())).encode()).hexdigest()
        body = cache_call_or(None, "get", feed_key)
        if body is None:
            body = _vevents(events.model, keys)
            cache_call_or(None, "set", feed_key, body, VEVENT_SECONDS)
        stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        stamped = BEGIN_VEVENT + f"DTSTAMP:{stamp}\r\n".encode()
        opening, end, _nothing = _calendar(str(name)).to_ical().rpartition(END_VCALENDAR)
        return opening + body.replace(BEGIN_VEVENT, stamped) + end


def _vevents(model, keys):
    """The VEVENTs of `keys` ({event id: its VEVENT's key}), in that order, without DTSTAMP:
    from the cache, and the missing ones made and kept."""
    cached = cache_call_or({}, "get_many", list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in cached]
    made = {}
    if missing:
        for event in model.objects.select_related("event_type").filter(pk__in=missing):
            made[keys[event.pk]] = _component(event, stamped=False).to_ical()
        cache_call_or(None, "set_many", made, VEVENT_SECONDS)
    return b"".join(cached.get(key) or made[key] for key in keys.values())
