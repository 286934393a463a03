"""Invitations to closed meetings. An event that is by invitation only (Event.by_invitation)
takes public registrations only from the people staff invited, each through their own link
(EventInvitation.token: the invitation's random id, signed with a salt of its own) and only
with the address they were invited at.

- Staff invite by pasting addresses or by picking contacts, organisations (their main
  contacts) or provincial networks (the main contacts of the organisation that holds the
  network's secretariat, or else its chair: our "network focal persons"). One invitation per
  address and event: an address already invited is skipped and counted.
- Each invitee gets one invitation email in the language staff chose for them, and at most
  one reminder while they have not answered. Both are outbox rows (InvitationDelivery),
  unique per invitation and kind, so no click, double click or race emails anyone twice.
- Invitees answer from their link: register (events.services.registration_create, which
  asks `invitation_refusal` and calls `invitation_mark_registered` inside its transaction)
  or decline.

Below the services, above the delivery: this module queues its own emails after commit.
"""

import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import clean_text
from members.models import Contact

from .delivery import deliver_outbox
from .models import Event, EventInvitation, InvitationDelivery

logger = logging.getLogger(__name__)

# Pasted addresses may be separated by new lines, commas or semicolons; "Name <address>"
# keeps the name.
SEPARATORS = re.compile(r"[\r\n,;]+")
INVITATION_ONLY = _(
    "This event is by invitation only. Please register through the personal link in your "
    "invitation email."
)


class InvitationRefused(Exception):
    """A rule says no; `message` says why, in the reader's words, and `code` names the rule."""

    def __init__(self, message, code):
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Invitee:
    """Someone to invite: an address, and where staff found it."""

    email: str
    name: str = ""
    contact: Contact | None = None
    organisation: object = None
    network: object = None


@dataclass(frozen=True)
class InvitationOutcome:
    created: list  # the new invitations, each owed its email
    duplicates: int  # addresses skipped: already invited, or given twice


# --- Who to invite -----------------------------------------------------------------------------


def invitees_from_text(text):
    """(invitees, invalid) from pasted text: each valid address once per line or piece
    ("Name <address>" keeps the name; addresses on one line may also be separated by
    spaces), and the pieces that are not an email address, as typed."""
    invitees, invalid = [], []
    for line in SEPARATORS.split(clean_text(text or "")):
        line = line.strip()
        if not line:
            continue
        pieces = [line] if "<" in line else line.split()
        for piece in pieces:
            name, address = _name_and_address(piece)
            if address is None:
                invalid.append(piece)
            else:
                invitees.append(Invitee(email=address, name=name))
    return invitees, invalid


def _name_and_address(piece):
    """("Sok Dara", "dara@example.org") from "Sok Dara <dara@example.org>" or a bare address;
    (name, None) when the piece holds no valid address."""
    name, address = "", piece
    match = re.fullmatch(r"\s*\"?([^\"<]*?)\"?\s*<([^<>]*)>\s*", piece)
    if match:
        name, address = match.group(1).strip(), match.group(2).strip()
    try:
        validate_email(address)
    except ValidationError:
        return name, None
    return name, address.lower()


def invitees_from_contacts(contacts):
    """One invitee per contact that has an email address."""
    return [
        Invitee(
            email=contact.email.strip().lower(),
            name=contact.full_name,
            contact=contact,
            organisation=contact.organisation,
        )
        for contact in contacts
        if contact.email.strip()
    ]


def organisation_contacts(organisations):
    """{organisation: its contacts to invite}: its main contacts that have an email address,
    or, where no main contact has one, every contact that has one (possibly none)."""
    found = {organisation: [] for organisation in organisations}
    contacts = (
        Contact.objects.filter(organisation__in=list(found))
        .exclude(email="")
        .select_related("organisation")
        .order_by("organisation", "-is_primary", "full_name", "pk")
    )
    for contact in contacts:
        found[contact.organisation].append(contact)
    return {
        organisation: [c for c in people if c.is_primary] or people
        for organisation, people in found.items()
    }


