"""Admin pages for duplicating an event and generating a series' next occurrences.

Thin: the forms read what staff type (Khmer digits too), the services in events.recurrence
decide and write. Both pages need the right to add events (and to see the event or series).
EventAdmin routes to the duplicate page through recurrence_tools; EventSeriesAdmin takes its
recurrence fields' behaviour and the generate page from SeriesRecurrenceAdminMixin.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget, AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_localization import KhmerDigitsFormMixin
from core.localization import format_date, join_list

from .models import Event, EventSeries
from .recurrence import (
    MAX_OCCURRENCES,
    RecurrenceRefused,
    check_starts_in_future,
    event_duplicate,
    series_generate_next,
    series_next_dates,
    series_occurrences,
    series_template,
)


def _split_date_time():
    """The admin's date and time boxes, each named for a screen reader."""
    widget = AdminSplitDateTime()
    widget.widgets[0].attrs["aria-label"] = _("Date")
    widget.widgets[1].attrs["aria-label"] = _("Time")
    return widget


class DuplicateEventForm(KhmerDigitsFormMixin, forms.Form):
    starts_at = forms.SplitDateTimeField(
        label=_("New start"),
        widget=_split_date_time(),
        help_text=_(
            "The copy keeps the event's length, and its registration opens and closes as long "
            "before the new start as before the old one."
        ),
    )

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        try:
            check_starts_in_future(starts_at)
        except RecurrenceRefused as refusal:
            raise ValidationError(refusal.message, code=refusal.code) from None
        return starts_at


class GenerateOccurrencesForm(KhmerDigitsFormMixin, forms.Form):
    count = forms.IntegerField(
        label=_("How many dates"),
        min_value=1,
        max_value=MAX_OCCURRENCES,
        required=False,
        help_text=_(
            "The series' next dates from today, counting those that already have an event: "
            "only dates without one get a draft."
        ),
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=AdminDateWidget,
        help_text=_("Or every occurrence up to this day. Leave empty to count only."),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and cleaned.get("count") is None and cleaned.get("until") is None:
            raise ValidationError(_("Say how many occurrences, or until which day."))
        return cleaned


def _allowed(model_admin, request, obj):
    """Seeing `obj` and adding events, or 403."""
    if not (
        model_admin.has_view_permission(request, obj) and request.user.has_perm("events.add_event")
    ):
        raise PermissionDenied


def event_duplicate_view(model_admin, request, object_id):
    event = get_object_or_404(Event, pk=object_id)
    _allowed(model_admin, request, event)
    initial = {}
    if event.series is not None and event.series.has_recurrence:
        # Offered: the series' next date that has no event yet.
        try:
            free = [o for o in series_occurrences(series=event.series) if o.existing is None]
        except ValueError:  # a rule saved before it was checked
            free = []
        if free:
            initial["starts_at"] = free[0].starts_at
    form = DuplicateEventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            copy = event_duplicate(
                event=event, starts_at=form.cleaned_data["starts_at"], user=request.user
            )
        except RecurrenceRefused as refusal:
            form.add_error("starts_at", refusal.message)
        else:
            model_admin.message_user(
                request,
                gettext(
                    "A draft copy of the event on %(date)s is ready. Check it, then publish it."
                )
                % {"date": format_date(copy.starts_at, "datetime")},
                messages.SUCCESS,
            )
            return redirect("admin:events_event_change", copy.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "event": event,
        "form": form,
        "media": model_admin.media + form.media,
        "title": _("Duplicate the event"),
    }
    return TemplateResponse(request, "admin/events/event/duplicate.html", context)


def series_generate_view(model_admin, request, object_id):
    """GET: the form and the dates it would make (a preview that changes nothing); POST (the
    confirmation): make them."""
    series = get_object_or_404(EventSeries, pk=object_id)
    _allowed(model_admin, request, series)
    change_url = reverse("admin:events_eventseries_change", args=[series.pk])
    if request.method == "POST":
        form = GenerateOccurrencesForm(request.POST)
        if form.is_valid():
            return _generate(model_admin, request, series, form, change_url)
    else:
        asked = "count" in request.GET or "until" in request.GET
        form = GenerateOccurrencesForm(
            request.GET if asked else {"count": str(_first_missing(series))}
        )
    occurrences, problem = [], None
    if not series.has_recurrence:
        problem = gettext("This series has no recurrence rule or dates. Add them to the series.")
    elif form.is_valid():
        try:
            occurrences = series_occurrences(
                series=series, count=form.cleaned_data["count"], until=form.cleaned_data["until"]
            )
        except ValueError as error:  # a rule saved before it was checked
            problem = str(error)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "series": series,
        "form": form,
        "media": model_admin.media + form.media,
        "title": _("Generate next occurrences"),
        "change_url": change_url,
        "problem": problem,
        "template_event": series_template(series),
        "occurrences": occurrences,
        "to_create": [occurrence for occurrence in occurrences if occurrence.existing is None],
    }
    return TemplateResponse(request, "admin/events/eventseries/generate.html", context)


