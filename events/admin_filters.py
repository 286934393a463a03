"""List filters and orderings of the events admin: lists that fit the work.

- The event list opens on upcoming events, soonest first (EventWhenFilter, EVENT_ORDERING);
  past events come latest first.
- The registrations' "By event" filter lists the events around today, each with its date, and
  has a search box for any other: it never lists every event, however many years there are.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.localization import format_date, latin_digits
from core.text import normalise_text

from .models import Event

_UPCOMING = Q(ends_at__gte=Now())
# Upcoming (and running) events first, soonest first; then past ones, latest first. The list's
# order whatever the filter says: "upcoming" and "past" each see their half of it, and a
# column staff click on still comes first.
EVENT_ORDERING = [
    Case(When(_UPCOMING, then=Value(0)), default=Value(1), output_field=IntegerField()),
    Case(When(_UPCOMING, then=F("starts_at"))).asc(),
    Case(When(~_UPCOMING, then=F("starts_at"))).desc(),
]


def lookup_choices(list_filter, changelist):
    """A SimpleListFilter's own choices as Django writes them, with their counts when staff
    show them ("Show counts")."""
    counts = list_filter.get_facet_queryset(changelist) if changelist.add_facets else None
    for index, (value, label) in enumerate(list_filter.lookup_choices):
        if counts is not None:
            label = f"{label} ({counts[f'{index}__c']})"
        yield {
            "selected": list_filter.value() == value,
            "query_string": changelist.get_query_string({list_filter.parameter_name: value}),
            "display": label,
        }


class EventWhenFilter(admin.SimpleListFilter):
    """Upcoming (the default, with no parameter), past, or all events. A search, or a year or
    month picked in the dates above the list, looks at all events unless told otherwise: staff
    looking for a title or a past month mean any event."""

    title = _("Date")
    parameter_name = "when"
    UPCOMING, PAST, ALL = "upcoming", "past", "all"

    def __init__(self, request, params, model, model_admin):
        looking = request.GET.get("q", "").strip() or any(
            key.startswith(f"{model_admin.date_hierarchy}__") for key in request.GET
        )
        self.default = self.ALL if looking else self.UPCOMING
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [
            (self.UPCOMING, _("Upcoming events")),
            (self.PAST, _("Past events")),
            (self.ALL, _("All")),
        ]

    def value(self):
        value = super().value()
        return value if value in (self.UPCOMING, self.PAST, self.ALL) else self.default

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == self.UPCOMING:
            return queryset.filter(ends_at__gte=now)
        if self.value() == self.PAST:
            return queryset.filter(ends_at__lt=now)
        return queryset

    def choices(self, changelist):
        # No "All" with an empty parameter: no parameter means "upcoming" (see __init__).
        yield from lookup_choices(self, changelist)


class RegistrationEventFilter(admin.SimpleListFilter):
    """By event: the next and the latest events with their dates, the chosen one, and a search
    box (?event_q=) for any other. Keeps Django's parameter (event__id__exact), so links from
    an event to its registrations still work."""

    title = _("event")
    parameter_name = "event__id__exact"
    search_parameter = "event_q"
    template = "admin/events/registration/event_filter.html"
    # Events listed on each side of today, and search results at most.
    AROUND_TODAY = 8
    FOUND_AT_MOST = 15

    def __init__(self, request, params, model, model_admin):
        # Taken out before Django reads the rest as field lookups.
        searched = params.pop(self.search_parameter, [""])
        self.search = normalise_text(latin_digits(searched[-1])).strip()[:100]
        self.other_params = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in (self.parameter_name, self.search_parameter, "p")
            for value in values
        ]
        super().__init__(request, params, model, model_admin)
        if self.search:
            self.used_parameters[self.search_parameter] = self.search

    def expected_parameters(self):
        return [self.parameter_name, self.search_parameter]

    def has_output(self):
        return True

    def _chosen_pk(self):
        value = self.used_parameters.get(self.parameter_name)
        if value is None:
            return None
        value = latin_digits(value)
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        return int(value)

    def _events(self):
        now = timezone.now()
        events = Event.objects.only("pk", "title", "title_km", "title_en", "starts_at")
        if self.search:
            found = events
            for word in self.search.split()[:5]:
                found = found.filter(Q(title_km__icontains=word) | Q(title_en__icontains=word))
            # The nearest to today first.
            upcoming = list(found.filter(ends_at__gte=now).order_by("starts_at", "pk"))[
                : self.FOUND_AT_MOST
            ]
            past = list(found.filter(ends_at__lt=now).order_by("-starts_at", "-pk"))[
                : self.FOUND_AT_MOST - len(upcoming)
            ]
            return upcoming + past
        upcoming = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
        past = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        return list(upcoming[: self.AROUND_TODAY]) + list(past[: self.AROUND_TODAY])

    def lookups(self, request, model_admin):
        events = self._events()
        chosen = self._chosen_pk()
        if chosen is not None and chosen not in {event.pk for event in events}:
            events = [*Event.objects.filter(pk=chosen), *events]
        return [
            (str(event.pk), f"{event.title} · {format_date(event.starts_at, 'short')}")
            for event in events
        ]

    def queryset(self, request, queryset):
        chosen = self._chosen_pk()
        if chosen is None:
            return queryset
        return queryset.filter(event_id=chosen)

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
        }
        yield from lookup_choices(self, changelist)
