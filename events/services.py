"""Writes and side effects for events. Views, admin and tasks call these; nothing else writes.

The rules of registration live here: who may register and when, confirmed or waiting list,
one active registration per email, cancellation and promotion from the waiting list.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.db.models import ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Organisation

from .models import (
    DefaultReminder,
    Event,
    Registration,
    RegistrationNotice,
    ReminderDelivery,
    ReminderRule,
)

logger = logging.getLogger(__name__)

# What a calendar app or a registrant relies on: a change to any of these is a new revision.
SCHEDULE_FIELDS = frozenset(
    {"starts_at", "ends_at", "venue", "venue_km", "venue_en", "online_url", "status"}
)
SEAT_HOLDING = (Registration.Status.CONFIRMED, Registration.Status.ATTENDED)


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


# Out of the box, for an event type that has no default reminders of its own.
BUILT_IN_REMINDER_OFFSETS = (datetime.timedelta(days=1), datetime.timedelta(hours=2))
TOLD_OF_CHANGES = (Registration.Status.CONFIRMED, Registration.Status.WAITING)


def event_people_to_tell(event: Event) -> int:
    """How many registrants a change of time, place or status would be told of."""
    if event.pk is None:
        return 0
    return event.registrations.filter(status__in=TOLD_OF_CHANGES).count()


@transaction.atomic
def event_save(*, event: Event, changed_fields=()) -> Event:
    """Save an event and carry out what follows from the change.

    - A new event gets its type's default reminders (one day and two hours before, out of
      the box).
    - A change of time, place or status raises the calendar SEQUENCE (RFC 5545: calendar apps
      replace an event only when it grows) and owes every confirmed and waiting registrant
      one notice for that revision: an update with the new .ics, or a cancellation notice.
    """
    is_new = event.pk is None
    event.save()
    if is_new:
        offsets = list(
            DefaultReminder.objects.filter(event_type_id=event.event_type_id).values_list(
                "offset", flat=True
            )
        ) or list(BUILT_IN_REMINDER_OFFSETS)
        ReminderRule.objects.bulk_create(
            [ReminderRule(event=event, offset=offset) for offset in offsets],
            ignore_conflicts=True,
        )
        return event
    if not SCHEDULE_FIELDS.intersection(changed_fields):
        return event
    Event.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1)
    event.refresh_from_db(fields=["sequence"])
    if event.status == Event.Status.DRAFT or event.ends_at < timezone.now():
        return event
    kind = (
        RegistrationNotice.Kind.EVENT_CANCELLED
        if event.is_cancelled
        else RegistrationNotice.Kind.CHANGED
    )
    once_key = f"{kind}:{event.sequence}"
    registrations = event.registrations.filter(status__in=TOLD_OF_CHANGES)
    notices = RegistrationNotice.objects.bulk_create(
        [
            RegistrationNotice(registration=registration, kind=kind, once_key=once_key)
            for registration in registrations
        ],
        ignore_conflicts=True,
    )
    if notices:
        # Delivered by the outbox sweep (within a minute), in batches over one connection.
        logger.info("Event %s changed: %s registrants to tell", event.pk, len(notices))
    return event


def _deliver_after_commit(model_name, ids):
    """Ask a worker to send now; if the broker is down the rows stay pending in the database
    and the outbox sweep sends them when it can."""
    from .tasks import deliver_outbox

    def send():
        try:
            deliver_outbox.delay(model_name, ids)
        except Exception:  # broker unreachable: the sweep will catch up
            logger.warning("Could not queue %s %s; the sweep will send them", model_name, ids)

    transaction.on_commit(send)


def notice_queue(*, registration: Registration, kind: str, once_key: str = ""):
    """Owe `registration` an email of `kind`, once per `once_key` (all if empty).

    Call inside the transaction that made the change: the notice commits with it or not at
    all. Returns the notice, or None when that once-only notice already exists.
    """
    notice = RegistrationNotice(registration=registration, kind=kind, once_key=once_key)
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:
        return None
    _deliver_after_commit("notice", [notice.pk])
    return notice


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
                notice_queue(registration=existing, kind=RegistrationNotice.Kind.EXISTING)
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
            kind = (
                RegistrationNotice.Kind.CONFIRMED if has_seat else RegistrationNotice.Kind.WAITING
            )
            notice_queue(registration=registration, kind=kind, once_key=kind)
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
    _confirm_from_waiting_list(candidate)
    return candidate


def _confirm_from_waiting_list(registration):
    registration.status = Registration.Status.CONFIRMED
    registration.save(update_fields=["status", "updated_at"])
    notice_queue(
        registration=registration,
        kind=RegistrationNotice.Kind.PROMOTED,
        once_key=RegistrationNotice.Kind.PROMOTED,
    )


@transaction.atomic
def registration_cancel(*, registration: Registration, now=None):
    """Cancel a registration (idempotent), confirm it to the person, and give the seat to the
    first on the waiting list.

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
    notice_queue(
        registration=registration,
        kind=RegistrationNotice.Kind.CANCELLED,
        once_key=RegistrationNotice.Kind.CANCELLED,
    )
    if event.starts_at <= now or event.is_cancelled:
        return None
    return _promote_next(event)


