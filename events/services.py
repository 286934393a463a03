"""Writes and side effects for events. Views, admin and tasks call these; nothing else writes.

The rules of registration live here: who may register and when, confirmed or waiting list,
one active registration per email, cancellation and promotion from the waiting list.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, OrganisationEmailDomain

from .delivery import deliver_outbox
from .invitations import invitation_mark_registered, invitation_refusal
from .models import (
    DefaultReminder,
    Event,
    Registration,
    RegistrationNotice,
    ReminderDelivery,
    ReminderRule,
)
from .questions import event_questions_copy_from_type, registration_answers_save
from .telegram_bot import telegram_chat_for_email
from .telegram_outbox import telegram_queue, telegram_queue_event_news, telegram_queue_reminders

logger = logging.getLogger(__name__)

# What a calendar app or a registrant relies on: a change to any of these is a new revision.
SCHEDULE_FIELDS = frozenset(
    {"starts_at", "ends_at", "venue", "venue_km", "venue_en", "online_url", "status"}
)


class Refused(Exception):
    """A rule says no; `message` says why, in the reader's words, and `code` names the rule."""

    def __init__(self, message, code):
        super().__init__(str(message))
        self.message = message
        self.code = code


class RegistrationRefused(Refused):
    """The event does not take this registration."""


class OfferRefused(Refused):
    """A seat offer that can no longer be answered (it passed on, or was answered)."""


@dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    created: bool


# However often the form is posted with an address already registered, the link goes to it
# again at most once in this time (the form must not become a way to flood an inbox).
LINK_AGAIN_INTERVAL = datetime.timedelta(minutes=10)


def event_people_to_tell(event: Event) -> int:
    """How many registrants a change of time, place or status would be told of."""
    if event.pk is None:
        return 0
    return event.registrations.told_of_changes().count()


@transaction.atomic
def event_save(*, event: Event, changed_fields=(), default_reminders=True) -> Event:
    """Save an event and carry out what follows from the change.

    - A new event gets its type's default reminders, unless `default_reminders` is False (the
      admin saves the event's own reminders first, then calls event_apply_default_reminders).
    - A change of time, place (the join link too) or status raises the calendar SEQUENCE
      (RFC 5545: calendar apps replace an event only when it grows) and owes every confirmed
      and waiting registrant one notice for that revision: an update with the new .ics, or a
      cancellation notice. A change of the join link alone is told to confirmed registrants
      only: the others do not get the link.
    """
    is_new = event.pk is None
    event.save()
    if is_new:
        event_questions_copy_from_type(event=event)
        if default_reminders:
            event_apply_default_reminders(event=event)
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
    registrations = event.registrations.told_of_changes()
    if kind == RegistrationNotice.Kind.CHANGED and set(changed_fields) & SCHEDULE_FIELDS == {
        "online_url"
    }:
        # A new join link and nothing else: news only to those who get the link (the seat
        # holders; events.join_links), whose notice, rendered when sent, carries the new one.
        registrations = registrations.filter(status__in=Registration.SEAT_HOLDING)
    notices = RegistrationNotice.objects.bulk_create(
        [
            RegistrationNotice(registration=registration, kind=kind, once_key=once_key)
            for registration in registrations
        ],
        ignore_conflicts=True,
    )
    telegram_queue_event_news(registrations=registrations, kind=kind, once_key=once_key)
    if notices:
        # Delivered by the outbox sweep (within a minute), in batches over one connection.
        logger.info("Event %s changed: %s registrants to tell", event.pk, len(notices))
    return event


