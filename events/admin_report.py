"""Public reports of past events in the admin: staff write the narrative in Khmer and English,
publish it, and preview the report as the public will see it (figures, organisations, photos)
before and after publishing. The rules are in events.public_report; saving goes through its
report_save, which also makes the web copies of the event's public photos."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin_localization import KhmerDigitsAdminMixin
from core.localization import format_date

from .models import Event, EventReport
from .public_report import report_context, report_save


@admin.register(EventReport)
class EventReportAdmin(KhmerDigitsAdminMixin, TranslationAdmin):
    list_display = ["event", "event_date", "is_published", "shown_to_public", "updated_at"]
    list_filter = ["is_published"]
    list_select_related = ["event"]
    search_fields = ["event__title_km", "event__title_en"]
    autocomplete_fields = ["event"]
    fields = ["event", "narrative", "is_published", "preview_link"]
    readonly_fields = ["preview_link"]

    @admin.display(description=_("event date"), ordering="event__starts_at")
    def event_date(self, report):
        return format_date(report.event.starts_at, "date")

    @admin.display(description=_("shown to the public"), boolean=True)
    def shown_to_public(self, report):
        return EventReport.objects.public().filter(pk=report.pk).exists()

    @admin.display(description=_("preview"))
    def preview_link(self, report):
        if report.pk is None:
            return gettext("Save the report to preview it.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:events_eventreport_preview", args=[report.pk]),
            gettext("See the report as the public will see it"),
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "event":
            # Built per request: a report is for an event the public can see.
            kwargs["queryset"] = Event.objects.published().order_by("-starts_at")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(request, context, *args, **kwargs)
        if request.method == "POST" and context["adminform"].form.errors:
            response.status_code = 400  # refused input: nothing was saved
        return response

    def save_model(self, request, obj, form, change):
        unreadable = report_save(report=obj)
        if unreadable:
            self.message_user(
                request,
                gettext("These photos could not be read and are not shown: %(titles)s")
                % {"titles": ", ".join(str(material) for material in unreadable)},
                messages.WARNING,
            )
        if obj.is_published and obj.event.ends_at >= timezone.now():
            self.message_user(
                request,
                gettext("The report is published: it will be shown once the event has ended."),
                messages.INFO,
            )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="events_eventreport_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        report = get_object_or_404(EventReport.objects.select_related("event"), pk=object_id)
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "events/report_preview.html",
            {
                **report_context(report),
                "event": report.event,
                "is_shown": EventReport.objects.public().filter(pk=report.pk).exists(),
                "change_url": reverse("admin:events_eventreport_change", args=[report.pk]),
            },
        )
