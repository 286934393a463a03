"""A focal person's proposed changes to their organisation's entry (rules in
accounts.proposals). Only ever the signed-in person's own organisation (request.organisation):
nothing a form sends can name another."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .access import focal_person_required
from .models import ProfileChange
from .proposal_forms import ProfileChangeForm
from .proposals import entry_values, profile_change_propose, profile_change_rows


def _initial(organisation, pending):
    """The form starts from the entry as it is, with the pending proposal's values on top."""
    initial = entry_values(organisation)
    if pending is not None:
        initial.update(pending.after)
    initial.pop("logo")
    return initial


@focal_person_required
@require_http_methods(["GET", "POST"])
def profile_change(request):
    organisation = request.organisation
    pending = organisation.profile_changes.pending().select_related("proposed_by").first()
    if request.method == "POST":
        form = ProfileChangeForm(
            request.POST, request.FILES, organisation=organisation, pending=pending
        )
        if form.is_valid():
            try:
                profile_change_propose(
                    organisation=organisation,
                    proposed_by=request.user,
                    data=form.proposal_data(),
                    logo=form.cleaned_data["logo"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Thank you: CCC staff will review your changes before they are published."),
                )
                return redirect("accounts:profile-change")
    else:
        form = ProfileChangeForm(
            initial=_initial(organisation, pending), organisation=organisation, pending=pending
        )
    last_decision = None
    if pending is None:
        last_decision = (
            organisation.profile_changes.filter(
                status__in=[ProfileChange.Status.APPROVED, ProfileChange.Status.REJECTED]
            )
            .order_by("-decided_at", "-pk")
            .first()
        )
    context = {
        "form": form,
        "organisation": organisation,
        "pending": pending,
        "pending_rows": profile_change_rows(pending, organisation) if pending else [],
        "last_decision": last_decision,
    }
    return render(
        request,
        "accounts/profile_change_form.html",
        context,
        status=400 if form.is_bound else 200,
    )


urlpatterns = [
    path("", profile_change, name="profile-change"),
]
