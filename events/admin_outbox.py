"""Staff views of the outbox: every email owed, its state, and "send again"."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.admin_outbox import OUTBOX_FIELDS, OutboxAdmin

from .models import (
    EventMessage,
    EventMessageDelivery,
    Registration,
    RegistrationNotice,
    ReminderDelivery,
    TelegramMessage,
)


class RegistrantOutboxAdmin(OutboxAdmin):
    list_select_related = ["registration__event"]
    search_fields = ["registration__email", "registration__full_name"]

    @admin.display(description=_("event"))
    def event(self, row):
        return row.registration.event


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(RegistrantOutboxAdmin):
    list_display = ["registration", "event", "rule", "status", "sent_at", "attempts", "error"]
    list_select_related = ["registration__event", "rule"]
    readonly_fields = ["registration", "rule", *OUTBOX_FIELDS]


@admin.register(RegistrationNotice)
class RegistrationNoticeAdmin(RegistrantOutboxAdmin):
    list_display = ["registration", "event", "kind", "status", "sent_at", "attempts", "error"]
    list_filter = ["status", "kind"]
    readonly_fields = ["registration", "kind", *OUTBOX_FIELDS]


@admin.register(TelegramMessage)
class TelegramMessageAdmin(RegistrantOutboxAdmin):
    list_display = ["registration", "event", "kind", "status", "sent_at", "attempts", "error"]
    list_filter = ["status", "kind"]
    readonly_fields = ["registration", "chat", "kind", *OUTBOX_FIELDS]


@admin.register(EventMessageDelivery)
class EventMessageDeliveryAdmin(RegistrantOutboxAdmin):
    list_display = ["email", "registration", "message", "status", "sent_at", "attempts", "error"]
    list_select_related = ["registration__event", "message"]
    readonly_fields = ["message", "registration", *OUTBOX_FIELDS]

    @admin.display(description=_("email"), ordering="registration__email")
    def email(self, row):
        return row.registration.email


class EventMessageDeliveryInline(admin.TabularInline):
    """Each address the message went to, in its reader's language, and how far it got."""

    model = EventMessageDelivery
    extra = 0
    can_delete = False
    fields = ["email", "language", "status", "sent_at", "attempts", "error"]
    readonly_fields = fields
    verbose_name_plural = _("Each address")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("registration")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("email"))
    def email(self, row):
        return row.registration.email

    @admin.display(description=_("preferred language"))
    def language(self, row):
        return row.registration.get_language_display()


@admin.register(EventMessage)
class EventMessageAdmin(admin.ModelAdmin):
    """What staff wrote to registrants, and how far each message got, address by address."""

    list_display = ["subject", "event", "created_at", "sent_by", "sent", "pending", "failed"]
    list_select_related = ["event", "sent_by"]
    search_fields = ["subject_km", "subject_en", "event__title_km", "event__title_en"]
    readonly_fields = [
        "event", "subject_km", "body_km", "subject_en", "body_en", "sent_to", "sent_by",
        "created_at", "sent", "pending", "failed", "deliveries",
    ]  # fmt: skip
    fields = readonly_fields
    inlines = [EventMessageDeliveryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_delivery_counts()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=pgettext_lazy("number of emails", "sent"), ordering="sent_count")
    def sent(self, message):
        return message.sent_count

    @admin.display(description=_("still to send"), ordering="pending_count")
    def pending(self, message):
        return message.pending_count

    @admin.display(description=_("failed"), ordering="failed_count")
    def failed(self, message):
        return message.failed_count

    @admin.display(description=_("sent to"))
    def sent_to(self, message):
        labels = dict(Registration.Status.choices)
        return ", ".join(str(labels.get(status, status)) for status in message.statuses)

    @admin.display(description=_("emails"))
    def deliveries(self, message):
        """A link to this message's emails, address by address, where failed ones can be
        sent again."""
        url = reverse("admin:events_eventmessagedelivery_changelist")
        return format_html(
            '<a href="{}?{}">{}</a> · <a href="{}?{}">{}</a>',
            url,
            urlencode({"message": message.pk}),
            _("Every address"),
            url,
            urlencode({"message": message.pk, "status__exact": "failed"}),
            _("Failed addresses"),
        )
