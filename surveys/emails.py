"""The survey invitation email, in the attendee's language (HTML and plain text). Renders
only: whether it is still owed is the invitation's to say (SurveyInvitation.is_owed)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.mail import sender

from .models import SurveyInvitation


def invitation_url(invitation: SurveyInvitation, language):
    """The absolute link to answer, under the language's prefix (/km/surveys/…)."""
    with translation.override(language):
        path = reverse("surveys:answer", kwargs={"token": invitation.token})
    return settings.SITE_URL + path


def invitation_email(invitation: SurveyInvitation, now=None):
    """The invitation, or None when it is no longer owed (answered, no longer marked as
    attended, or the survey closed)."""
    if not invitation.is_owed(now):
        return None
    registration = invitation.registration
    survey = invitation.survey
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": survey.event,
            "survey": survey,
            "answer_url": invitation_url(invitation, registration.language),
            "closes_at": survey.closes_at(),
        }
        email = EmailMultiAlternatives(
            subject=gettext("Your views on %(title)s: a short survey")
            % {"title": survey.event.title},
            body=render_to_string("emails/surveys/invitation.txt", context),
            from_email=sender(),
            to=[registration.email],
        )
        email.attach_alternative(
            render_to_string("emails/surveys/invitation.html", context), "text/html"
        )
        return email
