"""Reads for the public event pages (events.views, the home page): what they show and no more
(issue 18: every public page rendered afresh within 15 times the bench floor).

- `upcoming`, `past`, `soonest_first`: the same rows and order as EventQuerySet's, sorted after
  they are found rather than walked along the starts_at index from 1990.
- `month_events`, `set_urls`, `month_shows`: the month page's events as plain rows, their URLs
  reversed once, and the fingerprint that keys the page's grid and list in the fragment cache.
- `event_cards`, `CardPaginator`: a list of events found as ids first (at 10x the data, an
  index-only scan of the covering index on ends_at: 2 ms where the rows took 9), then the
  page's few rows, their seats counted in one grouped query (three correlated subqueries per
  event took 6 ms of Django's time to build), and each card's HTML from the fragment cache.
"""

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language

from core.fragments import set_cached_fragments

from .models import Event, Registration

# What the month grid and its list show of an event: plain rows, not models (at 10x the data a
# month's grid holds 1,100 events, and building them and their types as models took 30 ms).
MONTH_FIELDS = [
    "pk",
    "slug",
    "title",
    "title_km",
    "title_en",
    "starts_at",
    "ends_at",
    "status",
    "updated_at",
    "event_type__colour",
]
# The other language a title falls back to (MODELTRANSLATION_FALLBACK_LANGUAGES).
TITLE_FALLBACK = {"km": "en", "en": "km"}


class MonthEvent:
    """An event as the month page shows it."""

    def __init__(self, row, language):
        self.pk = row["pk"]
        self.slug = row["slug"]
        other = TITLE_FALLBACK.get(language, "km")
        self.title = row.get(f"title_{language}") or row[f"title_{other}"] or row["title"]
        self.starts_at = row["starts_at"]
        self.ends_at = row["ends_at"]
        self.status = row["status"]
        self.updated_at = row["updated_at"]
        self.colour = row["event_type__colour"]

    @property
    def is_cancelled(self):
        return self.status == Event.Status.CANCELLED


# What an event card shows of an event (templates/includes/_event_card.html): the long texts
# stay in the database.
CARD_DEFERRED = [
    "description",
    "description_km",
    "description_en",
    "summary",
    "summary_km",
    "summary_en",
    "venue",
    "venue_km",
    "venue_en",
]


def public_events():
    return Event.objects.published().select_related("event_type", "series")


def soonest_first(events):
    """Events that end after a moment (ends_at__gte), by start, sorted after they are found.

    Ordered by starts_at itself, PostgreSQL walks the starts_at index from the oldest event and
    skips every past one (9,000 rows at 1x, 14 ms of the home page; ten times that at 10x). A
    sort key the index cannot give (starts_at is never null) makes it find the not-ended events
    through the ends_at index and keep the page's few with a top-N sort."""
    return events.order_by(Coalesce("starts_at", "ends_at"), "pk")


def upcoming(events, now=None):
    """EventQuerySet.upcoming(), soonest first (see soonest_first)."""
    return soonest_first(events.upcoming(now))


def past(events, now=None):
    """EventQuerySet.past(), latest first: the same the other way (the index walked from the
    last event would skip every future one)."""
    return events.past(now).order_by(Coalesce("starts_at", "ends_at").desc(), "-pk")


def month_events(events):
    """`events` (a queryset) as MonthEvents, in the active language."""
    language = (get_language() or "km")[:2]
    rows = events.select_related(None).values(*MONTH_FIELDS)
    return [MonthEvent(row, language) for row in rows]


def set_urls(events):
    """Each event's page as `event.url`, reversing once for the lot (a page of a few hundred
    events reversed each URL twice: a third of the month page). Slugs are URL-safe as they are."""
    marker = "slug-marker"
    pattern = reverse("events:event-detail", kwargs={"slug": marker})
    before, _marker, after = pattern.partition(marker)
    for event in events:
        event.url = f"{before}{event.slug}{after}"
    return events


def month_shows(events):
    """What decides the month page's grid and list of `events` (a queryset), without reading
    the events themselves: each one's id, last edit, status and type's colour."""
    # No field here falls back to another language: rewrite(False) reads the rows as Django
    # does, without modeltranslation's per-row fallback pass (at 10x, 0.8 ms of the month
    # page's 5.6 ms of CPU).
    return list(
        events.rewrite(False)
        .order_by("pk")
        .values_list("pk", "updated_at", "status", "event_type__colour")
    )


def seat_counts(event_ids):
    """{event id: {status: registrations}} for `event_ids`, in one grouped query."""
    counts = {pk: {} for pk in event_ids}
    rows = (
        Registration.objects.filter(event__in=event_ids)
        .order_by()
        .values_list("event", "status")
        .annotate(total=Count("pk"))
    )
    for event_id, status, total in rows:
        counts[event_id][status] = total
    return counts


def event_cards(event_ids):
    """The events of `event_ids`, in that order, as cards: with their type, the seat counts of
    EventQuerySet.with_registration_counts (`confirmed_count`, `offered_count`,
    `waiting_count`) and `card` (their _event_card.html, see card_html)."""
    events = Event.objects.filter(pk__in=event_ids).select_related("event_type")
    by_pk = {event.pk: event for event in events.defer(*CARD_DEFERRED).order_by()}
    counts = seat_counts(list(by_pk))
    cards = []
    for pk in event_ids:
        event = by_pk.get(pk)
        if event is None:  # deleted between the two queries
            continue
        held = counts[pk]
        event.confirmed_count = sum(held.get(status, 0) for status in Registration.SEAT_HOLDING)
        event.offered_count = held.get(Registration.Status.OFFERED, 0)
        event.waiting_count = held.get(Registration.Status.WAITING, 0)
        cards.append(event)
    return card_html(cards)


def _card_shows(event):
    """All that an event's card shows, for its fragment's key."""
    return (
        event.pk,
        event.updated_at.isoformat(),
        event.title,
        event.slug,
        event.starts_at.isoformat(),
        event.registration_opens_at and event.registration_opens_at.isoformat(),
        event.availability,
        event.seats_left,
        str(event.event_type),
    )


def card_html(events):
    """Set `event.card`, each event's card (includes/_event_card.html), from the fragment
    cache."""
    return set_cached_fragments(
        events, "event-card", _card_shows, "includes/_event_card.html", "event", "card"
    )


class CardPaginator(Paginator):
    """Paginates a query of event ids (values_list("pk", flat=True)); a page holds the events
    as cards (event_cards)."""

    def page(self, number):
        page = super().page(number)
        page.object_list = event_cards(list(page.object_list))
        return page