@transaction.atomic
def event_apply_default_reminders(*, event: Event) -> list:
    """Give an event that has no reminders its type's default reminders (DefaultReminder rows:
    a type without any gives none). Returns the reminders added; an event that already has
    reminders of its own is left as it is."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.reminder_rules.exists():
        return []
    offsets = DefaultReminder.objects.filter(event_type_id=event.event_type_id).values_list(
        "offset", flat=True
    )
    return ReminderRule.objects.bulk_create(
        [ReminderRule(event=event, offset=offset) for offset in offsets]
    )


def _deliver_after_commit(model_name, ids):
    """Ask a worker to send now; if the broker is down the rows stay pending in the database
    and the outbox sweep sends them when it can."""

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
    # The same news on Telegram for those who opted in (events.telegram_outbox).
    telegram_queue(registration=registration, kind=kind, once_key=f"notice:{notice.pk}")
    return notice


def registration_check_organisation(*, event, organisation):
    """Raise RegistrationRefused when staff add someone from `organisation` (None: not a
    member, or none given) to a members-only event, which takes active members only. The
    public is not refused by a typed name: see registration_membership."""
    if not event.accepts_organisation(organisation):
        raise RegistrationRefused(
            _("This event is for CCC member organisations only. Choose your organisation."),
            "members_only",
        )


def registration_check_event_accepts(
    *, event, organisation, now=None, by_staff=False, invitation=None, email=None
):
    """Raise RegistrationRefused when `event` takes no registration (for `organisation`) now.

    Staff may add people outside the registration window (a late or phoned-in registration)
    until the event ends, but not to a draft or cancelled event, and only members to a
    members-only event. An event by invitation only takes the public only with an invitation
    to it, for the address `email` (events.invitations); staff adding people are not refused.
    """
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        raise RegistrationRefused(_("This event has been cancelled."), "cancelled")
    if by_staff:
        if event.status != Event.Status.PUBLISHED:
            raise RegistrationRefused(_("Publish the event before adding registrations."), "draft")
        if event.ends_at <= now:
            raise RegistrationRefused(_("This event is over."), "over")
        registration_check_organisation(event=event, organisation=organisation)
        return
    if not event.is_registration_open(now):
        raise RegistrationRefused(_("Registration for this event is closed."), "closed")
    refusal = invitation_refusal(event=event, invitation=invitation, email=email)
    if refusal:
        raise RegistrationRefused(refusal, "invitation_only")


@dataclass(frozen=True)
class Membership:
    organisation: Organisation | None
    proof: str  # Registration.MembershipProof

    @property
    def is_proven_member(self):
        return bool(self.proof and self.organisation and self.organisation.is_active_member)


def registration_membership(*, email, organisation, vouched_for=None, added_by=None):
    """Which organisation a registration is counted for, and what proves it.

    Proof, strongest first: the organisation's signed-in focal person registered the person
    (`vouched_for`, from accounts); staff added them; the address is on a domain staff verified
    for an active member (members.OrganisationEmailDomain), which then names the organisation
    whatever was typed. A typed name proves nothing: it is kept for the figures only.
    """
    if vouched_for is not None:
        return Membership(vouched_for, Registration.MembershipProof.FOCAL_PERSON)
    if added_by is not None:
        return Membership(organisation, Registration.MembershipProof.STAFF)
    member = OrganisationEmailDomain.objects.member_for_email(email)
    if member is not None:
        return Membership(member, Registration.MembershipProof.EMAIL_DOMAIN)
    return Membership(organisation, Registration.MembershipProof.NONE)


def registration_create(
    *,
    event: Event,
    data: dict,
    now=None,
    added_by=None,
    capacity_override=False,
    invitation=None,
    vouched_for=None,
    registered_by=None,
) -> RegistrationOutcome:
    """Register one person for an event: confirmed, on the waiting list, or awaiting approval
    when the event approves registrations first (Event.requires_approval; staff adding someone
    approve by adding them), or when a members-only event cannot tell that the person is a
    member's (registration_membership): staff then decide, seeing the typed organisation. The
    answers to the event's questions (data["answers"]) are saved in the same transaction: a
    refused answer (ValidationError) saves nothing.

    Guarantees: confirmed registrations never exceed the capacity, however many people
    register at once (the event row is locked while the decision is made), except when a
    staff member (`added_by`) asks for `capacity_override`, which is then recorded on the
    registration; one active registration per email and event (a second attempt returns the
    first and re-sends its link, at most once in LINK_AGAIN_INTERVAL); the confirmation email
    is queued only once the registration is committed. `vouched_for` and `registered_by` are
    a signed-in focal person's organisation and user (accounts).
    """
    now = now or timezone.now()
    email = data["email"].strip()
    try:
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event.pk)
            return _register_locked(
                event,
                data,
                now=now,
                added_by=added_by,
                capacity_override=capacity_override,
                invitation=invitation,
                vouched_for=vouched_for,
                registered_by=registered_by,
            )
    except IntegrityError:
        # The same email raced itself past the check above (a double click): the database's
        # unique index kept one; answer with that one.
        existing = Registration.objects.active().filter(event=event, email__iexact=email).first()
        if existing is None:
            raise
        return RegistrationOutcome(existing, created=False)


def registrations_create_group(
    *, event: Event, people: list, vouched_for, registered_by, now=None
) -> list:
    """A focal person registers several colleagues at once (accounts.views.group_register).

    One transaction under the event row lock: seats go to the people in the order given, as
    many as are free, and the rest join the waiting list (or all await approval where the
    event approves first). A refusal or a refused answer saves no one. Each person gets their
    own confirmation and link. Returns one RegistrationOutcome per person, in order (created
    False: that address was already registered, and keeps its registration).
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        return [
            _register_locked(
                event, data, now=now, vouched_for=vouched_for, registered_by=registered_by
            )
            for data in people
        ]


