import datetime

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from ccc_portal.localization import weekday_names

from . import calendar as month_calendar
from .filters import EventFilter
from .ical import event_calendar
from .models import Event

# How far back the subscription feed reaches, so calendar apps keep recent events.
FEED_PAST_DAYS = 90


def public_events():
    return Event.objects.published().select_related("event_type", "series")


class EventListView(ListView):
    """Upcoming events, filtered by type and series; the past is in the archive."""

    template_name = "events/event_list.html"
    context_object_name = "events"
    paginate_by = 12
    archive = False

    def get_queryset(self):
        now = timezone.now()
        events = public_events().past(now) if self.archive else public_events().upcoming(now)
        self.filterset = EventFilter(self.request.GET or None, queryset=events)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return events.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            filter=self.filterset,
            archive=self.archive,
            this_month=today.replace(day=1),
            **kwargs,
        )


class EventMonthView(TemplateView):
    template_name = "events/event_month.html"

    def get_context_data(self, year, month, **kwargs):
        if not (1 <= month <= 12 and month_calendar.FIRST_YEAR <= year <= month_calendar.LAST_YEAR):
            raise Http404(_("There is no calendar for that month."))
        first_day, last_day = month_calendar.grid_bounds(year, month)
        events = list(month_calendar.events_overlapping(public_events(), first_day, last_day))
        month_start = datetime.date(year, month, 1)
        previous_month = (month_start - datetime.timedelta(days=1)).replace(day=1)
        next_month = (month_start + datetime.timedelta(days=31)).replace(day=1)
        return super().get_context_data(
            month=month_start,
            weekday_names=weekday_names(),
            weeks=month_calendar.month_grid(year, month, events),
            month_events=[
                event
                for event in events
                if timezone.localtime(event.starts_at).month == month
                or timezone.localtime(event.ends_at).month == month
            ],
            previous_month=previous_month
            if previous_month.year >= month_calendar.FIRST_YEAR
            else None,
            next_month=next_month if next_month.year <= month_calendar.LAST_YEAR else None,
            **kwargs,
        )


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return public_events().with_registration_counts()


def _ics_language(request):
    language = request.GET.get("lang", "km")
    return language if language in dict(settings.LANGUAGES) else "km"


def _ics_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def event_ics(request, slug):
    event = get_object_or_404(public_events(), slug=slug)
    language = _ics_language(request)
    content = event_calendar([event], language=language, name=event.title)
    return _ics_response(content, f"{event.slug}.ics")


def event_feed(request):
    """Subscription feed: upcoming events and those of the last FEED_PAST_DAYS days."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    events = public_events().filter(ends_at__gte=since).order_by("starts_at")
    language = _ics_language(request)
    content = event_calendar(events, language=language, name=settings.PORTAL_NAME)
    return _ics_response(content, "ccc-events.ics")
