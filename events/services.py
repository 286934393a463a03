"""Writes and side effects for events. Views, admin and tasks call these; nothing else writes."""

from django.db import transaction
from django.db.models import F

from .models import Event

# What a calendar app or a registrant relies on: a change to any of these is a new revision.
SCHEDULE_FIELDS = frozenset(
    {"starts_at", "ends_at", "venue", "venue_km", "venue_en", "online_url", "status"}
)


@transaction.atomic
def event_save(*, event: Event, changed_fields=()) -> Event:
    """Save an event; raise its calendar SEQUENCE when its time, place or status changed.

    Calendar apps replace an event they already hold only when SEQUENCE grows (RFC 5545).
    """
    is_new = event.pk is None
    event.save()
    if not is_new and SCHEDULE_FIELDS.intersection(changed_fields):
        Event.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1)
        event.refresh_from_db(fields=["sequence"])
    return event
