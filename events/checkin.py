"""Check-in at the door: one person at a time, by staff on a phone.

The rules: only a confirmed registration can be checked in (attended); a cancelled one or one
on the waiting list is refused with a message and left as it is; checking in twice, or undoing
twice, changes nothing the second time (the phone's queue may send a tap again). Walk-ins are
registered through registration_create as staff and checked in, in one transaction.

Counts and the search read only; the writes go through events.services.
"""

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.localization import latin_digits
from core.text import normalise_search

from .models import Event, Registration
from .services import (
    Refused,
    RegistrationRefused,
    registration_create,
    registrations_mark_attended,
    registrations_undo_attended,
)

Status = Registration.Status


class CheckInRefused(Refused):
    """This registration cannot be checked in (or undone)."""


@dataclass(frozen=True)
class CheckInOutcome:
    registration: Registration
    changed: bool  # False: it already was in the state asked for


@dataclass(frozen=True)
class WalkInOutcome:
    registration: Registration
    created: bool  # False: the email was already registered (checked in, if confirmed)
    over_capacity: bool  # let in past the capacity (the staff member is recorded)


@dataclass(frozen=True)
class CheckInCounts:
    checked_in: int  # attended
    expected: int  # confirmed + attended
    walk_ins: int  # attended, registered at the door (see walk_ins)


REFUSALS = {
    Status.CANCELLED: (_("This registration is cancelled: it cannot be checked in."), "cancelled"),
    Status.WAITING: (
        _(
            "This person is on the waiting list: confirm them first (Registrations in the "
            "admin), then check them in."
        ),
        "waiting",
    ),
    Status.PENDING: (
        _("This registration is awaiting approval: approve it first, then check the person in."),
        "pending",
    ),
    Status.OFFERED: (
        _(
            "This person was offered a seat and has not accepted it yet: confirm them first "
            "(Registrations in the admin), then check them in."
        ),
        "offered",
    ),
    Status.REJECTED: (
        _("This registration was not approved: it cannot be checked in."),
        "rejected",
    ),
}


def _refuse_unless_seat_holding(registration):
    if registration.status in REFUSALS:
        message, code = REFUSALS[registration.status]
        raise CheckInRefused(message, code)


def _locked(registration):
    # The registration's row only (of=self): its organisation may be null, and PostgreSQL
    # locks no row on the nullable side of an outer join.
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "organisation")
        .get(pk=registration.pk)
    )


@transaction.atomic
def checkin_mark(*, registration: Registration) -> CheckInOutcome:
    """Check one person in (confirmed -> attended). Raises CheckInRefused for a cancelled event,
    a cancelled registration or one on the waiting list; nothing changes then."""
    registration = _locked(registration)
    if registration.event.is_cancelled:
        raise CheckInRefused(_("This event has been cancelled."), "event_cancelled")
    _refuse_unless_seat_holding(registration)
    changed = registrations_mark_attended(
        registrations=Registration.objects.filter(pk=registration.pk)
    )
    registration.refresh_from_db()
    return CheckInOutcome(registration, changed=bool(changed))


@transaction.atomic
def checkin_undo(*, registration: Registration) -> CheckInOutcome:
    """Undo a check-in made by mistake (attended -> confirmed, the seat stays theirs). Raises
    CheckInRefused for a cancelled registration or one on the waiting list."""
    registration = _locked(registration)
    _refuse_unless_seat_holding(registration)
    changed = registrations_undo_attended(
        registrations=Registration.objects.filter(pk=registration.pk)
    )
    registration.refresh_from_db()
    return CheckInOutcome(registration, changed=bool(changed))