def _register_locked(
    event,
    data,
    *,
    now,
    added_by=None,
    capacity_override=False,
    invitation=None,
    vouched_for=None,
    registered_by=None,
):
    """registration_create's decision, with the event row locked by the caller."""
    email = data["email"].strip()
    organisation = data.get("organisation")
    if organisation is not None and not isinstance(organisation, Organisation):
        raise TypeError("organisation must be an Organisation or None")
    membership = registration_membership(
        email=email, organisation=organisation, vouched_for=vouched_for, added_by=added_by
    )
    registration_check_event_accepts(
        event=event,
        organisation=membership.organisation,
        now=now,
        by_staff=added_by is not None,
        invitation=invitation,
        email=email,
    )
    existing = event.registrations.active().filter(email__iexact=email).first()
    if existing:
        _queue_link_again(existing)
        if invitation is not None:
            invitation_mark_registered(invitation=invitation, registration=existing)
        return RegistrationOutcome(existing, created=False)
    has_seat = _has_free_seat(event)
    over_capacity = not has_seat and capacity_override and added_by is not None
    if over_capacity:
        has_seat = True
    # Staff adding someone decide by adding them: only the public waits for approval, and
    # for a members-only event, anyone whose membership is not proven.
    awaits_approval = added_by is None and (
        event.requires_approval or (event.is_members_only and not membership.is_proven_member)
    )
    if awaits_approval:
        status = Registration.Status.PENDING
    elif has_seat:
        status = Registration.Status.CONFIRMED
    else:
        status = Registration.Status.WAITING
    organisation = membership.organisation
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
        status=status,
        # Stamped under the lock, so the waiting list's order is the order of decisions.
        created_at=timezone.now(),
        capacity_override_by=added_by if over_capacity else None,
        capacity_override_at=timezone.now() if over_capacity else None,
        membership_proof=membership.proof,
        registered_by=registered_by,
        # The person asked the bot to bring their later registrations too (/always).
        telegram_chat=telegram_chat_for_email(email),
    )
    registration_answers_save(registration=registration, answers=data.get("answers"))
    kind = NOTICE_FOR_STATUS[status]
    notice_queue(registration=registration, kind=kind, once_key=kind)
    if invitation is not None:
        invitation_mark_registered(invitation=invitation, registration=registration)
    return RegistrationOutcome(registration, created=True)


# What a registration is told when it gets each status at registration or approval.
NOTICE_FOR_STATUS = {
    Registration.Status.CONFIRMED: RegistrationNotice.Kind.CONFIRMED,
    Registration.Status.WAITING: RegistrationNotice.Kind.WAITING,
    Registration.Status.PENDING: RegistrationNotice.Kind.PENDING,
}


def _has_free_seat(event):
    """Call with the event row locked. Seats offered from the waiting list count as taken."""
    if event.capacity is None:
        return True
    return event.registrations.seats_taken().count() < event.capacity


