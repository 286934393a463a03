"""The staff page that shows what the next retention run will anonymise (privacy.retention)."""

import functools

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .retention import retention_preview

# Who may edit registrations may see which of them are about to lose their personal data.
PERMISSION = "events.change_registration"


def staff_with_permission(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not (request.user.is_staff and request.user.has_perm(PERMISSION)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


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
