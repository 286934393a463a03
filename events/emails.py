"""Emails to registrants, in the language each one chose: HTML and plain text, with the
event's calendar file attached where it helps.

This module renders and nothing else: whether an email is still owed when its turn comes is
the outbox row's to say (its is_owed(), in events.models); a row no longer owed builds None.
"""

import copy
import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.localization import local_digits
from core.mail import FRAME_READER, MessageFrame, sender

from .certificates import certificate_pdf, verification_url
from .checkin_codes import QR_CONTENT_ID, EmailWithInlineImages, attach_checkin_qr
from .ical import event_calendar
from .join_links import online_context
from .models import (
    EventMessage,
    EventMessageDelivery,
    Registration,
    RegistrationNotice,
    ReminderDelivery,
)
from .telegram_links import telegram_deep_link

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
    Kind.PENDING: _("Registration received, awaiting approval: %(title)s"),
    Kind.REJECTED: _("Your registration was not approved: %(title)s"),
    Kind.OFFERED: _("A seat is free for you, please answer: %(title)s"),
    Kind.OFFER_PASSED: _("The seat offered to you has passed on: %(title)s"),
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
# The QR code staff scan at the door (checkin_codes): in the emails that give a seat holder
# their registration, one at a time; the emails sent to a whole event at once (reminders,
# changes) link to the registrant's page that shows it (a code costs some 50 ms to draw).
WITH_CHECKIN_CODE = {Kind.CONFIRMED, Kind.PROMOTED, Kind.EXISTING}
WITH_CHECKIN_CODE_LINK = {Kind.CHANGED, REMINDER}
# Emails after which the registration is over: no "cancel if you cannot come" link.
WITHOUT_CANCEL_LINK = {Kind.CANCELLED, Kind.EVENT_CANCELLED, Kind.REJECTED, Kind.OFFER_PASSED}
# Emails that offer Telegram notices (events.telegram_links), while a bot is configured.
WITH_TELEGRAM_LINK = {Kind.CONFIRMED, Kind.WAITING, Kind.PENDING, Kind.PROMOTED}
# Emails that answer a staff decision, with the reason staff gave.
WITH_DECISION_REASON = {Kind.CONFIRMED, Kind.WAITING, Kind.REJECTED}


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
    return links_for_token(registration, registration.cancel_token)


def links_for_token(registration, token):
    """registration_links with `token` for the registration's own (see ReminderFrame)."""
    return {
        "status_url": settings.SITE_URL + reverse("registrations:detail", kwargs={"token": token}),
        "cancel_url": settings.SITE_URL + reverse("registrations:cancel", kwargs={"token": token}),
        "offer_url": settings.SITE_URL + reverse("registrations:offer", kwargs={"token": token}),
        "event_url": settings.SITE_URL + registration.event.get_absolute_url(),
    }


def registration_context(registration: Registration, kind: str, now=None) -> dict:
    """What the registration emails' templates are given; call it in the reader's language."""
    event = registration.event
    door_code = registration.holds_seat and not event.is_cancelled
    return {
        "checkin_qr_cid": QR_CONTENT_ID if door_code and kind in WITH_CHECKIN_CODE else "",
        "checkin_code_link": door_code and kind in WITH_CHECKIN_CODE_LINK,
        "how_soon": how_soon(event.starts_at, now) if kind == REMINDER else "",
        "registration": registration,
        "event": event,
        "kind": kind,
        "position": registration.waiting_position(),
        "may_cancel": kind not in WITHOUT_CANCEL_LINK,
        "decision_reason": registration.decision_reason
        if kind in WITH_DECISION_REASON and registration.decided_at
        else "",
        **online_context(event, registration),
        **registration_links(registration),
        "telegram_link": telegram_deep_link(registration) if kind in WITH_TELEGRAM_LINK else "",
    }


