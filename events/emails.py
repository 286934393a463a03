"""Emails to registrants, in the language each one chose: HTML and plain text, with the
event's calendar file attached where it helps."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .ical import event_calendar
from .models import Registration
from .services import EmailKind, waiting_position

SUBJECTS = {
    EmailKind.CONFIRMED: _("Your registration is confirmed: %(title)s"),
    EmailKind.WAITING: _("You are on the waiting list: %(title)s"),
    EmailKind.PROMOTED: _("A seat is now yours: %(title)s"),
    EmailKind.EXISTING: _("Your registration: %(title)s"),
    EmailKind.CANCELLED: _("Your registration is cancelled: %(title)s"),
}
WITH_CALENDAR_FILE = {EmailKind.CONFIRMED, EmailKind.PROMOTED, EmailKind.EXISTING}


def registration_links(registration):
    """Absolute links to the registration's status page and its cancel page."""
    token = registration.cancel_token
    return {
        "status_url": settings.SITE_URL + reverse("registrations:detail", kwargs={"token": token}),
        "cancel_url": settings.SITE_URL + reverse("registrations:cancel", kwargs={"token": token}),
        "event_url": settings.SITE_URL + registration.event.get_absolute_url(),
    }


def registration_email(registration: Registration, kind: str) -> EmailMultiAlternatives:
    """Build (not send) the email of `kind` for a registration, in its language."""
    with translation.override(registration.language):
        event = registration.event
        context = {
            "registration": registration,
            "event": event,
            "kind": kind,
            "position": waiting_position(registration),
            **registration_links(registration),
        }
        subject = str(SUBJECTS[kind] % {"title": event.title})
        text = render_to_string("emails/events/registration.txt", context)
        html = render_to_string("emails/events/registration.html", context)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[registration.email],
        )
        message.attach_alternative(html, "text/html")
        if kind in WITH_CALENDAR_FILE:
            calendar = event_calendar([event], language=registration.language, name=event.title)
            message.attach(f"{event.slug}.ics", calendar, "text/calendar; charset=utf-8")
        return message
