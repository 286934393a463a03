"""Emails to registrants, in the language each one chose: HTML and plain text, with the
event's calendar file attached where it helps."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .ical import event_calendar
from .models import EventMessageDelivery, Registration, RegistrationNotice, ReminderDelivery
from .services import waiting_position

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
    REMINDER: _("Reminder: %(title)s"),
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
# Notices that only make sense while the registration is still active.
FOR_ACTIVE_REGISTRATIONS = {Kind.CONFIRMED, Kind.PROMOTED, Kind.EXISTING, Kind.CHANGED}


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


def notice_email(notice: RegistrationNotice, now=None):
    """The email a notice stands for, or None when it is no longer worth sending."""
    now = now or timezone.now()
    registration = notice.registration
    if notice.kind in FOR_ACTIVE_REGISTRATIONS and not registration.is_active:
        return None
    if notice.kind == Kind.WAITING and registration.status != Registration.Status.WAITING:
        return None  # promoted before the notice went out: the promotion notice says it all
    if registration.event.ends_at < now and notice.kind != Kind.CANCELLED:
        return None
    return registration_email(registration, notice.kind)


def reminder_email(delivery: ReminderDelivery, now=None):
    """The reminder, or None when it is no longer owed (cancelled, or the event has begun)."""
    now = now or timezone.now()
    registration = delivery.registration
    event = registration.event
    if (
        registration.status != Registration.Status.CONFIRMED
        or event.status != event.Status.PUBLISHED
        or event.starts_at <= now
    ):
        return None
    return registration_email(registration, REMINDER)


def event_message_email(delivery: EventMessageDelivery):
    """A staff message as one registrant gets it, in their language; None when they have
    cancelled since it was written."""
    registration = delivery.registration
    message = delivery.message
    if not registration.is_active and registration.status not in message.statuses:
        return None
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
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[registration.email],
        )
        email.attach_alternative(
            render_to_string("emails/events/message.html", context), "text/html"
        )
        return email
