import django_filters
from django.utils.translation import gettext_lazy as _

from members.filters import ModelChoiceFilterInOneQuery

from .models import Event, EventSeries, EventType


def _types(request):
    # Built per request so that the labels follow the page's language.
    return EventType.objects.all()


def _series(request):
    return EventSeries.objects.all()


class EventFilter(django_filters.FilterSet):
    # Each select's choices in one query (not a count and then the rows).
    type = ModelChoiceFilterInOneQuery(
        label=_("Type"),
        field_name="event_type",
        to_field_name="slug",
        queryset=_types,
        empty_label=_("All types"),
    )
    series = ModelChoiceFilterInOneQuery(
        label=_("Series"),
        field_name="series",
        to_field_name="slug",
        queryset=_series,
        empty_label=_("All series"),
    )

    class Meta:
        model = Event
        fields = ["type", "series"]
