"""Invitation emails (InvitationDelivery): the invitation and the one reminder, in the
language staff chose for the invitee, HTML and plain text, with the invitee's personal link
to register and the link to decline.

This module renders and nothing else: whether an email is still owed when its turn comes is
the row's to say (InvitationDelivery.is_owed); a row no longer owed builds None.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.mail import sender

from .join_links import online_context
from .models import InvitationDelivery

Kind = InvitationDelivery.Kind
SUBJECTS = {
    Kind.INVITATION: _("Invitation: %(title)s"),
    Kind.REMINDER: _("Reminder of your invitation: %(title)s"),
}


def invitation_links(invitation):
    """Absolute links to the invitee's page (register) and to decline, in the active
    language."""
    kwargs = {"slug": invitation.event.slug, "token": invitation.token}
    return {
        "invitation_url": settings.SITE_URL + reverse("events:invitation", kwargs=kwargs),
        "decline_url": settings.SITE_URL + reverse("events:invitation-decline", kwargs=kwargs),
        "event_url": settings.SITE_URL + invitation.event.get_absolute_url(),
    }


def invitation_email(delivery: InvitationDelivery, now=None):
    """The invitation or its reminder, or None when it is no longer owed."""
    if not delivery.is_owed(now):
        return None
    invitation = delivery.invitation
    event = invitation.event
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "event": event,
            "kind": delivery.kind,
            # The public's view of the join link: invitees get it once registered.
            **online_context(event),
            **invitation_links(invitation),
        }
        email = EmailMultiAlternatives(
            subject=str(SUBJECTS[delivery.kind] % {"title": event.title}),
            body=render_to_string("emails/events/invitation.txt", context),
            from_email=sender(),
            to=[invitation.email],
        )
        email.attach_alternative(
            render_to_string("emails/events/invitation.html", context), "text/html"
        )
        return email