def network_focal_contacts(network):
    """A provincial network's focal persons: the main contacts (see organisation_contacts) of
    the organisations holding its secretariat, or else of those chairing it."""
    from networks.models import NetworkMembership

    Role = NetworkMembership.Role
    for role in (Role.SECRETARIAT, Role.CHAIR):
        holders = [m.organisation for m in network.memberships.filter(role=role)]
        contacts = [c for people in organisation_contacts(holders).values() for c in people]
        if contacts:
            return contacts
    return []


@dataclass(frozen=True)
class PickedInvitees:
    invitees: list
    unreachable: list  # contacts, organisations and networks with no address, for staff


def invitees_picked(*, contacts=(), organisations=(), networks=()):
    """The invitees staff picked: contacts themselves, organisations' main contacts and
    networks' focal persons; and what was picked but has no address to write to."""
    invitees = invitees_from_contacts(contacts)
    unreachable = [contact for contact in contacts if not contact.email.strip()]
    for organisation, people in organisation_contacts(organisations).items():
        invitees += invitees_from_contacts(people)
        if not people:
            unreachable.append(organisation)
    for network in networks:
        people = network_focal_contacts(network)
        invitees += [
            Invitee(
                email=person.email,
                name=person.name,
                contact=person.contact,
                organisation=person.organisation,
                network=network,
            )
            for person in invitees_from_contacts(people)
        ]
        if not people:
            unreachable.append(network)
    return PickedInvitees(invitees=invitees, unreachable=unreachable)


# --- Inviting and reminding --------------------------------------------------------------------


def _deliver_after_commit():
    """Ask a worker to send now; if the broker is down the rows stay pending and the outbox
    sweep sends them when it can."""

    def send():
        try:
            deliver_outbox.delay("invitation")
        except Exception:  # broker unreachable: the sweep will catch up
            logger.warning("Could not queue invitation emails; the sweep will send them")

    transaction.on_commit(send)


