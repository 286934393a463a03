"""Exports of registrations for staff (django-import-export): headers and choices in both
languages, since the same sheet goes to Khmer- and English-speaking colleagues."""

from django.utils import translation
from import_export import fields, resources

from .models import Event, Registration


def both_languages(label):
    with translation.override("en"):
        english = str(label)
    with translation.override("km"):
        khmer = str(label)
    english = english[:1].upper() + english[1:]
    return english if english == khmer else f"{english} / {khmer}"


def bilingual_field(attribute, model_field=None, **kwargs):
    label = Registration._meta.get_field(model_field or attribute).verbose_name
    return fields.Field(attribute=attribute, column_name=both_languages(label), **kwargs)


class RegistrationResource(resources.ModelResource):
    event = bilingual_field("event", "event")
    full_name = bilingual_field("full_name")
    organisation = bilingual_field("organisation_display", "organisation")
    position = bilingual_field("position")
    gender = bilingual_field("gender")
    email = bilingual_field("email")
    phone = bilingual_field("phone")
    language = bilingual_field("language")
    status = bilingual_field("status")
    accessibility_needs = bilingual_field("accessibility_needs")
    created_at = bilingual_field("created_at")

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

    def dehydrate_event(self, registration):
        event = registration.event
        titles = dict.fromkeys(filter(None, [event.title_en, event.title_km]))
        return " / ".join(titles)

    def dehydrate_gender(self, registration):
        return both_languages(Registration.Gender(registration.gender).label)

    def dehydrate_status(self, registration):
        return both_languages(Registration.Status(registration.status).label)


class EventResource(resources.ModelResource):
    event_type = fields.Field(attribute="event_type__slug", column_name="event_type")
    series = fields.Field(attribute="series__slug", column_name="series")

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