def registration_email(registration: Registration, kind: str, now=None) -> EmailMultiAlternatives:
    """Build (not send) the email of `kind` for a registration, in its language."""
    with translation.override(registration.language):
        event = registration.event
        context = registration_context(registration, kind, now)
        subject = str(SUBJECTS[kind] % {"title": event.title, "when": context["how_soon"]})
        text = render_to_string("emails/events/registration.txt", context)
        html = render_to_string("emails/events/registration.html", context)
        message = EmailWithInlineImages(
            subject=subject,
            body=text,
            from_email=sender(),
            to=[registration.email],
        )
        message.attach_alternative(html, "text/html")
        if context["checkin_qr_cid"]:
            attach_checkin_qr(message, registration)
        if kind in WITH_CALENDAR_FILE:
            calendar = event_calendar(
                [event], language=registration.language, name=event.title, registration=registration
            )
            message.attach(f"{event.slug}.ics", calendar, "text/calendar; charset=utf-8")
        return message


# What differs between two reminders of one event to registrants of the same language and
# status: their name and their own links. A batch renders the email once per such group with
# these markers in their place (HTML_MARKERS in the HTML, where the values go in escaped), and
# serializes it once (core.mail.MessageFrame): each reminder is those bytes with the reader's
# values put in, instead of rendering both templates and building the MIME message a reminder.
# tests/test_outbox_batching.py checks that the result is the same as building it for each one.
MARKERS = {
    "status_url": "@@ccc-status-url@@",
    "cancel_url": "@@ccc-cancel-url@@",
    "offer_url": "@@ccc-offer-url@@",
    "full_name": "@@ccc-full-name@@",  # last: what a reader typed is never read for markers
}
HTML_MARKERS = {name: marker.replace("@@ccc-", "@@ccc-html-") for name, marker in MARKERS.items()}
# The links differ only by the registration's token: reversed once per group with this in its
# place (a signed token is URL-safe as it is).
TOKEN_MARKER = "ccc-token-marker"


def marked(context, markers):
    """A reminder's context with `markers` in place of the reader's name and links."""
    stand_in = copy.copy(context["registration"])
    stand_in.full_name = markers["full_name"]
    links = {name: markers[name] for name in markers if name in context}
    return {**context, **links, "registration": stand_in}


class ReminderFrame:
    """A reminder rendered once for a group of registrants (same event, language and status),
    with MARKERS where each one's own values go."""

    def __init__(self, registration: Registration, now):
        with translation.override(registration.language):
            context = registration_context(registration, REMINDER, now)
            links = links_for_token(registration, TOKEN_MARKER)  # the links' language prefix
            self.links = {name: link for name, link in links.items() if name in MARKERS}
            self.subject = str(
                SUBJECTS[REMINDER]
                % {"title": registration.event.title, "when": context["how_soon"]}
            )
            self.text = render_to_string("emails/events/registration.txt", marked(context, MARKERS))
            self.html = render_to_string(
                "emails/events/registration.html", marked(context, HTML_MARKERS)
            )
            self.from_email = sender()
        self.frame = MessageFrame(
            self._message(self.text, self.html, FRAME_READER),
            [*MARKERS.values(), *HTML_MARKERS.values()],
        )

    @staticmethod
    def key(registration: Registration):
        """Registrants whose reminders differ only in MARKERS; None for one to render alone (a
        place on the waiting list is their own)."""
        if registration.status == Registration.Status.WAITING:
            return None
        return (registration.event_id, registration.language, registration.status)

    def _message(self, text, html, address):
        message = EmailWithInlineImages(
            subject=self.subject, body=text, from_email=self.from_email, to=[address]
        )
        message.attach_alternative(html, "text/html")
        return message

    def email_for(self, registration: Registration) -> EmailMultiAlternatives:
        token = registration.cancel_token
        values = {name: link.replace(TOKEN_MARKER, token) for name, link in self.links.items()}
        values["full_name"] = registration.full_name
        escaped = {name: str(escape(value)) for name, value in values.items()}
        text, html = self.text, self.html
        for name in values:
            text = text.replace(MARKERS[name], values[name])
            html = html.replace(HTML_MARKERS[name], escaped[name])
        message = self._message(text, html, registration.email)
        # The bytes the SMTP backend (core.mail.SMTPBackend) sends; other backends, and a
        # frame that cannot carry these values, build the message from text and html. So a
        # change to this message (a header, an attachment) must drop `prepared`.
        message.prepared = self.frame.prepared(
            registration.email,
            {
                **{MARKERS[name]: value for name, value in values.items()},
                **{HTML_MARKERS[name]: value for name, value in escaped.items()},
            },
        )
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