def _first_missing(series):
    """How many of the series' next dates reach the first one without an event (1 when
    unknown): what the page first offers to make, the next meeting."""
    try:
        occurrences = series_occurrences(series=series, count=MAX_OCCURRENCES)
    except ValueError:  # a rule saved before it was checked
        return 1
    for number, occurrence in enumerate(occurrences, start=1):
        if occurrence.existing is None:
            return number
    return 1


def _generate(model_admin, request, series, form, change_url):
    try:
        created = series_generate_next(
            series=series,
            count=form.cleaned_data["count"],
            until=form.cleaned_data["until"],
            user=request.user,
        )
    except (RecurrenceRefused, ValueError) as refusal:
        model_admin.message_user(request, getattr(refusal, "message", str(refusal)), messages.ERROR)
        return redirect(change_url)
    if not created:
        model_admin.message_user(
            request,
            gettext("Nothing new: every one of these dates already has an event of the series."),
            messages.WARNING,
        )
        return redirect(change_url)
    model_admin.message_user(
        request,
        ngettext(
            "%(count)d draft made, on %(dates)s. Check it, then publish it.",
            "%(count)d drafts made, on %(dates)s. Check them, then publish them.",
            len(created),
        )
        % {
            "count": len(created),
            "dates": join_list([format_date(event.starts_at, "date") for event in created]),
        },
        messages.SUCCESS,
    )
    changelist = reverse("admin:events_event_changelist")
    return redirect(
        f"{changelist}?series__id__exact={series.pk}&status__exact={Event.Status.DRAFT}"
    )


def recurrence_tools(model_admin):
    """(name, view) pairs for EventAdmin.get_urls' tools."""

    def duplicate_view(request, object_id):
        return event_duplicate_view(model_admin, request, object_id)

    return [("duplicate", duplicate_view)]


class SeriesRecurrenceAdminMixin:
    """For EventSeriesAdmin: the event to copy is chosen among the series' events, the next
    dates are shown under the rule, and a button leads to "Generate next occurrences"."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "recurrence_template" in form.base_fields:
            events = obj.events.order_by("-starts_at") if obj else Event.objects.none()
            form.base_fields["recurrence_template"].queryset = events
        return form

    @admin.display(description=_("next dates"))
    def next_dates(self, series):
        try:
            dates = series_next_dates(series, timezone.now(), 3) if series.pk else []
        except ValueError:  # a rule saved before it was checked
            dates = []
        if not dates:
            return "—"
        return join_list([format_date(value, "long") for value in dates])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_generate": request.user.has_perm("events.add_event"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        def generate_view(request, object_id):
            return series_generate_view(self, request, object_id)

        return [
            path(
                "<path:object_id>/generate/",
                self.admin_site.admin_view(generate_view),
                name="events_eventseries_generate",
            )
        ] + super().get_urls()
