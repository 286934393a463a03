"""Invitations in the event's admin (events.invitations has the rules): one page with how
many invitees registered, declined or have not answered, the list of invitees, and the form to
invite more by pasting addresses or picking contacts, organisations (their main contacts) and
provincial networks (their focal persons); and the one reminder, after a page that says who
will get it. EventAdmin.get_urls wires these in; the outbox of the emails is registered here.

Seeing the page needs the right to view invitations; inviting, to add them; reminding, to
change them. Picking contacts or networks also needs the right to view those (event
coordinators may pick organisations, and paste addresses).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_outbox import OUTBOX_FIELDS, OutboxAdmin
from core.localization import join_list
from members.models import Contact, Organisation
from networks.models import ProvincialNetwork

from .invitations import (
    InvitationRefused,
    invitation_counts,
    invitations_create,
    invitations_refusal,
    invitations_remind,
    invitees_from_text,
    invitees_picked,
)
from .models import Event, EventInvitation, InvitationDelivery, Registration

VIEW_PERMISSION = "events.view_eventinvitation"
INVITE_PERMISSION = "events.add_eventinvitation"
REMIND_PERMISSION = "events.change_eventinvitation"
# The pickers, each with the right it needs and the model it picks from.
PICKERS = {
    "contacts": ("members.view_contact", Contact),
    "organisations": ("members.view_organisation", Organisation),
    "networks": ("networks.view_provincialnetwork", ProvincialNetwork),
}
# EventInvitation's foreign key each picker's search goes through (the admin's autocomplete).
PICKER_FIELDS = {"contacts": "contact", "organisations": "organisation", "networks": "network"}


class InvitationForm(forms.Form):
    addresses = forms.CharField(
        label=_("Email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_(
            "One per line, or separated by commas. Write “Name <address>” to give the name too."
        ),
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"), queryset=Contact.objects.none(), required=False
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Each organisation's main contacts are invited."),
    )
    networks = forms.ModelMultipleChoiceField(
        label=_("Provincial networks"),
        queryset=ProvincialNetwork.objects.none(),
        required=False,
        help_text=_(
            "Each network's focal persons are invited: the main contacts of the organisation "
            "that holds its secretariat, or else of its chair."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=Registration.Language.choices,
        help_text=_("Everyone invited now gets the email and their page in this language."),
    )

    def __init__(self, *args, user, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request: the labels follow the page's language, and the rights the user.
        for name, (permission, model) in PICKERS.items():
            if not user.has_perm(permission):
                del self.fields[name]
                continue
            field = self.fields[name]
            field.widget = AutocompleteSelectMultiple(
                EventInvitation._meta.get_field(PICKER_FIELDS[name]), admin_site
            )
            # After the widget: setting the queryset hands the widget its choices.
            field.queryset = model.objects.all()
        self.picked = None

    def clean_addresses(self):
        invitees, invalid = invitees_from_text(self.cleaned_data["addresses"])
        if invalid:
            raise ValidationError(
                [
                    ValidationError(
                        gettext("“%(address)s” is not an email address.") % {"address": piece},
                        code="invalid_address",
                    )
                    for piece in invalid
                ]
            )
        return invitees

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        picked = invitees_picked(
            contacts=cleaned.get("contacts") or (),
            organisations=cleaned.get("organisations") or (),
            networks=cleaned.get("networks") or (),
        )
        self.picked = picked
        cleaned["invitees"] = [*cleaned.get("addresses", []), *picked.invitees]
        if not cleaned["invitees"] and not picked.unreachable:
            raise ValidationError(
                _("Paste at least one email address, or pick someone to invite."), code="empty"
            )
        return cleaned


def _event_for(request, object_id, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return get_object_or_404(Event, pk=object_id)


def _context(model_admin, request, event, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "event": event,
        "title": title,
        **extra,
    }


def _report_invited(model_admin, request, outcome, unreachable):
    created = len(outcome.created)
    if created:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d person invited; the invitation is on its way.",
                "%(count)d people invited; the invitations are on their way.",
                created,
            )
            % {"count": created},
            messages.SUCCESS,
        )
    if outcome.duplicates:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d address was already invited or given twice, and was skipped.",
                "%(count)d addresses were already invited or given twice, and were skipped.",
                outcome.duplicates,
            )
            % {"count": outcome.duplicates},
            messages.WARNING,
        )
    if unreachable:
        model_admin.message_user(
            request,
            gettext("Nobody with an email address to invite at: %(names)s.")
            % {"names": join_list([str(each) for each in unreachable])},
            messages.WARNING,
        )
    if not created and not outcome.duplicates and not unreachable:
        model_admin.message_user(request, gettext("Nobody was invited."), messages.WARNING)


def invitation_tools(model_admin):
    """(name, view) pairs for EventAdmin.get_urls' tools."""

    def invitations_view(request, object_id):
        """GET: the counts, the invitees and the form; POST: invite."""
        event = _event_for(request, object_id, VIEW_PERMISSION)
        may_invite = request.user.has_perm(INVITE_PERMISSION)
        form_kwargs = {"user": request.user, "admin_site": model_admin.admin_site}
        status = 200
        refusal = None
        if request.method == "POST":
            if not may_invite:
                raise PermissionDenied
            form = InvitationForm(request.POST, **form_kwargs)
            if form.is_valid():
                try:
                    outcome = invitations_create(
                        event=event,
                        invitees=form.cleaned_data["invitees"],
                        language=form.cleaned_data["language"],
                        invited_by=request.user,
                    )
                except InvitationRefused as error:
                    refusal, status = error.message, 409
                else:
                    _report_invited(model_admin, request, outcome, form.picked.unreachable)
                    return redirect("admin:events_event_invitations", event.pk)
            else:
                status = 400
        else:
            form = InvitationForm(initial={"language": "km"}, **form_kwargs)
        invitations = event.invitations.select_related(
            "contact", "organisation", "network", "registration"
        ).prefetch_related("deliveries")
        context = _context(
            model_admin,
            request,
            event,
            _("Invitations"),
            form=form,
            media=model_admin.media + form.media,
            counts=invitation_counts(event=event),
            invitations=invitations,
            may_invite=may_invite,
            may_remind=request.user.has_perm(REMIND_PERMISSION),
            closed=invitations_refusal(event),
            refusal=refusal,
        )
        return TemplateResponse(
            request, "admin/events/event/invitations.html", context, status=status
        )

    def invitations_remind_view(request, object_id):
        """GET: who will be reminded; POST: remind them (once: a second time, nobody)."""
        event = _event_for(request, object_id, REMIND_PERMISSION)
        if request.method == "POST":
            try:
                count = invitations_remind(event=event)
            except InvitationRefused as refusal:
                model_admin.message_user(request, refusal.message, messages.ERROR)
                return redirect("admin:events_event_invitations", event.pk)
            if count:
                model_admin.message_user(
                    request,
                    ngettext(
                        "The reminder is on its way to %(count)d person.",
                        "The reminder is on its way to %(count)d people.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
            else:
                model_admin.message_user(
                    request,
                    gettext(
                        "Nobody to remind: everyone who has not answered has already been "
                        "reminded once."
                    ),
                    messages.WARNING,
                )
            return redirect("admin:events_event_invitations", event.pk)
        to_remind = list(event.invitations.unanswered().not_reminded())
        context = _context(
            model_admin,
            request,
            event,
            _("Remind those who have not answered"),
            to_remind=to_remind,
            counts=invitation_counts(event=event),
            closed=invitations_refusal(event),
        )
        return TemplateResponse(request, "admin/events/event/invitations_remind.html", context)

    return [
        ("invitations", invitations_view),
        ("invitations-remind", invitations_remind_view),
    ]


@admin.register(InvitationDelivery)
class InvitationDeliveryAdmin(OutboxAdmin):
    list_display = ["email", "event", "kind", "status", "sent_at", "attempts", "error"]
    list_filter = ["status", "kind"]
    list_select_related = ["invitation__event"]
    search_fields = ["invitation__email", "invitation__name"]
    readonly_fields = ["invitation", "kind", *OUTBOX_FIELDS]

    @admin.display(description=_("email"), ordering="invitation__email")
    def email(self, row):
        return row.invitation.email

    @admin.display(description=_("event"))
    def event(self, row):
        return row.invitation.event
