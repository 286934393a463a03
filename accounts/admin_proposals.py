"""Staff review of proposed profile changes: a list that opens on those awaiting review, and a
review page per proposal (field | now | proposed) with Approve and Reject buttons posting to
their own admin views. The rules are accounts.proposals."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ProfileChange
from .proposals import (
    fields_changed_since,
    person_name,
    profile_change_approve,
    profile_change_reject,
    profile_change_rows,
)

DECIDE_PERMISSION = "accounts.change_profilechange"
REASON_MAX_LENGTH = 1000
ALL = "all"


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the focal person)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={
            "required": _("Say why, so that the focal person understands what to change.")
        },
    )


class StatusFilter(admin.SimpleListFilter):
    """Opens on the proposals awaiting review; "All" shows every one."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*ProfileChange.Status.choices, (ALL, _("All"))]

    def choices(self, changelist):
        selected = self.value() or ProfileChange.Status.PENDING
        for value, label in self.lookup_choices:
            yield {
                "selected": selected == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or ProfileChange.Status.PENDING
        if value == ALL:
            return queryset
        return queryset.filter(status=value)


@admin.register(ProfileChange)
class ProfileChangeAdmin(admin.ModelAdmin):
    list_display = ["organisation", "proposer", "proposed_at", "status", "decided_by", "decided_at"]
    list_filter = [StatusFilter]
    list_select_related = ["organisation", "proposed_by__focal_person__contact", "decided_by"]
    search_fields = ["organisation__name_km", "organisation__name_en", "organisation__acronym"]
    date_hierarchy = "proposed_at"

    # Proposals come from focal persons and change only by a decision.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("proposed by"))
    def proposer(self, change):
        return person_name(change.proposed_by)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<int:pk>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name=f"{prefix}_approve",
            ),
            path(
                "<int:pk>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name=f"{prefix}_reject",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review page instead of an edit form: nothing here is edited by hand."""
        change = self.get_object(request, object_id)
        if change is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, change):
            raise PermissionDenied
        return self._review_page(request, change)

    def _review_page(self, request, change, *, rejection_form=None, refusal=None, status=200):
        organisation = change.organisation
        pending = change.status == ProfileChange.Status.PENDING
        changed_since = fields_changed_since(change, organisation) if pending else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Review proposed changes"),
            "subtitle": str(organisation),
            "change": change,
            "organisation": organisation,
            "proposer": person_name(change.proposed_by),
            "rows": profile_change_rows(change, organisation),
            "pending": pending,
            "changed_since": changed_since,
            "may_decide": pending and request.user.has_perm(DECIDE_PERMISSION),
            "rejection_form": rejection_form or RejectionForm(),
            "refusal": refusal,
            "organisation_history_url": reverse(
                "admin:members_organisation_history", args=[organisation.pk]
            ),
        }
        return TemplateResponse(
            request, "admin/accounts/profilechange/review.html", context, status=status
        )

    def _change_to_decide(self, request, pk):
        if not request.user.has_perm(DECIDE_PERMISSION):
            raise PermissionDenied
        return get_object_or_404(ProfileChange.objects.select_related("organisation"), pk=pk)

    def _after_decision(self, change):
        return redirect(reverse("admin:accounts_profilechange_change", args=[change.pk]))

    def _refused(self, request, change, error, **kwargs):
        change.refresh_from_db()
        status = 409 if getattr(error, "code", None) in ("not_pending", "entry_changed") else 400
        return self._review_page(request, change, refusal=error.messages, status=status, **kwargs)

    def approve_view(self, request, pk):
        """POST only (a link or a prefetch changes nothing); `force` is the "approve anyway"
        button shown when the entry changed since the proposal."""
        change = self._change_to_decide(request, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            profile_change_approve(
                change=change, decided_by=request.user, force=request.POST.get("force") == "1"
            )
        except ValidationError as error:
            return self._refused(request, change, error)
        self.log_change(request, change, gettext("Approved"))
        self.message_user(
            request,
            gettext("The changes to %(organisation)s are approved and published.")
            % {"organisation": change.organisation},
            messages.SUCCESS,
        )
        return self._after_decision(change)

    def reject_view(self, request, pk):
        change = self._change_to_decide(request, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = RejectionForm(request.POST)
        if not form.is_valid():
            change.refresh_from_db()
            return self._review_page(request, change, rejection_form=form, status=400)
        try:
            profile_change_reject(
                change=change, decided_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            return self._refused(request, change, error, rejection_form=form)
        self.log_change(
            request,
            change,
            gettext("Not approved: %(reason)s") % {"reason": form.cleaned_data["reason"]},
        )
        self.message_user(
            request,
            gettext("The changes to %(organisation)s are not approved; the entry stays as it was.")
            % {"organisation": change.organisation},
            messages.SUCCESS,
        )
        return self._after_decision(change)
