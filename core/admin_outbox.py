"""The admin of an outbox: every email owed, its state and the server's last answer, and
"Send again". Each app's outbox admin extends it with what its emails are about."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox

OUTBOX_FIELDS = [
    "status", "created_at", "next_attempt_at", "claimed_at", "sent_at", "attempts", "error",
]  # fmt: skip


class OutboxAdmin(admin.ModelAdmin):
    list_filter = ["status"]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again"), permissions=["view"])
    def send_again(self, request, queryset):
        count = outbox.resend(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d email will be sent again within a minute.",
                "%(count)d emails will be sent again within a minute.",
                count,
            )
            % {"count": count},
        )
