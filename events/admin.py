from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from ccc_portal.localization import format_date
from members.history import HistoryAdmin
from members.spreadsheets import SpreadsheetExportMixin

from .admin_forms import MessageRegistrantsForm
from .models import (
    DefaultReminder,
    Event,
    EventSeries,
    EventType,
    Registration,
    RegistrationNotice,
    ReminderDelivery,
    ReminderRule,
)
from .reports import event_participation
from .resources import EventResource, RegistrationResource
from .services import (
    event_message_registrants,
    event_people_to_tell,
    event_save,
    registration_cancel,
    registration_confirm_from_waiting_list,
    registrations_mark_attended,
)


class DefaultReminderInline(admin.TabularInline):
    model = DefaultReminder
    extra = 0


@admin.register(EventType)
class EventTypeAdmin(TranslationAdmin):
    inlines = [DefaultReminderInline]
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
class EventAdmin(SpreadsheetExportMixin, HistoryAdmin, TranslationAdmin):
    resource_classes = [EventResource]
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
        "reminders",
    ]
    list_filter = ["status", "event_type", "series", "audience"]
    list_select_related = ["event_type"]
    search_fields = ["title_km", "title_en", "slug"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [ReminderRuleInline, RegistrationInline]
    change_form_template = "admin/events/event/change_form.html"
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
        return super().get_queryset(request).with_registration_counts().with_reminder_counts()

    @admin.display(description=_("reminders sent / pending / failed"))
    def reminders(self, event):
        return f"{event.reminders_sent} / {event.reminders_pending} / {event.reminders_failed}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        event = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "people_to_tell": event_people_to_tell(event) if event else 0,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        event_save(event=obj, changed_fields=form.changed_data if change else ())

    def get_urls(self):
        tools = [
            ("sign-in-sheet", self.sign_in_sheet_view),
            ("participation", self.participation_view),
            ("message", self.message_view),
        ]
        return [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(view),
                name=f"events_event_{name.replace('-', '_')}",
            )
            for name, view in tools
        ] + super().get_urls()

    def _event_for(self, request, object_id, *, change=False):
        event = get_object_or_404(Event, pk=object_id)
        allowed = self.has_change_permission if change else self.has_view_permission
        if not allowed(request, event):
            raise PermissionDenied
        return event

    def sign_in_sheet_view(self, request, object_id):
        event = self._event_for(request, object_id)
        registrations = (
            event.registrations.filter(
                status__in=[Registration.Status.CONFIRMED, Registration.Status.ATTENDED]
            )
            .select_related("organisation")
            .order_by("full_name")
        )
        return TemplateResponse(
            request,
            "admin/events/event/sign_in_sheet.html",
            {"event": event, "registrations": registrations},
        )

    def participation_view(self, request, object_id):
        event = self._event_for(request, object_id)
        figures = event_participation(event)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "event": event,
            "title": _("Participation"),
            "figures": figures,
        }
        return TemplateResponse(request, "admin/events/event/participation.html", context)

    def message_view(self, request, object_id):
        event = self._event_for(request, object_id, change=True)
        form = MessageRegistrantsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            count = event_message_registrants(
                event=event,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                statuses=form.cleaned_data["recipients"],
                user=request.user,
            )
            self.message_user(
                request,
                ngettext(
                    "The message is on its way to %(count)d person.",
                    "The message is on its way to %(count)d people.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
            return redirect("admin:events_event_change", event.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "event": event,
            "form": form,
            "title": _("Write to registrants"),
        }
        return TemplateResponse(request, "admin/events/event/message.html", context)

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts_local(self, event):
        return format_date(event.starts_at, "datetime")

    @admin.display(description=_("confirmed"), ordering="confirmed_count")
    def confirmed_count(self, event):
        return event.confirmed_count

    @admin.display(description=_("waiting list"), ordering="waiting_count")
    def waiting_count(self, event):
        return event.waiting_count


class OutboxInline(admin.TabularInline):
    extra = 0
    can_delete = False
    readonly_fields = ["status", "created_at", "sent_at", "attempts", "error"]

    def has_add_permission(self, request, obj=None):
        return False


class RegistrationNoticeInline(OutboxInline):
    model = RegistrationNotice
    fields = ["kind", *OutboxInline.readonly_fields]
    readonly_fields = ["kind", *OutboxInline.readonly_fields]


class ReminderDeliveryInline(OutboxInline):
    model = ReminderDelivery
    fields = ["rule", *OutboxInline.readonly_fields]
    readonly_fields = ["rule", *OutboxInline.readonly_fields]


@admin.register(Registration)
class RegistrationAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    inlines = [RegistrationNoticeInline, ReminderDeliveryInline]
    resource_classes = [RegistrationResource]
    actions = ["mark_attended", "confirm_from_waiting_list", "cancel_registrations"]
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

    @admin.action(description=_("Mark as attended"), permissions=["change"])
    def mark_attended(self, request, queryset):
        count = registrations_mark_attended(registrations=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d registration marked as attended.",
                "%(count)d registrations marked as attended.",
                count,
            )
            % {"count": count},
        )

    @admin.action(description=_("Move from the waiting list to confirmed"), permissions=["change"])
    def confirm_from_waiting_list(self, request, queryset):
        count = sum(
            registration_confirm_from_waiting_list(registration=registration)
            for registration in queryset.filter(status=Registration.Status.WAITING)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d registration confirmed.", "%(count)d registrations confirmed.", count
            )
            % {"count": count},
        )

    @admin.action(
        description=_("Cancel (frees the seat for the waiting list)"), permissions=["change"]
    )
    def cancel_registrations(self, request, queryset):
        active = queryset.exclude(status=Registration.Status.CANCELLED)
        count = 0
        for registration in active:
            registration_cancel(registration=registration)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d registration cancelled.", "%(count)d registrations cancelled.", count
            )
            % {"count": count},
        )


# The outbox admins live in their own module; importing it registers them.
from . import admin_outbox  # noqa: E402,F401
