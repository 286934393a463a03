"""The month grid of the public calendar: weeks from Monday, events on every day they span."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.utils import timezone

FIRST_YEAR, LAST_YEAR = 1990, 2100  # CCC was founded in 1990
# Events drawn in a day's cell at most; the cell links the rest to the day in the list below
# the grid (a busy month at 10x the data drew 800 events twice).
DAY_LIMIT = 3


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    events: list = field(default_factory=list)

    @property
    def shown(self):
        return self.events[:DAY_LIMIT]

    @property
    def more(self):
        """How many of the day's events the cell does not show."""
        return max(len(self.events) - DAY_LIMIT, 0)


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
    zone = timezone.get_current_timezone()
    for event in events:
        first = event.starts_at.astimezone(zone).date()
        # An event ending at midnight does not occupy the next day.
        last = (event.ends_at - datetime.timedelta(microseconds=1)).astimezone(zone).date()
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
