"""Emails to registrants, in the language each one chose: HTML and plain text, with the
event's calendar file attached where it helps.

This module renders and nothing else: whether an email is still owed when its turn comes is
the outbox row's to say (its is_owed(), in events.models); a row no longer owed builds None.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.localization import local_digits
from core.mail import sender

from .ical import event_calendar
from .models import EventMessageDelivery, Registration, RegistrationNotice, ReminderDelivery

Kind = RegistrationNotice.Kind
REMINDER = "reminder"
SUBJECTS = {
    Kind.CONFIRMED: _("Your registration is confirmed: %(title)s"),
    Kind.WAITING: _("You are on the waiting list: %(title)s"),
    Kind.PROMOTED: _("A seat is now yours: %(title)s"),
    Kind.EXISTING: _("Your registration: %(title)s"),
    Kind.CANCELLED: _("Your registration is cancelled: %(title)s"),
    Kind.CHANGED: _("Changed: %(title)s"),
    Kind.EVENT_CANCELLED: _("Cancelled: %(title)s"),
    REMINDER: _("Reminder (%(when)s): %(title)s"),
}
# The .ics goes with what a calendar app should add or update (a cancelled event's .ics
# carries STATUS:CANCELLED and removes it from the calendar).
WITH_CALENDAR_FILE = {
    Kind.CONFIRMED,
    Kind.PROMOTED,
    Kind.EXISTING,
    Kind.CHANGED,
    Kind.EVENT_CANCELLED,
}


def how_soon(starts_at, now=None):
    """How soon an event begins, for a reminder: "tomorrow", "in 2 hours" ("ថ្ងៃស្អែក",
    "ក្នុងរយៈពេល ២ ម៉ោងទៀត"), in the active language."""
    now = now or timezone.now()
    left = starts_at - now
    days = (timezone.localdate(starts_at) - timezone.localdate(now)).days
    if left < datetime.timedelta(hours=1):
        minutes = max(1, round(left.total_seconds() / 60))
        text = ngettext("in %(count)s minute", "in %(count)s minutes", minutes)
        return text % {"count": local_digits(minutes)}
    if left < datetime.timedelta(hours=12) or days == 0:
        hours = round(left.total_seconds() / 3600)
        text = ngettext("in %(count)s hour", "in %(count)s hours", hours)
        return text % {"count": local_digits(hours)}
    if days == 1:
        return gettext("tomorrow")
    return ngettext("in %(count)s day", "in %(count)s days", days) % {"count": local_digits(days)}


def registration_links(registration):
    """Absolute links to the registration's status page and its cancel page."""
    token = registration.cancel_token
    return {
        "status_url": settings.SITE_URL + reverse("registrations:detail", kwargs={"token": token}),
        "cancel_url": settings.SITE_URL + reverse("registrations:cancel", kwargs={"token": token}),
        "event_url": settings.SITE_URL + registration.event.get_absolute_url(),
    }


def registration_email(registration: Registration, kind: str, now=None) -> EmailMultiAlternatives:
    """Build (not send) the email of `kind` for a registration, in its language."""
    with translation.override(registration.language):
        event = registration.event
        soon = how_soon(event.starts_at, now) if kind == REMINDER else ""
        context = {
            "how_soon": soon,
            "registration": registration,
            "event": event,
            "kind": kind,
            "position": registration.waiting_position(),
            **registration_links(registration),
        }
        subject = str(SUBJECTS[kind] % {"title": event.title, "when": soon})
        text = render_to_string("emails/events/registration.txt", context)
        html = render_to_string("emails/events/registration.html", context)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=sender(),
            to=[registration.email],
        )
        message.attach_alternative(html, "text/html")
        if kind in WITH_CALENDAR_FILE:
            calendar = event_calendar([event], language=registration.language, name=event.title)
            message.attach(f"{event.slug}.ics", calendar, "text/calendar; charset=utf-8")
        return message


def notice_email(notice: RegistrationNotice, now=None):
    """The email a notice stands for, or None when it is no longer worth sending."""
    if not notice.is_owed(now):
        return None
    return registration_email(notice.registration, notice.kind)


def reminder_email(delivery: ReminderDelivery, now=None):
    """The reminder, or None when it is no longer owed (cancelled, or the event has begun)."""
    if not delivery.is_owed(now):
        return None
    return registration_email(delivery.registration, REMINDER, now)


def event_message_email(delivery: EventMessageDelivery):
    """A staff message as one registrant gets it, in their language; None when they have
    cancelled since it was written."""
    if not delivery.is_owed():
        return None
    registration = delivery.registration
    message = delivery.message
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": registration.event,
            "message": message,
            **registration_links(registration),
        }
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=render_to_string("emails/events/message.txt", context),
            from_email=sender(),
            to=[registration.email],
        )
        email.attach_alternative(
            render_to_string("emails/events/message.html", context), "text/html"
        )
        return email