def invitations_refusal(event, now=None):
    """Why nobody can be invited to (or reminded of) `event` now, or None."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return _("This event has been cancelled.")
    if event.status != Event.Status.PUBLISHED:
        return _("Publish the event before inviting people.")
    closes_at = event.registration_closes_at
    if event.starts_at <= now or (closes_at is not None and closes_at <= now):
        return _("Registration for this event is closed, so nobody can be invited or reminded.")
    return None


def invitations_create(*, event, invitees, language, invited_by=None, now=None):
    """Invite `invitees` to `event`, each owed one invitation email in `language`.

    Guarantees: one invitation per address and event (addresses already invited, or given
    twice, are skipped and counted in `duplicates`; the unique key backs this); every
    address is valid, or nothing is saved (ValueError); nothing is saved for an event that
    cannot take registrations (InvitationRefused). The emails are queued after commit.
    """
    now = now or timezone.now()
    for invitee in invitees:
        try:
            validate_email(invitee.email)
        except ValidationError:
            raise ValueError(f"Not an email address: {invitee.email!r}") from None
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        refusal = invitations_refusal(event, now)
        if refusal:
            raise InvitationRefused(refusal, "closed")
        seen = set(event.invitations.values_list("email", flat=True))
        new, duplicates = [], 0
        for invitee in invitees:
            email = invitee.email.strip().lower()
            if email in seen:
                duplicates += 1
                continue
            seen.add(email)
            new.append(
                EventInvitation(
                    event=event,
                    email=email,
                    name=invitee.name[:150],
                    language=language,
                    contact=invitee.contact,
                    organisation=invitee.organisation,
                    network=invitee.network,
                    invited_by=invited_by,
                    created_at=now,
                )
            )
        created = EventInvitation.objects.bulk_create(new)
        if created:
            # Read back by address: SQLite before 3.35 returns no ids from a bulk insert.
            ids = event.invitations.filter(email__in=[i.email for i in created]).values_list(
                "pk", flat=True
            )
            InvitationDelivery.objects.bulk_create(
                [
                    InvitationDelivery(invitation_id=pk, kind=InvitationDelivery.Kind.INVITATION)
                    for pk in ids
                ]
            )
            _deliver_after_commit()
    return InvitationOutcome(created=created, duplicates=duplicates)


def invitations_remind(*, event, now=None) -> int:
    """Owe one reminder to each invitee of `event` who has not answered and has not been
    reminded; returns how many. Once only: a second call (a second click, two staff at once:
    the event row is locked, and the unique key backs it) reminds nobody again."""
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        refusal = invitations_refusal(event, now)
        if refusal:
            raise InvitationRefused(refusal, "closed")
        owed = list(event.invitations.unanswered().not_reminded().values_list("pk", flat=True))
        InvitationDelivery.objects.bulk_create(
            [
                InvitationDelivery(invitation_id=pk, kind=InvitationDelivery.Kind.REMINDER)
                for pk in owed
            ],
            ignore_conflicts=True,
        )
        if owed:
            _deliver_after_commit()
    return len(owed)


# --- The invitee's answers ---------------------------------------------------------------------


def invitation_from_token(*, token, slug):
    """The invitation a personal link stands for, or None: a link not made by us or altered,
    an invitation since deleted, or a link put under another event's address."""
    public_id = EventInvitation.public_id_from_token(token)
    if public_id is None:
        return None
    return (
        EventInvitation.objects.select_related("event__event_type", "registration")
        .filter(public_id=public_id, event__slug=slug)
        .filter(event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
        .first()
    )


def invitation_refusal(*, event, invitation, email):
    """Why `event` refuses a public registration as `email` with `invitation` (None: no
    invitation), or None when it takes it. An event by invitation only takes its own
    invitees, each with the address they were invited at; other events take anyone."""
    if not event.by_invitation:
        return None
    if (
        invitation is None
        or invitation.event_id != event.pk
        or (email or "").strip().lower() != invitation.email
    ):
        return INVITATION_ONLY
    return None


def invitation_mark_registered(*, invitation, registration, now=None):
    """Record that the invitee registered (also after declining: they changed their mind).
    Call inside the transaction that made the registration."""
    now = now or timezone.now()
    EventInvitation.objects.filter(pk=invitation.pk).update(
        status=EventInvitation.Status.REGISTERED, registration=registration, answered_at=now
    )
    invitation.status = EventInvitation.Status.REGISTERED
    invitation.registration = registration
    invitation.answered_at = now


def invitation_decline(*, invitation, now=None):
    """The invitee declines (twice is harmless). Someone registered is told to cancel their
    registration instead (InvitationRefused): declining must not leave a seat taken."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = EventInvitation.objects.select_for_update().get(pk=invitation.pk)
        registration = invitation.registration
        if registration is not None and registration.is_active:
            raise InvitationRefused(
                _(
                    "You are registered for this event. To withdraw, cancel your registration "
                    "from your registration page."
                ),
                "registered",
            )
        if invitation.status != EventInvitation.Status.DECLINED:
            invitation.status = EventInvitation.Status.DECLINED
            invitation.answered_at = now
            invitation.save(update_fields=["status", "answered_at"])
    return invitation


# --- For staff ---------------------------------------------------------------------------------


def invitation_counts(*, event) -> dict:
    """How many of the event's invitees are invited without an answer, registered, declined;
    the total; how many were reminded, and how many a reminder would reach now."""
    Status = EventInvitation.Status
    reminded = Q(deliveries__kind=InvitationDelivery.Kind.REMINDER)
    counts = event.invitations.aggregate(
        total=Count("pk", distinct=True),
        invited=Count("pk", filter=Q(status=Status.INVITED), distinct=True),
        registered=Count("pk", filter=Q(status=Status.REGISTERED), distinct=True),
        declined=Count("pk", filter=Q(status=Status.DECLINED), distinct=True),
        reminded=Count("pk", filter=reminded, distinct=True),
    )
    counts["to_remind"] = event.invitations.unanswered().not_reminded().count()
    return counts