def _queue_link_again(registration):
    """The registration link again, unless it went out in the last LINK_AGAIN_INTERVAL.

    Decided under the event row lock the caller holds, so simultaneous posts of one address
    queue one email; the once_key (one per interval) keeps that true on a database without
    row locks, at worst two at the edge of an interval.
    """
    now = timezone.now()
    if registration.notices.filter(
        kind=RegistrationNotice.Kind.EXISTING, created_at__gt=now - LINK_AGAIN_INTERVAL
    ).exists():
        return None
    interval = int(now.timestamp() // LINK_AGAIN_INTERVAL.total_seconds())
    return notice_queue(
        registration=registration,
        kind=RegistrationNotice.Kind.EXISTING,
        once_key=f"{RegistrationNotice.Kind.EXISTING}:{interval}",
    )


@dataclass(frozen=True)
class CancelOutcome:
    cancelled: list  # told by email that their registration is cancelled
    promoted: list  # moved from the waiting list to confirmed, and told by email


@dataclass(frozen=True)
class ConfirmOutcome:
    confirmed: list  # moved from the waiting list to confirmed, and told by email
    over_capacity: list  # those of `confirmed` let in past the capacity by a staff override
    full: list  # left on the waiting list: no seat, and no override


def _events_locked(registrations):
    """The events of `registrations`, locked, in one order (two staff acting on the same events
    at once wait for each other instead of deadlocking)."""
    event_ids = registrations.values_list("event_id", flat=True).distinct()
    return list(Event.objects.select_for_update().filter(pk__in=event_ids).order_by("pk"))


def _promote_next(event, now=None):
    """Give a free seat to the first on the waiting list, or, when the event gives time to
    accept (offer_window_hours), offer it to them; returns that registration or None. Call
    with the event row locked."""
    now = now or timezone.now()
    if not _has_free_seat(event):
        return None
    candidate = event.registrations.select_for_update().waiting_in_order().first()
    if candidate is None:
        return None
    if event.offer_window_hours and event.starts_at > now:
        _offer_seat(candidate, event, now)
    else:
        _confirm_from_waiting_list(candidate)
    return candidate


def _offer_seat(registration, event, now):
    """The seat is held for `registration` until the offer's deadline: the window, but never
    past the event's start."""
    window = datetime.timedelta(hours=event.offer_window_hours)
    registration.status = Registration.Status.OFFERED
    registration.offer_expires_at = min(now + window, event.starts_at)
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    notice_queue(
        registration=registration,
        kind=RegistrationNotice.Kind.OFFERED,
        once_key=RegistrationNotice.Kind.OFFERED,
    )


def _confirm_from_waiting_list(registration, override_by=None):
    registration.status = Registration.Status.CONFIRMED
    fields = ["status", "updated_at"]
    if override_by is not None:
        registration.capacity_override_by = override_by
        registration.capacity_override_at = timezone.now()
        fields += ["capacity_override_by", "capacity_override_at"]
    registration.save(update_fields=fields)
    notice_queue(
        registration=registration,
        kind=RegistrationNotice.Kind.PROMOTED,
        once_key=RegistrationNotice.Kind.PROMOTED,
    )


@transaction.atomic
def registrations_cancel(*, registrations, now=None) -> CancelOutcome:
    """Cancel registrations (those already cancelled are left alone), tell each person, and
    give the freed seats to the waiting list in its order, telling those promoted.

    Per event, under its row lock: all of its registrations in the batch are cancelled first
    and seats given out after, so nobody is promoted and cancelled in one go; at most one
    person is promoted per cancellation, and only into a free seat. Nobody is promoted once
    the event has started or when it is cancelled.
    """
    now = now or timezone.now()
    ids = list(registrations.values_list("pk", flat=True))
    cancelled, promoted = [], []
    for event in _events_locked(Registration.objects.filter(pk__in=ids)):
        batch = list(
            event.registrations.select_for_update()
            .filter(pk__in=ids)
            .active()
            .order_by("created_at", "pk")
        )
        for registration in batch:
            registration.status = Registration.Status.CANCELLED
            registration.cancelled_at = now
            registration.save(update_fields=["status", "cancelled_at", "updated_at"])
            notice_queue(
                registration=registration,
                kind=RegistrationNotice.Kind.CANCELLED,
                once_key=RegistrationNotice.Kind.CANCELLED,
            )
        cancelled += batch
        if event.starts_at <= now or event.is_cancelled:
            continue
        for _cancelled in batch:
            registration = _promote_next(event, now)
            if registration is None:
                break
            promoted.append(registration)
    return CancelOutcome(cancelled=cancelled, promoted=promoted)


def registration_cancel(*, registration: Registration, now=None):
    """Cancel a registration (idempotent), confirm it to the person, and give the seat to the
    first on the waiting list.

    Returns the registration that was promoted, if any.
    """
    outcome = registrations_cancel(
        registrations=Registration.objects.filter(pk=registration.pk), now=now
    )
    return outcome.promoted[0] if outcome.promoted else None


@transaction.atomic
def registrations_confirm_from_waiting_list(*, registrations, override_by=None) -> ConfirmOutcome:
    """Staff move people from the waiting list to confirmed, in waiting-list order, each told
    by email; only into free seats unless `override_by` (the staff member) lets them in past
    the capacity, which is then recorded on each registration it let in. Those who are not
    waiting are left alone."""
    ids = list(registrations.values_list("pk", flat=True))
    confirmed, over_capacity, full = [], [], []
    for event in _events_locked(Registration.objects.filter(pk__in=ids)):
        waiting = event.registrations.select_for_update().filter(pk__in=ids).waiting_in_order()
        for registration in waiting:
            if _has_free_seat(event):
                _confirm_from_waiting_list(registration)
            elif override_by is not None:
                _confirm_from_waiting_list(registration, override_by=override_by)
                over_capacity.append(registration)
            else:
                full.append(registration)
                continue
            confirmed.append(registration)
    return ConfirmOutcome(confirmed=confirmed, over_capacity=over_capacity, full=full)


@dataclass(frozen=True)
class ApproveOutcome:
    confirmed: list  # approved into a free seat, and told so
    waiting: list  # approved onto the waiting list (no free seat), and told so
    skipped: list  # not awaiting approval, or the event no longer takes people: left alone


@transaction.atomic
def registrations_approve(*, registrations, decided_by, reason="", now=None) -> ApproveOutcome:
    """Staff approve registrations awaiting approval, in the order they registered: each takes
    a free seat or, when none is left, a place on the waiting list, and is told which in their
    language, with `reason` if given. Only approved registrations ever take seats; the capacity
    holds as at registration (the event row is locked)."""
    now = now or timezone.now()
    ids = list(registrations.values_list("pk", flat=True))
    confirmed, waiting, skipped = [], [], []
    for event in _events_locked(Registration.objects.filter(pk__in=ids)):
        batch = event.registrations.select_for_update().filter(pk__in=ids).order_by("created_at")
        for registration in batch:
            if (
                registration.status != Registration.Status.PENDING
                or event.is_cancelled
                or event.ends_at <= now
            ):
                skipped.append(registration)
                continue
            if _has_free_seat(event):
                registration.status = Registration.Status.CONFIRMED
                confirmed.append(registration)
            else:
                registration.status = Registration.Status.WAITING
                waiting.append(registration)
            _record_decision(registration, decided_by, reason, now)
    return ApproveOutcome(confirmed=confirmed, waiting=waiting, skipped=skipped)


@transaction.atomic
def registrations_reject(*, registrations, decided_by, reason="", now=None) -> list:
    """Staff turn down registrations awaiting approval; each person is told in their language,
    with `reason` if given. Returns those rejected (others are left alone)."""
    now = now or timezone.now()
    ids = list(registrations.values_list("pk", flat=True))
    rejected = list(
        Registration.objects.select_for_update()
        .filter(pk__in=ids, status=Registration.Status.PENDING)
        .order_by("created_at")
    )
    for registration in rejected:
        registration.status = Registration.Status.REJECTED
        _record_decision(registration, decided_by, reason, now)
    return rejected


def _record_decision(registration, decided_by, reason, now):
    registration.decided_by = decided_by
    registration.decided_at = now
    registration.decision_reason = reason.strip()
    if registration.status != Registration.Status.REJECTED and not registration.membership_proof:
        # Staff approving a registration vouch for it (a members-only event's typed name).
        registration.membership_proof = Registration.MembershipProof.STAFF
    registration.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_reason",
            "membership_proof",
            "updated_at",
        ]
    )
    kind = NOTICE_FOR_STATUS.get(registration.status, RegistrationNotice.Kind.REJECTED)
    notice_queue(registration=registration, kind=kind, once_key=kind)


