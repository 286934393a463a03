"""Staff views of the outbox: every email owed, its state, and "send again"."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import RegistrationNotice, ReminderDelivery
from .services import outbox_resend


class OutboxAdmin(admin.ModelAdmin):
    list_filter = ["status"]
    list_select_related = ["registration__event"]
    search_fields = ["registration__email", "registration__full_name"]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("event"))
    def event(self, row):
        return row.registration.event

    @admin.action(description=_("Send again"), permissions=["view"])
    def send_again(self, request, queryset):
        count = outbox_resend(rows=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d email will be sent again within a minute.",
                "%(count)d emails will be sent again within a minute.",
                count,
            )
            % {"count": count},
        )


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(OutboxAdmin):
    list_display = ["registration", "event", "rule", "status", "sent_at", "attempts", "error"]
    list_select_related = ["registration__event", "rule"]
    readonly_fields = [
        "registration", "rule", "status", "created_at", "next_attempt_at", "claimed_at",
        "sent_at", "attempts", "error",
    ]  # fmt: skip


@admin.register(RegistrationNotice)
class RegistrationNoticeAdmin(OutboxAdmin):
    list_display = ["registration", "event", "kind", "status", "sent_at", "attempts", "error"]
    list_filter = ["status", "kind"]
    readonly_fields = [
        "registration", "kind", "status", "created_at", "next_attempt_at", "claimed_at",
        "sent_at", "attempts", "error",
    ]  # fmt: skip
