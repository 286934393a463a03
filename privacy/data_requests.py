"""Requests about a person's data: every look-up, export and erasure is written to the log
(DataRequest) with who asked and when; an erasure asked for by the person waits for staff.

Views, the admin and tasks call these; nothing else writes DataRequest rows.

What "erase" means, kind by kind (personal_data_erase):
- registrations are anonymised by privacy.retention.anonymise_registrations, the one path for
  every rule (retention after an event, and a request; see its docstring): name, address,
  phone, position, needs, free-text answers, the Telegram link and messages go, the row stays
  for the event's figures; on a request, the person's free-text survey answers are blanked
  too (erase_survey_texts);
- Telegram chats: a chat's "also for later registrations of <address>" is blanked; a chat
  that was linked only to this person's registrations is deleted with its message history
  (the chat id is itself a Telegram account's number);
- invitations that led to a registration are anonymised with it (retention); other
  invitations to this address are deleted with their emails (such an invitation holds nothing
  but the address, a name and the fact of being invited);
- a focal person made from one of the contacts is revoked (no more sign-in), and its user
  account loses its address;
- organisation contacts with the address are deleted: a contact is the person's entry on an
  organisation's record, with nothing left worth keeping once the name, address and phone are
  gone. The organisation stays; if it was its main contact, staff choose another.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.services import focal_person_revoke
from events.models import TelegramChat

from .emails import personal_data_email
from .models import DataRequest, email_digest, mask_email, normalise_email
from .requests import personal_data
from .retention import anonymise_registrations

logger = logging.getLogger(__name__)


def data_request_log(
    *,
    kind,
    email,
    source,
    requested_by=None,
    counts=None,
    status=None,
    file_format="",
    decided_by=None,
) -> DataRequest:
    """Write one request to the log. The address is kept only for an open request."""
    status = status or DataRequest.Status.DONE
    return DataRequest.objects.create(
        decided_by=decided_by,
        decided_at=timezone.now() if decided_by else None,
        kind=kind,
        source=source,
        file_format=file_format,
        email_digest=email_digest(email),
        email_masked=mask_email(email),
        email=normalise_email(email) if status in DataRequest.OPEN else "",
        status=status,
        requested_by=requested_by,
        counts=counts or {},
    )


@transaction.atomic
def personal_data_erase(*, email, staff=None) -> dict:
    """Erase what is held about `email` (see the module's docstring for each kind); returns
    {kind: how many rows were erased}. Running it again erases nothing more."""
    data = personal_data(email)
    registration_chats = set(
        data.registrations.filter(telegram_chat__isnull=False).values_list(
            "telegram_chat_id", flat=True
        )
    )
    counts = {"registrations": anonymise_registrations(data.registrations, erase_survey_texts=True)}
    counts["telegram_chats"] = _telegram_erase(data, registration_chats)
    counts["invitations"] = data.invitations.delete()[1].get("events.EventInvitation", 0)
    focal_persons = 0
    for focal_person in data.focal_persons.select_related("user"):
        if focal_person.revoked_at is None:
            focal_person_revoke(focal_person=focal_person, revoked_by=staff)
        user = focal_person.user
        user.email, user.first_name, user.last_name = "", "", ""
        user.save(update_fields=["email", "first_name", "last_name"])
        focal_persons += 1
    counts["focal_persons"] = focal_persons
    counts["contacts"] = data.contacts.delete()[1].get("members.Contact", 0)
    return counts


def _telegram_erase(data, registration_chats):
    """Blank "also for later registrations" of this address; delete the chats that served
    only this person's registrations and now serve none."""
    blanked = data.telegram_chats_for_later.update(future_email="")
    unused = (
        TelegramChat.objects.filter(pk__in=registration_chats, future_email="")
        .annotate(linked=Count("registrations"))
        .filter(linked=0)
    )
    deleted = unused.delete()[1].get("events.TelegramChat", 0)
    return blanked + deleted


def data_request_erase_by_staff(*, email, staff) -> DataRequest:
    """Staff erase at once (after their own confirmation step), logged as confirmed by them."""
    with transaction.atomic():
        found = personal_data(email).counts()
        personal_data_erase(email=email, staff=staff)
        return data_request_log(
            kind=DataRequest.Kind.ERASURE,
            email=email,
            source=DataRequest.Source.STAFF,
            requested_by=staff,
            counts=found,
            status=DataRequest.Status.CONFIRMED,
            decided_by=staff,
        )


def data_request_ask_erasure(*, email, source) -> DataRequest:
    """The person asks for erasure: a request awaiting staff, nothing changed yet. Asking
    again while one is waiting returns the waiting one."""
    with transaction.atomic():
        waiting = (
            DataRequest.objects.select_for_update()
            .awaiting_confirmation()
            .about(email)
            .filter(kind=DataRequest.Kind.ERASURE)
            .first()
        )
        if waiting is not None:
            return waiting
        return data_request_log(
            kind=DataRequest.Kind.ERASURE,
            email=email,
            source=source,
            counts=personal_data(email).counts(),
            status=DataRequest.Status.AWAITING,
        )


def _awaiting(request):
    locked = DataRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != DataRequest.Status.AWAITING:
        raise ValidationError(_("This request has already been decided."), code="not_awaiting")
    return locked


@transaction.atomic
def data_request_confirm(*, request, staff) -> dict:
    """Staff confirm a person's erasure request: erase, and close the request (its address is
    blanked). Refused (ValidationError) once it was decided."""
    request = _awaiting(request)
    erased = personal_data_erase(email=request.email, staff=staff)
    request.status = DataRequest.Status.CONFIRMED
    request.decided_by, request.decided_at = staff, timezone.now()
    request.email = ""
    request.save(update_fields=["status", "decided_by", "decided_at", "email"])
    return erased


@transaction.atomic
def data_request_decline(*, request, staff, note="") -> DataRequest:
    """Staff decline a person's erasure request (nothing is erased; the note says why)."""
    request = _awaiting(request)
    request.status = DataRequest.Status.DECLINED
    request.decided_by, request.decided_at = staff, timezone.now()
    request.decision_note = note
    request.email = ""
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "email"])
    return request


def data_request_ask_export(*, email, source) -> DataRequest:
    """The person asks for their data by email: logged as being emailed; the worker sends it
    (data_request_email_send) and closes the request."""
    return data_request_log(
        kind=DataRequest.Kind.EXPORT,
        email=email,
        source=source,
        status=DataRequest.Status.QUEUED,
        file_format="email",
    )


def data_request_email_send(*, request_id, language) -> bool:
    """Email the data held about the request's address to that address (and nowhere else),
    in `language`, then close the request. Nothing is sent when nothing is held (a public
    request for an unknown address) or when the request was closed already (a task run twice).
    True when an email went out; SMTP errors propagate for the task to retry."""
    request = DataRequest.objects.filter(pk=request_id, status=DataRequest.Status.QUEUED).first()
    if request is None:
        return False
    data = personal_data(request.email)
    if data.found:
        with translation.override(language):
            personal_data_email(data).send()
    DataRequest.objects.filter(pk=request.pk, status=DataRequest.Status.QUEUED).update(
        status=DataRequest.Status.DONE, email="", counts=data.counts()
    )
    return data.found


def data_request_email_failed(*, request_id):
    """The email could not be sent after every retry: the request is closed as failed (its
    address blanked); the person may ask again."""
    DataRequest.objects.filter(pk=request_id, status=DataRequest.Status.QUEUED).update(
        status=DataRequest.Status.FAILED, email=""
    )