def registration_offer_accept(*, registration: Registration, now=None) -> Registration:
    """The person offered a freed seat takes it, before the offer's deadline. Accepting twice
    is harmless. Late (the sweep may not have passed it on yet): the offer passes on now and
    OfferRefused says so. Under the event row lock, so an accept and the sweep, or two
    accepts, never leave two people holding one seat."""
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.offer_outcome == Registration.OfferOutcome.ACCEPTED:
            return registration
        if registration.offer_is_open(now):
            registration.status = Registration.Status.CONFIRMED
            registration.offer_outcome = Registration.OfferOutcome.ACCEPTED
            registration.save(update_fields=["status", "offer_outcome", "updated_at"])
            notice_queue(
                registration=registration,
                kind=RegistrationNotice.Kind.PROMOTED,
                once_key=RegistrationNotice.Kind.PROMOTED,
            )
            return registration
        if registration.status == Registration.Status.OFFERED:
            _pass_offer_on(registration, event, now)
        refusal = _offer_refusal(registration)
    raise refusal


def registration_offer_decline(*, registration: Registration, now=None) -> Registration:
    """The person offered a freed seat says no: their registration ends and the seat is
    offered to the next person at once. Declining twice is harmless."""
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.offer_outcome == Registration.OfferOutcome.DECLINED:
            return registration
        if registration.offer_is_open(now):
            _end_offer(registration, Registration.OfferOutcome.DECLINED, now)
            notice_queue(
                registration=registration,
                kind=RegistrationNotice.Kind.CANCELLED,
                once_key=RegistrationNotice.Kind.CANCELLED,
            )
            _promote_next(event, now)
            return registration
        if registration.status == Registration.Status.OFFERED:
            _pass_offer_on(registration, event, now)
        refusal = _offer_refusal(registration)
    raise refusal


