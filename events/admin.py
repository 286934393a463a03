from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin_history import HistoryAdmin
from core.admin_localization import KhmerDigitsAdminMixin, KhmerDigitsInlineMixin
from core.admin_spreadsheets import SpreadsheetExportMixin
from core.localization import format_date, local_digits

from .admin_approval import ApprovalActionsMixin, registrant_names
from .admin_certificates import certificate_tools
from .admin_exports import registrants_xlsx_view, sign_in_sheet_pdf_view
from .admin_filters import EVENT_ORDERING, EventWhenFilter, RegistrationEventFilter
from .admin_forms import (
    REGISTRANT_FIELDS,
    DefaultReminderForm,
    RegistrationAdminForm,
    ReminderRuleForm,
)
from .admin_invitations import invitation_tools
from .admin_materials import EventMaterialInline
from .admin_messages import EventMessagesMixin
from .admin_questions import (
    EventQuestionInline,
    RegistrationAddWithQuestionsForm,
    RegistrationAnswersAdminMixin,
    TemplateQuestionInline,
    question_add_fieldsets,
)
from .admin_recurrence import SeriesRecurrenceAdminMixin, recurrence_tools
from .admin_reports import donor_figures_view
from .models import (
    DefaultReminder,
    Event,
    EventSeries,
    EventType,
    Registration,
    RegistrationNotice,
    ReminderDelivery,
    ReminderRule,
    TelegramMessage,
)
from .photos import event_photos_refresh
from .reports import event_participation
from .resources import EventResource, RegistrationResource
from .services import (
    RegistrationRefused,
    event_apply_default_reminders,
    event_people_to_tell,
    event_save,
    registration_create,
    registrations_cancel,
    registrations_cancel_preview,
    registrations_confirm_from_waiting_list,
    registrations_confirm_preview,
    registrations_mark_attended,
    registrations_undo_attended,
)


class DefaultReminderInline(KhmerDigitsInlineMixin, admin.TabularInline):
    model = DefaultReminder
    form = DefaultReminderForm
    extra = 0


@admin.register(EventType)
class EventTypeAdmin(KhmerDigitsAdminMixin, TranslationAdmin):
    inlines = [DefaultReminderInline, TemplateQuestionInline]
    list_display = ["name_km", "name_en", "slug", "colour"]
    search_fields = ["name_km", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(EventSeries)
class EventSeriesAdmin(KhmerDigitsAdminMixin, SeriesRecurrenceAdminMixin, TranslationAdmin):
    list_display = ["name_km", "name_en", "event_type", "recurrence_rule"]
    list_filter = ["event_type"]
    search_fields = ["name_km", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}
    change_form_template = "admin/events/eventseries/change_form.html"
    fieldsets = [
        (None, {"fields": ["name", "slug", "event_type", "description"]}),
        (
            _("Recurrence"),
            {
                "fields": [
                    "recurrence_rule",
                    "recurrence_starts_at",
                    "recurrence_dates",
                    "recurrence_template",
                    "next_dates",
                ],
                "description": _(
                    "When the series meets. “Generate next occurrences” (the button above) "
                    "makes drafts on the next dates, each a copy of the event to copy."
                ),
            },
        ),
    ]
    readonly_fields = ["next_dates"]


def over_capacity_display(registration):
    if registration.capacity_override_at is None:
        return "—"
    user = registration.capacity_override_by
    name = (user.get_full_name() or user.get_username()) if user else gettext("a deleted account")
    return gettext("Yes, by %(user)s on %(when)s") % {
        "user": name,
        "when": format_date(registration.capacity_override_at, "datetime"),
    }


class RegistrationInline(KhmerDigitsInlineMixin, admin.TabularInline):
    """Contact details can be corrected here; the status only changes through the actions on
    the registrations list, and people are added through the registration form (both go
    through the services, which keep the capacity and send the emails)."""

    model = Registration
    form = RegistrationAdminForm
    extra = 0
    fields = [
        "full_name",
        "organisation",
        "organisation_name",
        "email",
        "status",
        "over_capacity",
        "language",
    ]
    readonly_fields = ["status", "over_capacity"]
    autocomplete_fields = ["organisation"]
    show_change_link = True
    can_delete = False
    template = "admin/events/event/registration_inline.html"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("confirmed over capacity"))
    def over_capacity(self, registration):
        return over_capacity_display(registration)


