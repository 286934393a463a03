"""Duplicating an event, and generating a series' next occurrences from its recurrence.

Both make drafts the same way, through event_duplicate: a copy of an event's texts (both
languages), type, series, capacity, audience, venue, online link and reminders, moved to a new
start; the registration window moves with it; registrations are never copied. Staff check the
drafts and publish them.

The dates come from the series' rule (EventSeries.recurrence_set: python-dateutil's rrule over
Phnom Penh wall time), never from date arithmetic of ours. "The next N occurrences" are the
rule's next N dates after now, those that already have an event counted: generating makes
drafts for the ones without, so it is idempotent (run twice, it makes nothing the second
time). A date that has an event of the series, whatever its status, gets no second one: a
meeting dropped on purpose is kept as a cancelled event, and no generation brings it back.
The series row is locked while the dates are decided, so two staff clicking at once make
each event once.
"""

import datetime
import itertools
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from core.localization import format_date

from .models import Event, EventSeries, ReminderRule
from .questions import event_questions_copy_from_event
from .services import Refused, event_save

# The most occurrences one generation makes (and the preview lists).
MAX_OCCURRENCES = 24

# Copied as they are, in every language for the translated ones.
TRANSLATED_FIELDS = ("title", "summary", "description", "venue")
COPIED_FIELDS = ("event_type_id", "series_id", "online_url", "capacity", "audience")
# A slug's date ending ("-2023-10", "-2023-10-03", "-2023-10-03-2") and the demo's "-next".
_SLUG_ENDING = re.compile(r"(-\d{4}-\d{2}(-\d{2})?(-\d+)?|-next)$")


class RecurrenceRefused(Refused):
    """The copy or generation cannot be made."""


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime.datetime  # aware
    existing: Event | None  # the series' event already on that date, if any


def _local_day(value):
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def check_starts_in_future(starts_at, now=None):
    """Raise RecurrenceRefused unless `starts_at` is still to come."""
    if starts_at <= (now or timezone.now()):
        raise RecurrenceRefused(
            _("The new date and time are in the past. Choose a date and time still to come."),
            "past",
        )


def _unique_slug(event, starts_at):
    base = _SLUG_ENDING.sub("", event.slug) or slugify(event.title_en or "") or "event"
    max_length = Event._meta.get_field("slug").max_length
    stem = f"{base[: max_length - 14]}-{_local_day(starts_at).isoformat()}"
    slug = stem
    for number in itertools.count(2):
        if not Event.objects.filter(slug=slug).exists():
            return slug
        slug = f"{stem}-{number}"
    raise AssertionError("unreachable")


def _same_day(event, starts_at):
    """Events that would make a copy of `event` on the day of `starts_at` one too many: the
    series' events that day, or, for an event of no series, events of its title that day."""
    day = _local_day(starts_at)
    zone = timezone.get_default_timezone()
    events = Event.objects.filter(
        starts_at__range=(
            datetime.datetime.combine(day, datetime.time.min, zone),
            datetime.datetime.combine(day, datetime.time.max, zone),
        )
    )
    if event.series_id is not None:
        return events.filter(series_id=event.series_id)
    return events.filter(series=None, title_km=event.title_km, title_en=event.title_en)


def event_duplicate(*, event: Event, starts_at, user=None, now=None) -> Event:
    """A draft copy of `event` starting at `starts_at` (aware, in the future).

    It keeps the event's length; the registration window opens and closes as long before the
    new start as before the old one; the reminders are copied (not the type's defaults);
    registrations, messages and history are not. The slug is the original's with the new date.
    `user` is recorded as the author in the copy's history.

    Refused (RecurrenceRefused) for a start that has passed, and on a day that already has an
    event of the series (or, without a series, an event of the same title): a double click or
    two staff at once make one copy, as the series row (else the event's) is locked first.
    """
    check_starts_in_future(starts_at, now)
    with transaction.atomic():
        if event.series_id is not None:
            list(EventSeries.objects.select_for_update().filter(pk=event.series_id))
        event = Event.objects.select_for_update().get(pk=event.pk)
        if _same_day(event, starts_at).exists():
            message = (
                gettext("The series already has an event on %(date)s.")
                if event.series_id is not None
                else gettext("This event already has a copy on %(date)s.")
            )
            raise RecurrenceRefused(message % {"date": format_date(starts_at, "date")}, "exists")
        shift = starts_at - event.starts_at
        copy = Event(
            slug=_unique_slug(event, starts_at),
            status=Event.Status.DRAFT,
            starts_at=starts_at,
            ends_at=event.ends_at + shift,
            registration_opens_at=(
                event.registration_opens_at and event.registration_opens_at + shift
            ),
            registration_closes_at=(
                event.registration_closes_at and event.registration_closes_at + shift
            ),
        )
        for name in COPIED_FIELDS:
            setattr(copy, name, getattr(event, name))
        for name in TRANSLATED_FIELDS:
            for language in AVAILABLE_LANGUAGES:
                localized = build_localized_fieldname(name, language)
                setattr(copy, localized, getattr(event, localized))
        if user is not None:
            copy._history_user = user
        event_save(event=copy, default_reminders=False)
        # The source's own questions, in place of the type's templates event_save gave it.
        event_questions_copy_from_event(source=event, event=copy)
        ReminderRule.objects.bulk_create(
            ReminderRule(event=copy, offset=offset)
            for offset in event.reminder_rules.values_list("offset", flat=True)
        )
        return copy