def offers_pass_on_expired(*, now=None) -> int:
    """Every seat offer not accepted in time passes to the next person on its waiting list
    (the beat sweep calls this each minute; no task waits for a deadline). Each event is
    locked while its offers move; returns how many offers passed on."""
    now = now or timezone.now()
    passed = 0
    event_ids = Registration.objects.offers_expired(now).values_list("event_id", flat=True)
    for event_id in sorted(set(event_ids)):
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event_id)
            for registration in event.registrations.select_for_update().offers_expired(now):
                _pass_offer_on(registration, event, now)
                passed += 1
    return passed


def _pass_offer_on(registration, event, now):
    """Call with the event row locked: the offer lapses, the person is told, and the seat goes
    to the next person on the waiting list."""
    _end_offer(registration, Registration.OfferOutcome.PASSED_ON, now)
    notice_queue(
        registration=registration,
        kind=RegistrationNotice.Kind.OFFER_PASSED,
        once_key=RegistrationNotice.Kind.OFFER_PASSED,
    )
    _promote_next(event, now)


def _end_offer(registration, outcome, now):
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.offer_outcome = outcome
    registration.save(update_fields=["status", "cancelled_at", "offer_outcome", "updated_at"])


def _offer_refusal(registration):
    if registration.offer_outcome == Registration.OfferOutcome.PASSED_ON:
        return OfferRefused(
            _("The time to accept this seat has passed, so it was offered to the next person."),
            "offer_passed",
        )
    return OfferRefused(_("There is no seat offer to answer on this registration."), "no_offer")


class _DryRun(Exception):
    pass


def _dry_run(service, **kwargs):
    """What `service` would do now: it runs in a savepoint that is then rolled back, so a
    preview follows exactly the rules that will apply. Emails it queues are dropped with the
    savepoint (Django discards on-commit callbacks of a rolled-back savepoint)."""
    outcome = None
    try:
        with transaction.atomic():
            outcome = service(**kwargs)
            raise _DryRun
    except _DryRun:
        pass
    return outcome


def registrations_cancel_preview(*, registrations, now=None) -> CancelOutcome:
    """Who registrations_cancel would cancel and promote now, changing nothing."""
    return _dry_run(registrations_cancel, registrations=registrations, now=now)


def registrations_confirm_preview(*, registrations) -> ConfirmOutcome:
    """Who registrations_confirm_from_waiting_list would confirm now without an override, and
    who would stay on the waiting list for want of a seat; changes nothing."""
    return _dry_run(registrations_confirm_from_waiting_list, registrations=registrations)


def registrations_mark_attended(*, registrations) -> int:
    """Mark confirmed registrations as attended; returns how many changed."""
    return registrations.filter(status=Registration.Status.CONFIRMED).update(
        status=Registration.Status.ATTENDED, updated_at=timezone.now()
    )


def registrations_undo_attended(*, registrations) -> int:
    """Put registrations marked attended by mistake back to confirmed (the seat stays
    theirs); returns how many changed."""
    return registrations.filter(status=Registration.Status.ATTENDED).update(
        status=Registration.Status.CONFIRMED, updated_at=timezone.now()
    )


