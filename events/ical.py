"""iCalendar (RFC 5545) files for one event and for the subscription feed, built with the
`icalendar` library. Times are written in UTC; text in the language asked for.

An online event's join link is in a registrant's own file only (`registration`, when they hold
a seat: events.join_links); the public files and the feed say it is sent to registrants."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar
from icalendar import Event as CalendarEvent

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


def _component(event, registration=None):
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