@transaction.atomic
def checkin_walk_in(*, event: Event, data: dict, user) -> WalkInOutcome:
    """Register someone at the door and check them in, in one transaction.

    Added as staff (registration_create with `added_by`), past the capacity if the event is
    full: the person is at the door and staff let them in (the override is recorded with the
    staff member's name). Their confirmation email is queued as for any registration. An email
    already registered is checked in if confirmed; on the waiting list it is refused.
    Raises RegistrationRefused (the event takes no registration: draft, cancelled, over,
    members only) or CheckInRefused; nothing is saved then.
    """
    outcome = registration_create(event=event, data=data, added_by=user, capacity_override=True)
    registration = outcome.registration
    if outcome.created:
        registration.added_at_door = True
        registration.save(update_fields=["added_at_door"])
    checked = checkin_mark(registration=registration)
    return WalkInOutcome(
        registration=checked.registration,
        created=outcome.created,
        over_capacity=outcome.created and registration.capacity_override_at is not None,
    )


# --- Reading ---------------------------------------------------------------------------------


def walk_ins_filter():
    """Walk-ins: registered by staff at the door, and still checked in."""
    return Q(status=Status.ATTENDED, added_at_door=True)


def checkin_counts(event: Event) -> CheckInCounts:
    figures = event.registrations.aggregate(
        checked_in=Count("pk", filter=Q(status=Status.ATTENDED)),
        expected=Count("pk", filter=Q(status__in=Registration.SEAT_HOLDING)),
        walk_ins=Count("pk", filter=walk_ins_filter()),
    )
    return CheckInCounts(**figures)


def is_walk_in(registration):
    return registration.status == Status.ATTENDED and registration.added_at_door


NOT_DIGITS = re.compile(r"\D")


def search_text(registration):
    """What a search looks in for one registration, as normalise_search compares it, without
    spaces (Khmer is written without spaces between words, and typed with or without them):
    the name, the organisation (both names and acronyms of a member) and the phone number as
    stored (+855…) and as dialled at home (0…)."""
    parts = [registration.full_name, registration.organisation_name]
    organisation = registration.organisation
    if organisation is not None:
        parts += [
            organisation.name_km,
            organisation.name_en,
            organisation.acronym,
            organisation.acronym_km,
        ]
    text = normalise_search(" ".join(part for part in parts if part)).replace(" ", "")
    digits = NOT_DIGITS.sub("", registration.phone)
    if digits:
        local = "0" + digits[3:] if digits.startswith("855") else digits
        text += f"|{digits}|{local}"
    return text


def phone_display(phone):
    """A stored number (+85512345678) as dialled at home and read aloud: 012 345 678."""
    digits = NOT_DIGITS.sub("", phone or "")
    if not digits.startswith("855"):
        return phone or ""
    local = "0" + digits[3:]
    return f"{local[:3]} {local[3:6]} {local[6:]}"


def search_terms(query):
    """The words of a search, compared like search_text (Khmer digits read as Latin)."""
    return normalise_search(latin_digits(query or "")).split()


def matches(haystack, terms):
    return all(term in haystack for term in terms)


def checkin_list(event: Event, query=""):
    """The event's registrations for the check-in page, each with `search_text`: those
    matching every word of `query` (all when empty), checked-in and confirmed first, then the
    waiting list and the cancelled, each by name."""
    registrations = event.registrations.select_related("organisation", "event")
    terms = search_terms(query)
    rows = []
    for registration in registrations:
        registration.search_text = search_text(registration)
        registration.phone_display = phone_display(registration.phone)
        if matches(registration.search_text, terms):
            rows.append(registration)
    order = {Status.CONFIRMED: 0, Status.ATTENDED: 0, Status.WAITING: 1, Status.CANCELLED: 2}
    rows.sort(key=lambda r: (order.get(r.status, 3), normalise_search(r.full_name), r.pk))
    return rows


__all__ = [
    "CheckInCounts",
    "CheckInOutcome",
    "CheckInRefused",
    "RegistrationRefused",
    "WalkInOutcome",
    "checkin_counts",
    "checkin_list",
    "checkin_mark",
    "checkin_undo",
    "checkin_walk_in",
]
