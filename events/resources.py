"""Exports of events and registrations for staff (django-import-export), ready to use as they
are: headers, choice labels and statuses in the staff member's language (the language of the
admin page the export is made from), times in Phnom Penh time to the second, and the sheet and
file named after what they hold (see core.admin_spreadsheets.SpreadsheetExportMixin)."""

import datetime
import zoneinfo

from django.conf import settings
from django.utils.text import capfirst
from import_export import fields, resources, widgets

from .models import Event, Registration
from .questions import export_columns

LOCAL_TIME = zoneinfo.ZoneInfo(settings.TIME_ZONE)


class LocalDateTimeWidget(widgets.DateTimeWidget):
    """A moment in Phnom Penh time without microseconds: a real date cell in XLSX, text such as
    2026-03-05 09:30:00 in CSV."""

    def render(self, value, obj=None, **kwargs):
        if not isinstance(value, datetime.datetime):
            return ""
        if value.tzinfo is not None:
            value = value.astimezone(LOCAL_TIME)
        value = value.replace(microsecond=0, tzinfo=None)
        if kwargs.get("force_native_type"):
            return value
        return value.strftime("%Y-%m-%d %H:%M:%S")


def labelled(model, attribute, model_field=None, **kwargs):
    """A column headed by the model field's label, read in the active language when the file is
    written."""
    label = capfirst(model._meta.get_field(model_field or attribute).verbose_name)
    return fields.Field(attribute=attribute, column_name=label, **kwargs)


def moment(model, attribute):
    return labelled(model, attribute, widget=LocalDateTimeWidget())


class RegistrationResource(resources.ModelResource):
    event = labelled(Registration, "event")
    full_name = labelled(Registration, "full_name")
    organisation = labelled(Registration, "organisation_display", "organisation")
    position = labelled(Registration, "position")
    gender = labelled(Registration, "gender")
    email = labelled(Registration, "email")
    phone = labelled(Registration, "phone")
    language = labelled(Registration, "language")
    status = labelled(Registration, "status")
    accessibility_needs = labelled(Registration, "accessibility_needs")
    created_at = moment(Registration, "created_at")

    class Meta:
        model = Registration
        fields = (
            "event",
            "full_name",
            "organisation",
            "position",
            "gender",
            "email",
            "phone",
            "language",
            "status",
            "accessibility_needs",
            "created_at",
        )
        export_order = fields

    @classmethod
    def export_title(cls, queryset):
        """What the sheet and the file are called: the event's title when every row is of one
        event, otherwise "registrations"."""
        events = list(queryset.order_by().values_list("event", flat=True).distinct()[:2])
        if len(events) == 1:
            return Event.objects.get(pk=events[0]).title
        return str(Registration._meta.verbose_name_plural)

    def get_queryset(self):
        return super().get_queryset().select_related("event", "organisation")

    def get_export_fields(self, selected_fields=None):
        return [*super().get_export_fields(selected_fields), *self.question_fields()]

    def question_fields(self):
        """One column per question, after the fixed columns (events.questions.export_columns:
        headed by the question in the staff member's language, reading the registrant's
        answer), found by before_export for the registrations being exported."""
        return getattr(self, "_question_fields", [])

    def before_export(self, queryset, **kwargs):
        super().before_export(queryset, **kwargs)
        registrations = self.get_queryset() if queryset is None else queryset
        columns, answers = export_columns(registrations)
        self._question_fields = []
        for index, (key, heading) in enumerate(columns):
            field = fields.Field(
                column_name=heading,
                dehydrate_method=lambda registration, key=key: answers[registration.pk].get(
                    key, ""
                ),
            )
            # Named in self.fields too: the export looks each column's field up there.
            self.fields[f"question_{index}"] = field
            self._question_fields.append(field)

    def dehydrate_event(self, registration):
        return registration.event.title

    def dehydrate_gender(self, registration):
        return registration.get_gender_display()

    def dehydrate_language(self, registration):
        return registration.get_language_display()

    def dehydrate_status(self, registration):
        return registration.get_status_display()


class EventResource(resources.ModelResource):
    event_type = fields.Field(
        attribute="event_type__name",
        column_name=capfirst(Event._meta.get_field("event_type").verbose_name),
    )
    series = fields.Field(
        attribute="series__name", column_name=capfirst(Event._meta.get_field("series").verbose_name)
    )
    slug = labelled(Event, "slug")
    title_km = labelled(Event, "title_km")
    title_en = labelled(Event, "title_en")
    status = labelled(Event, "status")
    audience = labelled(Event, "audience")
    starts_at = moment(Event, "starts_at")
    ends_at = moment(Event, "ends_at")
    venue_km = labelled(Event, "venue_km")
    venue_en = labelled(Event, "venue_en")
    online_url = labelled(Event, "online_url")
    capacity = labelled(Event, "capacity")
    summary_km = labelled(Event, "summary_km")
    summary_en = labelled(Event, "summary_en")

    class Meta:
        model = Event
        fields = (
            "slug",
            "title_km",
            "title_en",
            "event_type",
            "series",
            "status",
            "audience",
            "starts_at",
            "ends_at",
            "venue_km",
            "venue_en",
            "online_url",
            "capacity",
            "summary_km",
            "summary_en",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("event_type", "series")

    def dehydrate_status(self, event):
        return event.get_status_display()

    def dehydrate_audience(self, event):
        return event.get_audience_display()
