"""Staff view of the MoU digest's outbox: each address's copy, its state, and "send again"."""

from django.contrib import admin

from core.admin_outbox import OUTBOX_FIELDS, OutboxAdmin

from .models import MoUDigestDelivery


@admin.register(MoUDigestDelivery)
class MoUDigestDeliveryAdmin(OutboxAdmin):
    list_display = ["week", "recipient", "status", "sent_at", "attempts", "error"]
    list_filter = ["status", "week"]
    search_fields = ["recipient"]
    readonly_fields = ["digest", "week", "recipient", "language", *OUTBOX_FIELDS]
