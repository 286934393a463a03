"""The month grid of the public calendar: weeks from Monday, events on every day they span."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.utils import timezone

FIRST_YEAR, LAST_YEAR = 1990, 2100  # CCC was founded in 1990


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    events: list = field(default_factory=list)


def month_grid(year, month, events, today=None):
    """Weeks (lists of 7 Days, Monday first) covering the month, with `events` placed on each
    local day from their start to their end."""
    today = today or timezone.localdate()
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    days = {
        date: Day(date=date, in_month=date.month == month, is_today=date == today)
        for week in weeks
        for date in week
    }
    for event in events:
        first = timezone.localtime(event.starts_at).date()
        # An event ending at midnight does not occupy the next day.
        last = timezone.localtime(event.ends_at - datetime.timedelta(microseconds=1)).date()
        date = max(first, weeks[0][0])
        while date <= min(last, weeks[-1][-1]):
            days[date].events.append(event)
            date += datetime.timedelta(days=1)
    return [[days[date] for date in week] for week in weeks]


def events_overlapping(queryset, first_day, last_day):
    """Events of `queryset` that touch the local dates first_day..last_day."""
    start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min)
    )
    return queryset.filter(starts_at__lt=end, ends_at__gt=start).order_by("starts_at")


def grid_bounds(year, month):
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]
