"""Reads for the public event pages (events.views, the home page): what they show and no more
(issue 18: every public page rendered afresh within 15 times the bench floor).

- `with_seat_counts`: EventQuerySet.with_registration_counts's three annotations, counted per
  event by correlated subqueries instead of a join and GROUP BY. PostgreSQL evaluates them only
  for the rows a page keeps (after ORDER BY and LIMIT), and a list's page count needs no join
  (Django drops unused annotations from count()); the GROUP BY aggregated the registrations of
  every upcoming event first (41 ms of the home page at 1x, 250 ms at 10x).
- `upcoming`, `past`, `soonest_first`: the same rows and order as EventQuerySet's, sorted after
  they are found rather than walked along the starts_at index from 1990.
- `month_events`, `set_urls`: the month page's events as plain rows, their URLs reversed once.
- `cached_html`: a fragment kept under a key made of what it shows.
"""

import hashlib

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.cache import cache_call_or

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


# How long a rendered fragment is kept. Its key changes with what it shows, so this bounds only
# how long a fragment outlives a change to the page's wording (a new catalogue).
FRAGMENT_SECONDS = 3600


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


def _registrations(statuses):
    counted = (
        Registration.objects.filter(event=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("event")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted), 0)


def with_seat_counts(events):
    """`confirmed_count`, `offered_count`, `waiting_count` (see
    EventQuerySet.with_registration_counts), one small index scan per event kept."""
    return events.annotate(
        confirmed_count=_registrations(Registration.SEAT_HOLDING),
        offered_count=_registrations([Registration.Status.OFFERED]),
        waiting_count=_registrations([Registration.Status.WAITING]),
    )


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


def cached_html(name, shown, template_name, context):
    """`template_name` rendered with `context`, kept in the shared cache under a key made of all
    the fragment shows (`shown`, with the language): an edit gives a new key, so nothing needs
    invalidating, and registrations (which drop whole cached pages) do not drop it. Rendered
    afresh when the cache is down."""
    digest = hashlib.sha256(repr([get_language(), shown]).encode()).hexdigest()
    key = f"fragment:{name}:{digest}"
    html = cache_call_or(None, "get", key)
    if html is None:
        html = render_to_string(template_name, context)
        cache_call_or(None, "set", key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # our own template's output


def month_list(events):
    """The month page's list of its events (events/_month_list.html), from the fragment cache:
    a busy month at 10x the data lists 800 events, 40 ms of rendering."""
    shown = [(event.pk, event.updated_at.isoformat(), event.status) for event in events]
    context = {"month_events": events}
    return cached_html("month-list", shown, "events/_month_list.html", context)