def series_next_dates(series: EventSeries, after, count=MAX_OCCURRENCES, until=None) -> list:
    """The next `count` starts (aware, Phnom Penh) of the series' recurrence strictly after
    `after`, none later than the day `until` (a date) when given; [] without a recurrence.

    Pure: reads the series' fields only. Looks no further than
    EventSeries.RECURRENCE_HORIZON_YEARS ahead.
    """
    occurrences = series.recurrence_set()
    if occurrences is None or count <= 0:
        return []
    zone = timezone.get_default_timezone()
    start = timezone.localtime(after, zone).replace(tzinfo=None)
    end = start.replace(year=start.year + EventSeries.RECURRENCE_HORIZON_YEARS)
    if until is not None:
        end = min(end, datetime.datetime.combine(until, datetime.time.max))
    found = itertools.islice(occurrences.xafter(start, count=count, inc=False), count)
    return [moment.replace(tzinfo=zone) for moment in found if moment <= end]


def series_template(series: EventSeries):
    """The event a new occurrence copies: the series' chosen one, or its latest event that is
    not cancelled (failing that, its latest); None when the series has no event."""
    if series.recurrence_template_id is not None:
        return series.recurrence_template
    events = series.events.order_by("-starts_at", "-pk")
    return events.exclude(status=Event.Status.CANCELLED).first() or events.first()


def series_occurrences(*, series: EventSeries, count=None, until=None, now=None) -> list:
    """The series' next occurrences after `now` (at most `count`, or MAX_OCCURRENCES; none
    after `until`), each with the series' event already on that date, if any: what
    series_generate_next would make (those without one), for staff to see first."""
    now = now or timezone.now()
    starts = series_next_dates(series, now, min(count or MAX_OCCURRENCES, MAX_OCCURRENCES), until)
    if not starts:
        return []
    zone = timezone.get_default_timezone()
    first = datetime.datetime.combine(_local_day(starts[0]), datetime.time.min, zone)
    last = datetime.datetime.combine(_local_day(starts[-1]), datetime.time.max, zone)
    existing = {}
    for event in series.events.filter(starts_at__range=(first, last)).order_by("starts_at"):
        existing.setdefault(_local_day(event.starts_at), event)
    return [Occurrence(start, existing.get(_local_day(start))) for start in starts]


def series_generate_next(
    *, series: EventSeries, count=None, until=None, now=None, user=None
) -> list[Event]:
    """Make drafts for the series' next occurrences (see series_occurrences) that have no event
    yet, each a copy of the series' template (event_duplicate); returns the new events, in
    order. Running it again makes none: a date with an event of the series is skipped."""
    if count is None and until is None:
        count = 1
    with transaction.atomic():
        # Two staff generating at once: the second waits here, then sees the first's events.
        series = EventSeries.objects.select_for_update().get(pk=series.pk)
        if not series.has_recurrence:
            raise RecurrenceRefused(
                _("This series has no recurrence rule or dates. Add them to the series first."),
                "no_rule",
            )
        template = series_template(series)
        if template is None:
            raise RecurrenceRefused(
                _("This series has no event to copy yet. Add its first event by hand."),
                "no_template",
            )
        now = now or timezone.now()
        created = []
        for occurrence in series_occurrences(series=series, count=count, until=until, now=now):
            if occurrence.existing is None:
                created.append(
                    event_duplicate(
                        event=template, starts_at=occurrence.starts_at, user=user, now=now
                    )
                )
        return created
