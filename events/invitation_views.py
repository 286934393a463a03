"""The invitee's own pages, reached from the personal link in their invitation email: the
registration form with their address fixed, and declining. GET only shows (mail scanners open
links); registering and declining are POSTs. A link that is not ours, altered, or put under
another event's address gets a page that says so, with a 404."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView

from .forms import RegistrationForm
from .invitations import InvitationRefused, invitation_decline, invitation_from_token
from .models import EventInvitation
from .views import RegisterView, public_events


class InvitationRegistrationForm(RegistrationForm):
    """The public form, for one invitee: their address is shown and cannot be changed (a
    disabled field: Django keeps the initial value, whatever is posted)."""

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.disabled = True
        email.initial = invitation.email
        email.help_text = gettext_lazy("Your invitation is for this address.")
        self.fields["full_name"].initial = invitation.name
        self.fields["language"].initial = invitation.language


def _invalid_link(request):
    return render(request, "events/invitation_invalid.html", status=404)


@method_decorator(never_cache, name="dispatch")
class InvitationView(RegisterView):
    """An invitee's page: who is invited to what, and the registration form (or, once they
    are registered, the way to their registration)."""

    template_name = "events/invitation.html"
    form_class = InvitationRegistrationForm

    def dispatch(self, request, *args, **kwargs):
        self.invitation = invitation_from_token(token=kwargs["token"], slug=kwargs["slug"])
        if self.invitation is None:
            return _invalid_link(request)
        self.event = (
            public_events().with_registration_counts().filter(pk=self.invitation.event_id).first()
        )
        if self.event is None:  # the event was put back to draft since the invitation
            return _invalid_link(request)
        # Past RegisterView's dispatch, which turns away everyone from an invitation-only event.
        return FormView.dispatch(self, request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invitation": self.invitation}

    def get_context_data(self, **kwargs):
        registration = self.invitation.registration
        return super().get_context_data(
            invitation=self.invitation,
            token=self.kwargs["token"],
            registration=registration if registration and registration.is_active else None,
            **kwargs,
        )


invitation_view = InvitationView.as_view()


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_decline_view(request, slug, token):
    """GET asks to confirm; POST declines (twice is harmless)."""
    invitation = invitation_from_token(token=token, slug=slug)
    if invitation is None:
        return _invalid_link(request)
    if request.method == "POST":
        try:
            invitation_decline(invitation=invitation)
        except InvitationRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request, _("Thank you for letting us know. You have declined the invitation.")
            )
        return redirect("events:invitation", slug=slug, token=token)
    return render(
        request,
        "events/invitation_decline.html",
        {
            "invitation": invitation,
            "event": invitation.event,
            "token": token,
            "declined": invitation.status == EventInvitation.Status.DECLINED,
        },
    )