def event_message_registrants(
    *, event: Event, statuses, texts, user=None, expected_count=None, review_key=None
) -> int:
    """Owe the event's registrants in `statuses` an email from staff; returns how many.

    `texts` holds subject_km, body_km, subject_en and body_en; a language left empty is
    read in the other one (EventMessage.text_for). With `expected_count` (the number staff
    were shown on the review page), nothing is written when the number has changed since:
    MessageAudienceChanged says the new one, for staff to look again. With `review_key` (one
    per review page), a second send from the same page writes nothing and raises
    MessageAlreadySent.

    One outbox row per registrant, written in this transaction with the message, so staff
    see who got it and who did not (admin: messages to registrants), and a refused or
    unreachable address is retried or sent again like any other email. Each is rendered in
    the registrant's language when it is sent; a worker is asked after commit.
    """
    from .models import EventMessage, EventMessageDelivery

    draft = event_message_draft(event=event, texts=texts)
    if not any(draft.written_in(language) for language in MESSAGE_LANGUAGES):
        raise ValueError("A message needs a subject and a body in at least one language.")
    with transaction.atomic():
        # New registrations wait for this (registration_create locks the event too), so the
        # number checked is the number written.
        Event.objects.select_for_update().filter(pk=event.pk).first()
        registrations = list(
            event_message_recipients(event=event, statuses=statuses).values_list("pk", flat=True)
        )
        already = EventMessage.objects.filter(review_key=review_key)
        if review_key is not None and already.exists():
            raise MessageAlreadySent
        if expected_count is not None and len(registrations) != expected_count:
            raise MessageAudienceChanged(len(registrations))
        if not registrations:
            return 0
        draft.statuses = list(statuses)
        draft.sent_by = user
        draft.review_key = review_key
        try:
            with transaction.atomic():
                draft.save()
        except IntegrityError as error:  # the same page sent twice at once
            raise MessageAlreadySent from error
        EventMessageDelivery.objects.bulk_create(
            EventMessageDelivery(message=draft, registration_id=registration_id)
            for registration_id in registrations
        )
        _deliver_after_commit("message", None)
    return len(registrations)


MESSAGE_LANGUAGES = ("km", "en")
MESSAGE_TEXT_FIELDS = ("subject_km", "body_km", "subject_en", "body_en")
# Whom staff may write to, each as the registration statuses it stands for.
MESSAGE_AUDIENCES = {
    "confirmed": (Registration.Status.CONFIRMED,),
    "waiting": (Registration.Status.WAITING,),
    "attended": (Registration.Status.ATTENDED,),
    "active": (
        Registration.Status.CONFIRMED,
        Registration.Status.WAITING,
        Registration.Status.ATTENDED,
    ),
}


class MessageAudienceChanged(Exception):
    """Registrations changed between staff's review and the send; `count` is the new number."""

    def __init__(self, count):
        super().__init__(count)
        self.count = count


class MessageAlreadySent(Exception):
    """This review page's message was sent already (a second click on "Send")."""


class MessageTestRefused(Exception):
    """The test could not go to the staff member; `message` says why, in their words."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def event_message_recipients(*, event, statuses):
    """The registrations a message to `statuses` goes to (each one address: an email has one
    active registration per event)."""
    return event.registrations.filter(status__in=list(statuses))


def event_message_audience_counts(*, event) -> dict:
    """How many people each choice of MESSAGE_AUDIENCES reaches at this event."""
    from django.db.models import Count

    by_status = dict(
        event.registrations.order_by().values_list("status").annotate(count=Count("pk"))
    )
    return {
        audience: sum(by_status.get(status, 0) for status in statuses)
        for audience, statuses in MESSAGE_AUDIENCES.items()
    }


def event_message_draft(*, event, texts):
    """An unsaved message with staff's texts, for the preview, the test and the send."""
    from .models import EventMessage

    return EventMessage(
        event=event, **{field: (texts.get(field) or "").strip() for field in MESSAGE_TEXT_FIELDS}
    )


@dataclass
class MessageLanguagePreview:
    """What the readers of one language get."""

    language: str
    count: int
    text_language: str  # the language of the text they read: theirs, or the other one
    subject: str
    html: str
    text: str

    @property
    def falls_back(self):
        return self.text_language != self.language


@dataclass
class MessagePreview:
    count: int
    languages: list

    @property
    def fallbacks(self):
        """The languages whose readers get the other language's text."""
        return [each for each in self.languages if each.count and each.falls_back]


def _stand_in_registration(*, event, language, status, full_name, email=""):
    """An unsaved registration to render a message for: the preview and the test have no
    reader of their own, so their links lead to no registration."""
    return Registration(
        event=event, full_name=full_name, email=email, language=language, status=status
    )


