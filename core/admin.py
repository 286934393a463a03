"""The admin of staff jobs: how far each long action has got, refreshed while one runs."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import StaffJob


@admin.register(StaffJob)
class StaffJobAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [
        "title", "status", "progress", "outcome", "created_by", "created_at", "finished_at",
    ]  # fmt: skip
    fields = readonly_fields
    change_form_template = "admin/core/staffjob/change_form.html"
    change_list_template = "admin/core/staffjob/change_list.html"

    @admin.display(description=_("progress"))
    def progress(self, job):
        return format_html(
            '<progress max="100" value="{}" aria-label="{}">{}%</progress> {} / {}',
            job.percent,
            _("progress"),
            job.percent,
            job.current_done,
            job.total,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _refresh_context(self, extra_context):
        running = StaffJob.objects.filter(
            status__in=[StaffJob.Status.QUEUED, StaffJob.Status.RUNNING]
        ).exists()
        return {**(extra_context or {}), "refresh_seconds": 3 if running else None}

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, self._refresh_context(extra_context))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request, object_id, form_url, self._refresh_context(extra_context)
        )
