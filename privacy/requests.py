"""A person's data on request: everything the portal holds about one email address, and the
same as a JSON or CSV file.

What counts as "about" an address (matched case-insensitively):
- registrations with that email, and what hangs on them: their answers to the event's
  questions, the emails and Telegram messages owed or sent to them (notices, reminders, staff
  messages, certificates, survey invitations), their survey responses (not anonymous ones:
  those keep no link to anyone);
- Telegram chats linked to those registrations, or asked for later registrations of the
  address;
- invitations to events sent to the address;
- organisation contacts with the address, and the focal person (sign-in) made from one.

One collection (`personal_data`) feeds the staff page, both files and the email to the
registrant, so that they always agree. The log of requests is privacy.models.DataRequest,
written by privacy.services.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import FocalPerson
from core.spreadsheets import neutralise_row
from events.models import EventInvitation, Registration, TelegramChat
from events.questions import answer_export_value
from members.models import Contact
from surveys.models import SurveyResponse

from .models import normalise_email


@dataclass
class Section:
    """One kind of data: its key in the files, its heading, the columns the staff page shows
    (the files carry every field) and one dict per row."""

    key: str
    title: str
    columns: list
    rows: list = field(default_factory=list)

    def table(self):
        """The rows as the staff page shows them: one list of values per row, in `columns`."""
        return [[row.get(key) for key, _label in self.columns] for row in self.rows]

    @property
    def headings(self):
        return [label for _key, label in self.columns]


@dataclass
class PersonalData:
    email: str
    sections: list
    # What an erasure acts on (privacy.services.personal_data_erase).
    registrations: object = None
    invitations: object = None
    contacts: object = None
    focal_persons: object = None
    telegram_chats_for_later: object = None

    @property
    def found(self):
        return any(section.rows for section in self.sections)

    def counts(self):
        return {section.key: len(section.rows) for section in self.sections}

    def section(self, key):
        return next(section for section in self.sections if section.key == key)


SECTION_TITLES = {
    "registrations": _("Registrations"),
    "notices": _("Emails: notices and reminders"),
    "telegram": _("Telegram links and messages"),
    "survey_responses": _("Survey responses"),
    "invitations": _("Invitations to events"),
    "contacts": _("Organisation contacts"),
    "focal_persons": _("Focal person (signs in for an organisation)"),
}


def counts_with_titles(counts):
    """A logged request's counts ({"registrations": 2, …}) as [(heading, count)], for staff;
    the kinds with none left out."""
    return [(SECTION_TITLES.get(key, key), count) for key, count in counts.items() if count]


def _registration_rows(registrations):
    rows = []
    for registration in registrations:
        rows.append(
            {
                "id": registration.pk,
                "event": str(registration.event),
                "event_starts_at": registration.event.starts_at,
                "status": registration.get_status_display(),
                "full_name": registration.full_name,
                "position": registration.position,
                "organisation": registration.organisation_display,
                "gender": registration.get_gender_display(),
                "email": registration.email,
                "phone": registration.phone,
                "language": registration.language,
                "accessibility_needs": registration.accessibility_needs,
                "registered_at": registration.created_at,
                "cancelled_at": registration.cancelled_at,
                "answers": [
                    {"question": answer.question_label, "answer": answer_export_value(answer)}
                    for answer in registration.answers.all()
                ],
            }
        )
    return rows


# The outboxes that hang on a registration: (related name, what the row is).
REGISTRATION_OUTBOXES = [
    ("notices", _("Notice")),
    ("reminder_deliveries", _("Reminder")),
    ("message_deliveries", _("Message from staff")),
    ("certificate_deliveries", _("Certificate")),
    ("survey_invitations", _("Survey invitation")),
]


def _notice_rows(registrations):
    rows = []
    for registration in registrations:
        for related_name, label in REGISTRATION_OUTBOXES:
            for entry in getattr(registration, related_name).all():
                kind = entry.get_kind_display() if hasattr(entry, "get_kind_display") else ""
                rows.append(
                    {
                        "registration": registration.pk,
                        "event": str(registration.event),
                        "what": str(label) + (f" ({kind})" if kind else ""),
                        "status": entry.get_status_display(),
                        "created_at": entry.created_at,
                        "sent_at": entry.sent_at,
                    }
                )
    rows.sort(key=lambda row: row["created_at"])
    return rows


def _telegram_rows(registrations, chats_for_later):
    rows, seen = [], set()
    chats = [r.telegram_chat for r in registrations if r.telegram_chat_id] + list(chats_for_later)
    for chat in chats:
        if chat.pk in seen:
            continue
        seen.add(chat.pk)
        rows.append(
            {
                "what": str(_("Telegram chat")),
                "chat": chat.chat_id,
                "event": "",
                "for_later_registrations": chat.future_email,
                "linked_at": chat.linked_at,
                "stopped_at": chat.stopped_at,
                "status": "",
                "sent_at": None,
            }
        )
    for registration in registrations:
        for message in registration.telegram_messages.all():
            rows.append(
                {
                    "what": str(_("Telegram message")) + f" ({message.kind})",
                    "chat": message.chat.chat_id,
                    "event": str(registration.event),
                    "for_later_registrations": "",
                    "linked_at": None,
                    "stopped_at": None,
                    "status": message.get_status_display(),
                    "sent_at": message.sent_at,
                }
            )
    return rows


def _survey_rows(responses):
    rows = []
    for response in responses:
        answers = []
        for answer in response.answers.all():
            question = answer.question
            choices = question.choice_list()
            chosen = [choices[i] for i in answer.choices or [] if 0 <= i < len(choices)]
            answers.append(
                {
                    "question": question.label,
                    "rating": answer.rating,
                    "choices": chosen,
                    "text": answer.text,
                }
            )
        rows.append(
            {
                "survey": str(response.survey),
                "event": str(response.survey.event) if response.survey.event_id else "",
                "submitted_on": response.submitted_on,
                "answers": answers,
            }
        )
    return rows


def _invitation_rows(invitations):
    return [
        {
            "event": str(invitation.event),
            "email": invitation.email,
            "name": invitation.name,
            "status": invitation.get_status_display(),
            "invited_at": invitation.created_at,
            "answered_at": invitation.answered_at,
        }
        for invitation in invitations
    ]


def _contact_rows(contacts):
    return [
        {
            "organisation": str(contact.organisation),
            "full_name": contact.full_name,
            "position": contact.position,
            "email": contact.email,
            "phone": contact.phone,
            "main_contact": contact.is_primary,
            "public": contact.is_public,
        }
        for contact in contacts
    ]


def _focal_person_rows(focal_persons):
    return [
        {
            "organisation": str(person.organisation),
            "full_name": person.contact.full_name,
            "email": person.contact.email,
            "language": person.language,
            "made_at": person.created_at,
            "revoked_at": person.revoked_at,
            "last_sign_in": person.user.last_login,
        }
        for person in focal_persons
    ]


def personal_data(email) -> PersonalData:
    """Everything held about `email` (see the module's docstring); a fixed number of queries
    whatever the number of rows."""
    address = normalise_email(email)
    if not address:
        # Blank addresses (contacts without one) are nobody's.
        raise ValueError("personal_data needs an email address")
    registrations = Registration.objects.filter(email__iexact=address)
    loaded = list(
        registrations.select_related("event", "organisation", "telegram_chat")
        .prefetch_related(
            "answers__chosen",
            *(related for related, _label in REGISTRATION_OUTBOXES),
            "telegram_messages__chat",
        )
        .order_by("event__starts_at", "pk")
    )
    chats_for_later = TelegramChat.objects.filter(future_email__iexact=address)
    responses = (
        SurveyResponse.objects.filter(registration__in=registrations)
        .select_related("survey__event")
        .prefetch_related("answers__question")
        .order_by("submitted_on")
    )
    invitations = EventInvitation.objects.filter(email__iexact=address)
    contacts = Contact.objects.filter(email__iexact=address)
    focal_persons = FocalPerson.objects.filter(contact__email__iexact=address)
    sections = [
        Section(
            "registrations",
            SECTION_TITLES["registrations"],
            [
                ("event", _("Event")),
                ("event_starts_at", _("Date")),
                ("status", _("Status")),
                ("full_name", _("Name")),
                ("registered_at", _("Registered")),
                ("cancelled_at", _("Cancelled")),
            ],
            _registration_rows(loaded),
        ),
        Section(
            "notices",
            SECTION_TITLES["notices"],
            [
                ("event", _("Event")),
                ("what", _("What")),
                ("status", _("Status")),
                ("created_at", _("Written")),
                ("sent_at", _("Sent")),
            ],
            _notice_rows(loaded),
        ),
        Section(
            "telegram",
            SECTION_TITLES["telegram"],
            [
                ("what", _("What")),
                ("event", _("Event")),
                ("chat", _("Telegram chat")),
                ("linked_at", _("Linked")),
                ("status", _("Status")),
                ("sent_at", _("Sent")),
            ],
            _telegram_rows(loaded, chats_for_later.order_by("linked_at")),
        ),
        Section(
            "survey_responses",
            SECTION_TITLES["survey_responses"],
            [("survey", _("Survey")), ("event", _("Event")), ("submitted_on", _("Submitted"))],
            _survey_rows(responses),
        ),
        Section(
            "invitations",
            SECTION_TITLES["invitations"],
            [
                ("event", _("Event")),
                ("name", _("Name")),
                ("status", _("Status")),
                ("invited_at", _("Invited")),
            ],
            _invitation_rows(invitations.select_related("event").order_by("created_at")),
        ),
        Section(
            "contacts",
            SECTION_TITLES["contacts"],
            [
                ("organisation", _("Organisation")),
                ("full_name", _("Name")),
                ("position", _("Position")),
                ("phone", _("Phone")),
            ],
            _contact_rows(contacts.select_related("organisation").order_by("pk")),
        ),
        Section(
            "focal_persons",
            SECTION_TITLES["focal_persons"],
            [
                ("organisation", _("Organisation")),
                ("full_name", _("Name")),
                ("made_at", _("Made a focal person")),
                ("revoked_at", _("Revoked")),
            ],
            _focal_person_rows(
                focal_persons.select_related("contact__organisation", "user").order_by("pk")
            ),
        ),
    ]
    return PersonalData(
        email=address,
        sections=sections,
        registrations=registrations,
        invitations=invitations,
        contacts=contacts,
        focal_persons=focal_persons,
        telegram_chats_for_later=chats_for_later,
    )


# --- Files --------------------------------------------------------------------------------------


def export_json(data: PersonalData) -> str:
    """Every field of every row, by kind, with the address and the time of the export."""
    document = {
        "email": data.email,
        "exported_at": timezone.now(),
        **{section.key: section.rows for section in data.sections},
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _flatten(prefix, value):
    """(field, value) pairs for one cell each: nested answers become answers.1.question …"""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(f"{prefix}.{key}" if prefix else key, inner)
    elif isinstance(value, list) and value and isinstance(value[0], dict | list):
        for index, inner in enumerate(value, start=1):
            yield from _flatten(f"{prefix}.{index}", inner)
    elif isinstance(value, list):
        yield prefix, "; ".join(str(item) for item in value)
    else:
        yield prefix, value


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


CSV_HEADERS = ["kind", "row", "field", "value"]


def export_csv(data: PersonalData) -> str:
    """The same as the JSON, one field a line (kind, row number, field, value), so that every
    kind fits one sheet; cells a spreadsheet would run as formulas are neutralised
    (core.spreadsheets)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADERS)
    writer.writerow(neutralise_row(["email", "", "email", data.email]))
    for section in data.sections:
        for number, row in enumerate(section.rows, start=1):
            for name, value in _flatten("", row):
                writer.writerow(neutralise_row([section.key, number, name, _cell(value)]))
    return buffer.getvalue()


def export_filename(extension):
    return f"personal-data-{timezone.localdate():%Y-%m-%d}.{extension}"