def reminder_emails(deliveries, now=None):
    """A batch of reminders (the outbox's `prepare`): returns what builds each one, with the
    question "still owed?" asked once for the whole batch instead of once a reminder (the
    same rule as ReminderDelivery.is_owed, at the batch's start), and the email rendered once
    per group of registrants that get the same one but for their name and links
    (ReminderFrame)."""
    now = now or timezone.now()
    owed = set(
        Registration.objects.owed_reminders(now)
        .filter(pk__in={delivery.registration_id for delivery in deliveries})
        .values_list("pk", flat=True)
    )

    frames = {}

    def build(delivery: ReminderDelivery):
        if delivery.registration_id not in owed:
            return None
        registration = delivery.registration
        key = ReminderFrame.key(registration)
        if key is None:
            return registration_email(registration, REMINDER, now)
        if key not in frames:
            frames[key] = ReminderFrame(registration, now)
        return frames[key].email_for(registration)

    return build


def event_message_email(delivery: EventMessageDelivery):
    """A staff message as one registrant gets it, in their language; None when they have
    cancelled since it was written."""
    if not delivery.is_owed():
        return None
    return event_message_render(delivery.message, delivery.registration)


def event_message_render(message: EventMessage, registration: Registration):
    """Build (not send) `message` as `registration`'s reader gets it: in their language (or
    the other one where staff left theirs empty), HTML and plain text, with the event's
    details and the reader's own links. The outbox, the admin's preview and the test that
    staff send themselves all come through here; `message` and `registration` need not be
    saved."""
    with translation.override(registration.language):
        subject, body = message.text_for(registration.language)
        event = registration.event
        context = {
            "registration": registration,
            "event": event,
            "subject": subject,
            "body": body,
            # The language of the text, for the HTML's lang where it differs from the frame's.
            "text_language": message.language_for(registration.language),
            "may_cancel": registration.status in Registration.TOLD_OF_CHANGES
            and not event.is_cancelled
            and event.starts_at > timezone.now(),
            **online_context(event, registration),
            **registration_links(registration),
        }
        email = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("emails/events/message.txt", context),
            from_email=sender(),
            to=[registration.email],
        )
        email.attach_alternative(
            render_to_string("emails/events/message.html", context), "text/html"
        )
        return email


def certificate_email(delivery):
    """An attendee's certificate of attendance (a CertificateDelivery), the PDF attached, in
    their language; None when they are no longer marked as attended."""
    if not delivery.is_owed():
        return None
    registration = delivery.registration
    event = registration.event
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": event,
            "verification_url": verification_url(registration, registration.language),
            "event_url": settings.SITE_URL + event.get_absolute_url(),
        }
        email = EmailMultiAlternatives(
            subject=gettext("Your certificate of attendance: %(title)s") % {"title": event.title},
            body=render_to_string("emails/events/certificate.txt", context),
            from_email=sender(),
            to=[registration.email],
        )
        email.attach_alternative(
            render_to_string("emails/events/certificate.html", context), "text/html"
        )
        email.attach(
            f"certificate-{event.slug}.pdf", certificate_pdf([registration]), "application/pdf"
        )
        return email
