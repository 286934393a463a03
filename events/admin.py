from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from ccc_portal.localization import format_date

from .models import (
    Event,
    EventSeries,
    EventType,
    Registration,
    ReminderDelivery,
    ReminderRule,
)
from .services import event_save


@admin.register(EventType)
class EventTypeAdmin(TranslationAdmin):
    list_display = ["name_km", "name_en", "slug", "colour"]
    search_fields = ["name_km", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(EventSeries)
class EventSeriesAdmin(TranslationAdmin):
    list_display = ["name_km", "name_en", "event_type"]
    list_filter = ["event_type"]
    search_fields = ["name_km", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["full_name", "organisation", "organisation_name", "email", "status", "language"]
    autocomplete_fields = ["organisation"]
    show_change_link = True


class ReminderRuleInline(admin.TabularInline):
    model = ReminderRule
    extra = 0


@admin.register(Event)
class EventAdmin(TranslationAdmin):
    # Django 6 makes https the default scheme for typed URLs; choose it now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "title",
        "event_type",
        "starts_local",
        "status",
        "audience",
        "capacity",
        "confirmed_count",
        "waiting_count",
    ]
    list_filter = ["status", "event_type", "series", "audience"]
    list_select_related = ["event_type"]
    search_fields = ["title_km", "title_en", "slug"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [ReminderRuleInline, RegistrationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "event_type", "series", "status", "audience"]}),
        (_("When and where"), {"fields": ["starts_at", "ends_at", "venue", "online_url"]}),
        (
            _("Registration"),
            {"fields": ["capacity", "registration_opens_at", "registration_closes_at"]},
        ),
        (_("Text"), {"fields": ["summary", "description"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_registration_counts()

    def save_model(self, request, obj, form, change):
        event_save(event=obj, changed_fields=form.changed_data if change else ())

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts_local(self, event):
        return format_date(event.starts_at, "datetime")

    @admin.display(description=_("confirmed"), ordering="confirmed_count")
    def confirmed_count(self, event):
        return event.confirmed_count

    @admin.display(description=_("waiting list"), ordering="waiting_count")
    def waiting_count(self, event):
        return event.waiting_count


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "event",
        "organisation_display",
        "status",
        "gender",
        "language",
        "created_at",
    ]
    list_filter = ["status", "gender", "language", "event__event_type", "event"]
    list_select_related = ["event", "organisation"]
    search_fields = [
        "full_name",
        "email",
        "organisation_name",
        "event__title_en",
        "event__title_km",
    ]
    autocomplete_fields = ["event", "organisation"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at", "cancelled_at"]

    @admin.display(description=_("organisation"))
    def organisation_display(self, registration):
        return registration.organisation_display


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    list_display = ["registration", "rule", "status", "claimed_at", "sent_at", "attempts"]
    list_filter = ["status"]
    list_select_related = ["registration__event", "rule"]
    search_fields = ["registration__email", "registration__full_name"]
    readonly_fields = [f.name for f in ReminderDelivery._meta.fields]

    def has_add_permission(self, request):
        return False
