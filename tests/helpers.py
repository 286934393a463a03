"""Helpers shared by several test modules."""

import datetime
import itertools
import re
import socket

from django.utils import timezone


def registration_form_data(**overrides):
    """What a person types into the public registration form."""
    data = {
        "full_name": "Sok Dara",
        "organisation_name": "Village Support Group",
        "position": "Programme officer",
        "gender": "female",
        "email": "dara@example.org",
        "phone": "012 345 678",
        "language": "km",
        "accessibility_needs": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def event_form_data(event, **overrides):
    local = timezone.localtime
    data = {
        "title_km": event.title_km,
        "title_en": event.title_en,
        "slug": event.slug,
        "event_type": event.event_type_id,
        "status": event.status,
        "audience": event.audience,
        "starts_at_0": local(event.starts_at).strftime("%d/%m/%Y"),
        "starts_at_1": local(event.starts_at).strftime("%H:%M"),
        "ends_at_0": local(event.ends_at).strftime("%d/%m/%Y"),
        "ends_at_1": local(event.ends_at).strftime("%H:%M"),
        "capacity": event.capacity,
        "reminder_rules-TOTAL_FORMS": 0,
        "reminder_rules-INITIAL_FORMS": 0,
        "registrations-TOTAL_FORMS": 0,
        "registrations-INITIAL_FORMS": 0,
        "materials-TOTAL_FORMS": 0,
        "materials-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def unused_port():
    """A loopback port nothing listens on now: a service there is down for real, or a port to
    start a test server on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def altered(token):
    """The token with its last character changed, always to a different one."""
    return token[:-1] + ("B" if token.endswith("A") else "A")


def registrations_linked(text):
    """The public ids of the registrations whose own pages `text` links to.

    A cancel token is signed with the second it was made, so two tokens for one registration
    differ across a second's turn: compare what they stand for, not their letters."""
    from events.models import Registration

    return {
        Registration.public_id_from_token(token)
        for token in re.findall(r"/registrations/([^/\s\"']+)/", text)
    } - {None}


def next_years_date(month, day, weekday=None):
    """month/day in the first year after this one (on `weekday` when given, 0 = Monday): a date
    that stays in the future whenever the tests run, for a test that shows an upcoming event."""
    for year in itertools.count(timezone.localdate().year + 1):
        date = datetime.date(year, month, day)
        if weekday is None or date.weekday() == weekday:
            return date
