"""Change history in the admin (django-simple-history), with a page listing deleted records so
that staff can find one and restore it from its history."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def get_urls(self):
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_deleted",
            )
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_deleted")
        return super().changelist_view(
            request, {**(extra_context or {}), "deleted_records_url": url}
        )

    def deleted_view(self, request):
        """Records deleted and not restored since: their last historical version."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        history = self.model.history
        live_ids = self.model._default_manager.values("pk")
        deletions = (
            history.filter(history_type="-")
            .exclude(id__in=live_ids)
            .select_related("history_user")
            .order_by("-history_date")[:200]
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Deleted %(name)s") % {"name": self.opts.verbose_name_plural},
            "deletions": deletions,
        }
        return TemplateResponse(request, "admin/history_deleted.html", context)