class ReminderRuleInline(KhmerDigitsInlineMixin, admin.TabularInline):
    model = ReminderRule
    form = ReminderRuleForm
    extra = 0


@admin.register(Event)
class EventAdmin(
    EventMessagesMixin,
    KhmerDigitsAdminMixin,
    SpreadsheetExportMixin,
    HistoryAdmin,
    TranslationAdmin,
):
    resource_classes = [EventResource]
    # Django 6 makes https the default scheme for typed URLs; choose it now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Type and audience are filters only: the list fits a 1,280-pixel screen in Khmer.
    list_display = [
        "title",
        "starts_local",
        "status",
        "capacity",
        "confirmed_count",
        "waiting_count",
        "reminders",
    ]
    list_filter = [EventWhenFilter, "status", "event_type", "series", "audience"]
    ordering = EVENT_ORDERING
    list_select_related = ["event_type"]
    search_fields = ["title_km", "title_en", "slug"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [ReminderRuleInline, EventMaterialInline, EventQuestionInline, RegistrationInline]
    change_form_template = "admin/events/event/change_form.html"
    change_list_template = "admin/events/event/change_list.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "event_type", "series", "status", "audience"]}),
        (_("When and where"), {"fields": ["starts_at", "ends_at", "venue", "online_url"]}),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    "registration_opens_at",
                    "registration_closes_at",
                    "requires_approval",
                    "offer_window_hours",
                    "by_invitation",
                ]
            },
        ),
        (_("Text"), {"fields": ["summary", "description"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_registration_counts().with_reminder_counts()

    @admin.display(description=_("reminders sent / pending / failed"))
    def reminders(self, event):
        return local_digits(
            f"{event.reminders_sent} / {event.reminders_pending} / {event.reminders_failed}"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        event = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "people_to_tell": event_people_to_tell(event) if event else 0,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_inlines(self, request, obj):
        # A new event has no registrations yet; they are added once it is saved.
        if obj is None:
            return [ReminderRuleInline]
        return self.inlines

    def save_model(self, request, obj, form, change):
        event_save(
            event=obj,
            changed_fields=form.changed_data if change else (),
            default_reminders=False,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Public report: web copies of the public photos just saved, none of the others.
        unreadable = event_photos_refresh(event=form.instance)
        if unreadable:
            self.message_user(
                request,
                gettext("These photos could not be read and are not shown: %(titles)s")
                % {"titles": ", ".join(map(str, unreadable))},
                messages.WARNING,
            )
        if change:
            return
        # Only now are the reminders staff typed in saved: the type's defaults are for an event
        # that has none of its own.
        added = event_apply_default_reminders(event=form.instance)
        if added:
            self.message_user(
                request,
                ngettext(
                    "The event had no reminders, so it got its type's default reminder. "
                    "You can change it on the event.",
                    "The event had no reminders, so it got its type's %(count)d default "
                    "reminders. You can change them on the event.",
                    len(added),
                )
                % {"count": len(added)},
            )

    def get_urls(self):
        tools = [
            ("sign-in-sheet", self.sign_in_sheet_view),
            ("participation", self.participation_view),
            ("message", self.message_view),
            *certificate_tools(self),
            *invitation_tools(self),
            *recurrence_tools(self),
            ("registrants-xlsx", registrants_xlsx_view),
            ("sign-in-sheet-pdf", sign_in_sheet_pdf_view),
        ]
        donor_figures = path(
            "donor-figures/",
            self.admin_site.admin_view(lambda request: donor_figures_view(request, self)),
            name="events_event_donor_figures",
        )
        urls = [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(view),
                name=f"events_event_{name.replace('-', '_')}",
            )
            for name, view in tools
        ] + super().get_urls()
        return [donor_figures, *urls]

    def _event_for(self, request, object_id, *, change=False):
        event = get_object_or_404(Event, pk=object_id)
        allowed = self.has_change_permission if change else self.has_view_permission
        if not allowed(request, event):
            raise PermissionDenied
        return event

    def sign_in_sheet_view(self, request, object_id):
        event = self._event_for(request, object_id)
        if not request.user.has_perm("events.view_registration"):
            raise PermissionDenied
        registrations = (
            event.registrations.seat_holding().select_related("organisation").order_by("full_name")
        )
        return TemplateResponse(
            request,
            "admin/events/event/sign_in_sheet.html",
            {"event": event, "registrations": registrations},
        )

    def participation_view(self, request, object_id):
        event = self._event_for(request, object_id)
        figures = event_participation(event)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "event": event,
            "title": _("Participation"),
            "figures": figures,
        }
        return TemplateResponse(request, "admin/events/event/participation.html", context)

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts_local(self, event):
        return format_date(event.starts_at, "datetime")

    @admin.display(description=_("confirmed"), ordering="confirmed_count")
    def confirmed_count(self, event):
        return event.confirmed_count

    @admin.display(description=_("waiting list"), ordering="waiting_count")
    def waiting_count(self, event):
        return event.waiting_count


class OutboxInline(admin.TabularInline):
    extra = 0
    can_delete = False
    readonly_fields = ["status", "created_at", "sent_at", "attempts", "error"]

    def has_add_permission(self, request, obj=None):
        return False


class RegistrationNoticeInline(OutboxInline):
    model = RegistrationNotice
    fields = ["kind", *OutboxInline.readonly_fields]
    readonly_fields = ["kind", *OutboxInline.readonly_fields]


class ReminderDeliveryInline(OutboxInline):
    model = ReminderDelivery
    fields = ["rule", *OutboxInline.readonly_fields]
    readonly_fields = ["rule", *OutboxInline.readonly_fields]


class TelegramMessageInline(OutboxInline):
    """The same news on Telegram, beside the emails, for registrants who opted in."""

    model = TelegramMessage
    fields = ["kind", *OutboxInline.readonly_fields]
    readonly_fields = ["kind", *OutboxInline.readonly_fields]


@admin.register(Registration)
class RegistrationAdmin(
    RegistrationAnswersAdminMixin,  # the event's questions and the answers (admin_questions)
    ApprovalActionsMixin,
    KhmerDigitsAdminMixin,
    SpreadsheetExportMixin,
    admin.ModelAdmin,
):
    """Registrations are written by the services: the add form goes through
    registration_create, and the status changes only through the actions below. They are
    cancelled, never deleted here: a deletion would free a seat without promoting anyone."""

    inlines = [RegistrationNoticeInline, ReminderDeliveryInline, TelegramMessageInline]
    resource_classes = [RegistrationResource]
    actions = [
        "approve_registrations",
        "reject_registrations",
        "confirm_from_waiting_list",
        "cancel_registrations",
        "mark_attended",
        "undo_attended",
    ]
    list_display = [
        "full_name",
        "event",
        "organisation_display",
        "status",
        "over_capacity",
        "gender",
        "language",
        "created_at",
    ]
    list_filter = [
        "status",
        "membership_proof",
        "gender",
        "language",
        "event__event_type",
        ("anonymised_at", admin.EmptyFieldListFilter),
        RegistrationEventFilter,
    ]
    list_select_related = ["event", "organisation", "capacity_override_by"]
    search_fields = [
        "full_name",
        "email",
        "organisation_name",
        "event__title_en",
        "event__title_km",
    ]
    autocomplete_fields = ["event", "organisation"]
    date_hierarchy = "created_at"
    form = RegistrationAdminForm
    add_form = RegistrationAddWithQuestionsForm
    add_fieldsets = [
        (
            None,
            {
                "fields": ["event", *REGISTRANT_FIELDS],
                "description": _(
                    "The person is confirmed if the event has a free seat, otherwise put on "
                    "the waiting list, and told by email either way."
                ),
            },
        ),
        (_("Capacity"), {"fields": ["capacity_override"]}),
    ]
    fieldsets = [
        (
            None,
            {
                "fields": ["event", "status", *REGISTRANT_FIELDS],
                "description": _(
                    "The status changes only through the actions on the list of registrations "
                    "(confirm from the waiting list, cancel, mark attended), so that the "
                    "capacity, the waiting list and the emails follow the rules."
                ),
            },
        ),
        (_("Answers"), {"fields": ["answers_given"]}),
        (
            _("History"),
            {
                "fields": [
                    "created_at",
                    "updated_at",
                    "cancelled_at",
                    "over_capacity",
                    "membership_proof",
                    "registered_by",
                    "telegram_chat",
                    "anonymised_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "event",
        "status",
        "membership_proof",
        "registered_by",
        "telegram_chat",
        "created_at",
        "updated_at",
        "cancelled_at",
        "over_capacity",
        "answers_given",
        "anonymised_at",
    ]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("organisation"))
    def organisation_display(self, registration):
        return registration.organisation_display

    @admin.display(description=_("confirmed over capacity"))
    def over_capacity(self, registration):
        return over_capacity_display(registration)

    # --- Adding: through registration_create -----------------------------------------------

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # the chosen event's questions follow the person's details
            return [*self.add_fieldsets, *question_add_fieldsets(request)]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # An anonymised registration is kept for the figures only: no personal data goes back.
        if obj.anonymised_at:
            return [*self.readonly_fields, *REGISTRANT_FIELDS]
        return self.readonly_fields

    def get_inlines(self, request, obj):
        return () if obj is None else self.inlines

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except RegistrationRefused as refusal:
            # The event changed between the form's check and the save (rare): nothing saved.
            self.message_user(request, refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        outcome = registration_create(
            event=form.cleaned_data["event"],
            data=form.cleaned_data,
            added_by=request.user,
            capacity_override=form.cleaned_data["capacity_override"],
        )
        if not outcome.created:  # the same email added twice at once
            raise RegistrationRefused(
                _("This email address is already registered for this event."), "exists"
            )
        registration = outcome.registration
        # The admin goes on with `obj` (its history entry, the redirect): make it the saved one.
        for field in Registration._meta.concrete_fields:
            setattr(obj, field.attname, getattr(registration, field.attname))
        obj._state.adding = False
        obj._state.db = registration._state.db
        if registration.capacity_override_at:
            self.message_user(
                request,
                gettext(
                    "%(name)s is confirmed beyond the capacity and told by email; your name is "
                    "recorded on the registration."
                )
                % {"name": registration.full_name},
                messages.WARNING,
            )
        elif registration.status == Registration.Status.CONFIRMED:
            self.message_user(
                request,
                gettext("%(name)s is confirmed and told by email.")
                % {"name": registration.full_name},
            )
        else:
            self.message_user(
                request,
                gettext(
                    "The event is full: %(name)s is on the waiting list in position "
                    "%(position)d and told by email."
                )
                % {"name": registration.full_name, "position": registration.waiting_position()},
                messages.WARNING,
            )

    # --- Status changes: actions that call the services ------------------------------------

    def _confirmation_page(self, request, queryset, action, **context):
        """An intermediate page, like Django's "delete selected" confirmation, that posts the
        same action back with post=yes."""
        return TemplateResponse(
            request,
            f"admin/events/registration/{action}.html",
            {
                "action_name": action,
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "media": self.media,
                "queryset": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                **context,
            },
        )

    @admin.action(description=_("Move from the waiting list to confirmed"), permissions=["change"])
    def confirm_from_waiting_list(self, request, queryset):
        if request.POST.get("post") == "yes":
            override_by = request.user if request.POST.get("capacity_override") else None
            outcome = registrations_confirm_from_waiting_list(
                registrations=queryset, override_by=override_by
            )
            self._report_confirmed(request, outcome)
            return None
        people = list(queryset.select_related("event").order_by("event", "created_at", "pk"))
        preview = registrations_confirm_preview(registrations=queryset)
        to_confirm = {registration.pk for registration in preview.confirmed}
        full = {registration.pk for registration in preview.full}
        return self._confirmation_page(
            request,
            queryset,
            "confirm_from_waiting_list",
            title=_("Move from the waiting list to confirmed"),
            to_confirm=[person for person in people if person.pk in to_confirm],
            full=[person for person in people if person.pk in full],
            left_alone=[person for person in people if person.pk not in to_confirm | full],
        )

    def _report_confirmed(self, request, outcome):
        confirmed = [r for r in outcome.confirmed if r not in outcome.over_capacity]
        if confirmed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration confirmed; %(names)s is told by email.",
                    "%(count)d registrations confirmed; %(names)s are told by email.",
                    len(confirmed),
                )
                % {"count": len(confirmed), "names": registrant_names(confirmed)},
            )
        if outcome.over_capacity:
            self.message_user(
                request,
                ngettext(
                    "%(names)s is confirmed beyond the capacity and told by email; your name "
                    "is recorded on the registration.",
                    "%(names)s are confirmed beyond the capacity and told by email; your name "
                    "is recorded on each registration.",
                    len(outcome.over_capacity),
                )
                % {"names": registrant_names(outcome.over_capacity)},
                messages.WARNING,
            )
        if outcome.full:
            self.message_user(
                request,
                ngettext(
                    "%(names)s stays on the waiting list: the event is full.",
                    "%(names)s stay on the waiting list: the event is full.",
                    len(outcome.full),
                )
                % {"names": registrant_names(outcome.full)},
                messages.WARNING,
            )
        if not outcome.confirmed and not outcome.full:
            self.message_user(
                request, gettext("Nobody selected is on the waiting list."), messages.WARNING
            )

    @admin.action(
        description=_("Cancel (frees the seat for the waiting list)"), permissions=["change"]
    )
    def cancel_registrations(self, request, queryset):
        if request.POST.get("post") == "yes":
            outcome = registrations_cancel(registrations=queryset)
            self._report_cancelled(request, outcome)
            return None
        people = list(queryset.select_related("event").order_by("event", "created_at", "pk"))
        preview = registrations_cancel_preview(registrations=queryset)
        to_cancel = {registration.pk for registration in preview.cancelled}
        return self._confirmation_page(
            request,
            queryset,
            "cancel_registrations",
            title=_("Cancel registrations"),
            to_cancel=[person for person in people if person.pk in to_cancel],
            promoted=preview.promoted,
            left_alone=[person for person in people if person.pk not in to_cancel],
        )

    def _report_cancelled(self, request, outcome):
        if not outcome.cancelled:
            self.message_user(
                request,
                gettext("Nothing to cancel: the selected registrations were already cancelled."),
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d registration cancelled; the person is told by email.",
                "%(count)d registrations cancelled; each person is told by email.",
                len(outcome.cancelled),
            )
            % {"count": len(outcome.cancelled)},
        )
        offered = [r for r in outcome.promoted if r.status == Registration.Status.OFFERED]
        promoted = [r for r in outcome.promoted if r not in offered]
        if promoted:
            self.message_user(
                request,
                ngettext(
                    "%(names)s was promoted from the waiting list and told by email.",
                    "%(names)s were promoted from the waiting list and told by email.",
                    len(promoted),
                )
                % {"names": registrant_names(promoted)},
            )
        if offered:
            self.message_user(
                request,
                ngettext(
                    "%(names)s was offered the freed seat by email, to accept in time.",
                    "%(names)s were offered the freed seats by email, to accept in time.",
                    len(offered),
                )
                % {"names": registrant_names(offered)},
            )
        if not outcome.promoted:
            self.message_user(request, gettext("Nobody was promoted from the waiting list."))

    @admin.action(description=_("Mark as attended"), permissions=["change"])
    def mark_attended(self, request, queryset):
        count = registrations_mark_attended(registrations=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d registration marked as attended.",
                "%(count)d registrations marked as attended.",
                count,
            )
            % {"count": count},
        )

    @admin.action(description=_("Undo “attended” (back to confirmed)"), permissions=["change"])
    def undo_attended(self, request, queryset):
        count = registrations_undo_attended(registrations=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d registration back to confirmed.",
                "%(count)d registrations back to confirmed.",
                count,
            )
            % {"count": count},
        )


# The outbox admins and the public reports' admin live in their own modules; importing them
# registers them.
from . import admin_outbox, admin_report  # noqa: E402,F401