def event_message_preview(*, event, statuses, texts, reader_name) -> MessagePreview:
    """How many people a message would go to, how many in each language, which language's
    text each gets, and each language's email as rendered (addressed to `reader_name`)."""
    from django.db.models import Count

    from .emails import event_message_render

    draft = event_message_draft(event=event, texts=texts)
    counts = dict(
        event_message_recipients(event=event, statuses=statuses)
        .order_by()
        .values_list("language")
        .annotate(count=Count("pk"))
    )
    languages = []
    for language in MESSAGE_LANGUAGES:
        registration = _stand_in_registration(
            event=event, language=language, status=list(statuses)[0], full_name=reader_name
        )
        email = event_message_render(draft, registration)
        languages.append(
            MessageLanguagePreview(
                language=language,
                count=counts.get(language, 0),
                text_language=draft.language_for(language),
                subject=email.subject,
                html=email.alternatives[0][0],
                text=email.body,
            )
        )
    return MessagePreview(count=sum(counts.values()), languages=languages)


def event_message_send_test(*, event, statuses, texts, user) -> list:
    """Send `user` the message once in each language, rendered as its readers get it, now
    (not through the outbox: staff wait for it). Returns the emails sent; raises
    MessageTestRefused when the user has no address or the mail server refuses."""
    import smtplib

    from django.core.mail import get_connection

    from .emails import event_message_render

    if not user.email:
        raise MessageTestRefused(
            _(
                "Your account has no email address, so the test cannot be sent to you. "
                "Add one to your account first."
            )
        )
    draft = event_message_draft(event=event, texts=texts)
    emails = [
        event_message_render(
            draft,
            _stand_in_registration(
                event=event,
                language=language,
                status=list(statuses)[0],
                full_name=user.get_full_name() or user.get_username(),
                email=user.email,
            ),
        )
        for language in MESSAGE_LANGUAGES
    ]
    try:
        get_connection().send_messages(emails)
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Test message to %s failed: %s", user.email, error)
        raise MessageTestRefused(
            _("The mail server did not take the test; please try again later.")
        ) from error
    return emails


def reminders_due(*, now=None, with_telegram_chat=False):
    """(registration, rule) pairs owed a reminder now and not yet in the ledger.

    Owed: the registrant is still owed the event's reminders (confirmed, the event published
    and not started: RegistrationQuerySet.owed_reminders, which the send checks again), the
    reminder's moment (start minus offset) has come (ReminderRuleQuerySet.due), and the
    registration existed by then (someone who registers after the moment does not get that
    late reminder). `with_telegram_chat`: triples, with the registration's linked Telegram
    chat (or None).
    """
    now = now or timezone.now()
    for rule in ReminderRule.objects.due(now):
        registrations = Registration.objects.owed_reminders(now).filter(
            event_id=rule.event_id, created_at__lte=rule.due_at
        )
        # Those already in the ledger are left out here, not by an anti-join in SQL: right
        # after a sweep wrote a big event's rows, PostgreSQL's statistics still say the rule
        # has none, and it planned the join as a nested loop over all of them (37 s for
        # 20,000 registrants, the next minute's sweep; bench, issue 18).
        scheduled = set(
            ReminderDelivery.objects.filter(rule=rule)
            .order_by()  # not the model's newest-first: a set needs no sort
            .values_list("registration_id", flat=True)
        )
        for registration_id, chat_id in registrations.values_list(
            "pk", "telegram_chat_id"
        ).iterator():
            if registration_id in scheduled:
                continue
            if with_telegram_chat:
                yield registration_id, rule.pk, chat_id
            else:
                yield registration_id, rule.pk


def reminders_schedule(*, now=None, batch_size=1000) -> int:
    """Write the due reminders into the ledger as pending deliveries (idempotent: the unique
    (registration, rule) key keeps each once, however many sweeps run at the same time)."""
    now = now or timezone.now()
    created = 0
    batch = []
    for registration_id, rule_id, chat_id in reminders_due(now=now, with_telegram_chat=True):
        batch.append((registration_id, rule_id, chat_id))
        if len(batch) >= batch_size:
            created += _reminders_write(batch, now)
            batch = []
    if batch:
        created += _reminders_write(batch, now)
    return created


@transaction.atomic
def _reminders_write(batch, now):
    """Reminder rows and, for registrants who opted in, their Telegram twins, together."""
    rows = [
        ReminderDelivery(registration_id=registration_id, rule_id=rule_id, next_attempt_at=now)
        for registration_id, rule_id, _chat_id in batch
    ]
    created = len(ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True))
    telegram_queue_reminders(deliveries=[row for row in batch if row[2]])
    return created


def outbox_resend(*, rows) -> int:
    """Staff send failed (or sent) emails again: back to pending, attempts reset."""
    from core import outbox

    return outbox.resend(rows)