@transaction.atomic
def registration_confirm_from_waiting_list(*, registration: Registration):
    """Staff move someone from the waiting list to confirmed, even past capacity."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.WAITING:
        return False
    _confirm_from_waiting_list(registration)
    return True


def registrations_mark_attended(*, registrations) -> int:
    """Mark confirmed registrations as attended; returns how many changed."""
    return registrations.filter(status=Registration.Status.CONFIRMED).update(
        status=Registration.Status.ATTENDED, updated_at=timezone.now()
    )


def event_message_registrants(*, event: Event, subject: str, body: str, statuses, user=None) -> int:
    """Queue an email from staff to the event's registrants in `statuses`; returns how many
    will receive it. Sent by Celery after commit over one SMTP connection, its progress kept
    as a staff job."""
    from ccc_portal.jobs import job_start

    from .tasks import send_event_message

    recipient_ids = list(
        event.registrations.filter(status__in=statuses).values_list("pk", flat=True)
    )
    if recipient_ids:
        job = job_start(
            title=_("Message “%(subject)s” to registrants of %(event)s")
            % {"subject": subject, "event": event.title},
            total=len(recipient_ids),
            user=user,
        )
        transaction.on_commit(
            lambda: send_event_message.delay(event.pk, subject, body, recipient_ids, job.pk)
        )
    return len(recipient_ids)


def reminders_due(*, now=None):
    """(registration, rule) pairs owed a reminder now and not yet in the ledger.

    Owed: the registration is confirmed, the event is published and has not started, the
    reminder's moment (start minus offset) has come, and the registration existed by then
    (someone who registers after the moment does not get that late reminder).
    """
    now = now or timezone.now()
    due_at = ExpressionWrapper(
        F("event__starts_at") - F("offset"), output_field=models.DateTimeField()
    )
    rules = (
        ReminderRule.objects.filter(event__status=Event.Status.PUBLISHED, event__starts_at__gt=now)
        .annotate(due_at=due_at)
        .filter(due_at__lte=now)
    )
    for rule in rules:
        registrations = (
            Registration.objects.filter(
                event_id=rule.event_id,
                status=Registration.Status.CONFIRMED,
                created_at__lte=rule.due_at,
            )
            .exclude(reminder_deliveries__rule=rule)
            .values_list("pk", flat=True)
        )
        for registration_id in registrations.iterator():
            yield registration_id, rule.pk


def reminders_schedule(*, now=None, batch_size=1000) -> int:
    """Write the due reminders into the ledger as pending deliveries (idempotent: the unique
    (registration, rule) key keeps each once, however many sweeps run at the same time)."""
    now = now or timezone.now()
    created = 0
    batch = []
    for registration_id, rule_id in reminders_due(now=now):
        batch.append(
            ReminderDelivery(registration_id=registration_id, rule_id=rule_id, next_attempt_at=now)
        )
        if len(batch) >= batch_size:
            created += len(ReminderDelivery.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        created += len(ReminderDelivery.objects.bulk_create(batch, ignore_conflicts=True))
    return created


def outbox_resend(*, rows) -> int:
    """Staff send failed (or sent) emails again: back to pending, attempts reset."""
    return rows.exclude(status__in=["pending", "claimed"]).update(
        status="pending", attempts=0, error="", next_attempt_at=timezone.now(), claim_token=None
    )
