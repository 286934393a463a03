"""iCalendar (RFC 5545) files for one event and for the subscription feed, built with the
`icalendar` library. Times are written in UTC; text in the language asked for."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar
from icalendar import Event as CalendarEvent

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


def _component(event):
    component = CalendarEvent()
    component.add("uid", event_uid(event))
    component.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    component.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    component.add("created", event.created_at.astimezone(datetime.UTC))
    component.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    component.add("dtend", event.ends_at.astimezone(datetime.UTC))
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    url = settings.SITE_URL + event.get_absolute_url()
    description = "\n\n".join(filter(None, [event.summary, url]))
    component.add("description", description)
    component.add("url", url)
    location = event.venue or event.online_url
    if location:
        component.add("location", location)
    component.add("categories", [str(event.event_type)])
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return component


def event_calendar(events, *, language, name):
    """An .ics document (bytes) of the given events, text in `language`."""
    with translation.override(language):
        calendar = _calendar(str(name))
        for event in events:
            calendar.add_component(_component(event))
        return calendar.to_ical()
