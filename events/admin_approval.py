"""Approve or reject registrations awaiting approval (Event.requires_approval): two actions on
the registrations list, each with a confirmation page that takes the reason the people are
told. The rules are events.services.registrations_approve / registrations_reject."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import Registration
from .services import registrations_approve, registrations_reject

REASON_MAX_LENGTH = 1000


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to each person, in the email about the decision)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class RejectionForm(DecisionForm):
    reason = forms.CharField(
        label=_("Reason (sent to each person, in the email about the decision)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Say why, so that the people turned down understand.")},
    )


def registrant_names(registrations):
    """The names of `registrations`, for a message to staff."""
    return ", ".join(registration.full_name for registration in registrations)


class ApprovalActionsMixin:
    """For RegistrationAdmin, whose _confirmation_page renders the intermediate page."""

    @admin.action(
        description=_("Approve (a seat, or the waiting list when full)"), permissions=["change"]
    )
    def approve_registrations(self, request, queryset):
        return self._decide(request, queryset, "approve_registrations", DecisionForm)

    @admin.action(description=_("Reject (not approved)"), permissions=["change"])
    def reject_registrations(self, request, queryset):
        return self._decide(request, queryset, "reject_registrations", RejectionForm)

    def _decide(self, request, queryset, action, form_class):
        form = form_class(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            if action == "approve_registrations":
                outcome = registrations_approve(
                    registrations=queryset, decided_by=request.user, reason=reason
                )
                self._report_approved(request, outcome)
            else:
                rejected = registrations_reject(
                    registrations=queryset, decided_by=request.user, reason=reason
                )
                self._report_rejected(request, rejected)
            return None
        people = list(queryset.select_related("event").order_by("event", "created_at", "pk"))
        pending = [person for person in people if person.status == Registration.Status.PENDING]
        response = self._confirmation_page(
            request,
            queryset,
            action,
            title=_("Approve registrations")
            if action == "approve_registrations"
            else _("Reject registrations"),
            form=form,
            pending=pending,
            left_alone=[person for person in people if person not in pending],
        )
        if form.is_bound:
            response.status_code = 400
        return response

    def _report_approved(self, request, outcome):
        if outcome.confirmed:
            self.message_user(
                request,
                ngettext(
                    "%(names)s is approved into a seat and told by email.",
                    "%(names)s are approved into seats and told by email.",
                    len(outcome.confirmed),
                )
                % {"names": registrant_names(outcome.confirmed)},
            )
        if outcome.waiting:
            self.message_user(
                request,
                ngettext(
                    "%(names)s is approved onto the waiting list (the event is full) and told "
                    "by email.",
                    "%(names)s are approved onto the waiting list (the event is full) and told "
                    "by email.",
                    len(outcome.waiting),
                )
                % {"names": registrant_names(outcome.waiting)},
                messages.WARNING,
            )
        if not outcome.confirmed and not outcome.waiting:
            self.message_user(
                request,
                gettext("Nobody selected is awaiting approval for an event still to come."),
                messages.WARNING,
            )

    def _report_rejected(self, request, rejected):
        if not rejected:
            self.message_user(
                request, gettext("Nobody selected is awaiting approval."), messages.WARNING
            )
            return
        self.message_user(
            request,
            ngettext(
                "%(names)s is not approved and told by email.",
                "%(names)s are not approved and told by email.",
                len(rejected),
            )
            % {"names": registrant_names(rejected)},
        )
