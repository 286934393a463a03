"""The staff page that shows what the next retention run will anonymise (privacy.retention)."""

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from events.checkin_views import PERMISSION as CHECKIN_PERMISSION
from events.checkin_views import staff_with_permission

from .retention import retention_preview

# Who may edit registrations (as at the check-in desk) may see which of them are about to lose
# their personal data.
PERMISSION = CHECKIN_PERMISSION


@staff_with_permission
def retention_preview_view(request):
    """Counts only (by event), never a name: the next run's date, its cutoff and how many
    registrations of each event it will anonymise."""
    context = {
        **admin.site.each_context(request),
        "title": _("Personal data due for anonymisation"),
        "retention_months": settings.REGISTRATION_RETENTION_MONTHS,
        **retention_preview(),
    }
    return TemplateResponse(request, "privacy/retention_preview.html", context)
