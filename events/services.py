"""Writes and side effects for events. Views, admin and tasks call these; nothing else writes.

The rules of registration live here: who may register and when, confirmed or waiting list,
one active registration per email, cancellation and promotion from the waiting list.
"""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Organisation

from .models import Event, Registration

logger = logging.getLogger(__name__)

# What a calendar app or a registrant relies on: a change to any of these is a new revision.
SCHEDULE_FIELDS = frozenset(
    {"starts_at", "ends_at", "venue", "venue_km", "venue_en", "online_url", "status"}
)
SEAT_HOLDING = (Registration.Status.CONFIRMED, Registration.Status.ATTENDED)


class EmailKind:
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    PROMOTED = "promoted"
    EXISTING = "existing"
    CANCELLED = "cancelled"


class RegistrationRefused(Exception):
    """The event does not take this registration; `message` says why, in the reader's words."""

    def __init__(self, message, code):
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    created: bool


@transaction.atomic
def event_save(*, event: Event, changed_fields=()) -> Event:
    """Save an event; raise its calendar SEQUENCE when its time, place or status changed.

    Calendar apps replace an event they already hold only when SEQUENCE grows (RFC 5545).
    """
    is_new = event.pk is None
    event.save()
    if not is_new and SCHEDULE_FIELDS.intersection(changed_fields):
        Event.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1)
        event.refresh_from_db(fields=["sequence"])
    return event


def _queue_email(registration_id, kind):
    """Send after commit; if the broker is down the row stays owed and the sweep sends it."""
    from .tasks import send_registration_email

    def send():
        try:
            send_registration_email.delay(registration_id, kind)
        except Exception:  # the broker is unreachable: the outbox sweep will catch up
            logger.warning("Could not queue %s email for registration %s", kind, registration_id)

    transaction.on_commit(send)


def _check_event_accepts(event, organisation, now):
    if event.status == Event.Status.CANCELLED:
        raise RegistrationRefused(_("This event has been cancelled."), "cancelled")
    if not event.is_registration_open(now):
        raise RegistrationRefused(_("Registration for this event is closed."), "closed")
    if event.is_members_only and not (organisation and organisation.is_active_member):
        raise RegistrationRefused(
            _("This event is for CCC member organisations only. Choose your organisation."),
            "members_only",
        )


def registration_create(*, event: Event, data: dict, now=None) -> RegistrationOutcome:
    """Register one person for an event, confirmed or on the waiting list.

    Guarantees: confirmed registrations never exceed the capacity, however many people
    register at once (the event row is locked while the decision is made); one active
    registration per email and event (a second attempt returns the first and re-sends its
    link); the confirmation email is queued only once the registration is committed.
    """
    now = now or timezone.now()
    email = data["email"].strip()
    organisation = data.get("organisation")
    if organisation is not None and not isinstance(organisation, Organisation):
        raise TypeError("organisation must be an Organisation or None")
    try:
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event.pk)
            _check_event_accepts(event, organisation, now)
            existing = (
                event.registrations.filter(email__iexact=email)
                .exclude(status=Registration.Status.CANCELLED)
                .first()
            )
            if existing:
                _queue_email(existing.pk, EmailKind.EXISTING)
                return RegistrationOutcome(existing, created=False)
            taken = event.registrations.filter(status__in=SEAT_HOLDING).count()
            has_seat = event.capacity is None or taken < event.capacity
            registration = Registration.objects.create(
                event=event,
                organisation=organisation,
                organisation_name="" if organisation else data.get("organisation_name", ""),
                full_name=data["full_name"],
                position=data.get("position", ""),
                gender=data["gender"],
                email=email,
                phone=data.get("phone", ""),
                language=data.get("language", Registration.Language.KHMER),
                accessibility_needs=data.get("accessibility_needs", ""),
                status=Registration.Status.CONFIRMED if has_seat else Registration.Status.WAITING,
                # Stamped under the lock, so the waiting list's order is the order of decisions.
                created_at=timezone.now(),
            )
            _queue_email(registration.pk, EmailKind.CONFIRMED if has_seat else EmailKind.WAITING)
            return RegistrationOutcome(registration, created=True)
    except IntegrityError:
        # The same email raced itself past the check above (a double click): the database's
        # unique index kept one; answer with that one.
        existing = (
            Registration.objects.filter(event=event, email__iexact=email)
            .exclude(status=Registration.Status.CANCELLED)
            .first()
        )
        if existing is None:
            raise
        return RegistrationOutcome(existing, created=False)


def waiting_position(registration: Registration):
    """1 for the first on the waiting list; None when not waiting."""
    if registration.status != Registration.Status.WAITING:
        return None
    ahead = Registration.objects.filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk),
        event_id=registration.event_id,
        status=Registration.Status.WAITING,
    )
    return ahead.count() + 1


def _promote_next(event):
    """Give a free seat to the first on the waiting list; returns the promoted one or None."""
    if event.capacity is not None:
        taken = event.registrations.filter(status__in=SEAT_HOLDING).count()
        if taken >= event.capacity:
            return None
    candidate = (
        event.registrations.select_for_update()
        .filter(status=Registration.Status.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if candidate is None:
        return None
    candidate.status = Registration.Status.CONFIRMED
    candidate.save(update_fields=["status", "updated_at"])
    _queue_email(candidate.pk, EmailKind.PROMOTED)
    return candidate


@transaction.atomic
def registration_cancel(*, registration: Registration, now=None):
    """Cancel a registration (idempotent) and give its seat to the first on the waiting list.

    Returns the registration that was promoted, if any.
    """
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return None
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    if event.starts_at <= now or event.is_cancelled:
        return None
    return _promote_next(event)


@transaction.atomic
def registration_confirm_from_waiting_list(*, registration: Registration):
    """Staff move someone from the waiting list to confirmed, even past capacity."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.WAITING:
        return False
    registration.status = Registration.Status.CONFIRMED
    registration.save(update_fields=["status", "updated_at"])
    _queue_email(registration.pk, EmailKind.PROMOTED)
    return True


def registrations_mark_attended(*, registrations) -> int:
    """Mark confirmed registrations as attended; returns how many changed."""
    return registrations.filter(status=Registration.Status.CONFIRMED).update(
        status=Registration.Status.ATTENDED, updated_at=timezone.now()
    )


def event_message_registrants(*, event: Event, subject: str, body: str, statuses) -> int:
    """Queue an email from staff to the event's registrants in `statuses`; returns how many
    will receive it. Sent by Celery after commit, over one SMTP connection."""
    from .tasks import send_event_message

    recipient_ids = list(
        event.registrations.filter(status__in=statuses).values_list("pk", flat=True)
    )
    if recipient_ids:
        transaction.on_commit(
            lambda: send_event_message.delay(event.pk, subject, body, recipient_ids)
        )
    return len(recipient_ids)
