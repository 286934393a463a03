"""Changes a focal person proposes to their organisation's directory entry, and staff's decision.

The public entry changes only in profile_change_approve, through Organisation.save() (so the
search index, the page cache and the change history follow) with the history naming who
proposed and who approved. A proposal keeps only the fields that differ, with their values
when proposed (`before`), so that staff are warned when the entry changed in between.

The organisation's public contacts here are its public email and phone (Organisation.email,
Organisation.phone); which Contact rows are public stays a staff decision in the admin.
"""

import os
import secrets
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image

from core.uploads import IMAGE, check_size, sniff
from members.models import Organisation, Province, Sector

from .models import FocalPerson, ProfileChange

TEXT_FIELDS = (
    "name_km",
    "name_en",
    "description_km",
    "description_en",
    "website",
    "email",
    "phone",
)
MANY_TO_MANY_FIELDS = {"sectors": Sector, "provinces": Province}
LOGO = "logo"
# In the order forms and reviews show them.
FIELDS = (
    "name_km",
    "name_en",
    "description_km",
    "description_en",
    "sectors",
    "provinces",
    "website",
    "email",
    "phone",
    LOGO,
)
REQUIRED_FIELDS = ("name_km", "name_en")
FIELD_LABELS = {
    "name_km": _("Name in Khmer"),
    "name_en": _("Name in English"),
    "description_km": _("Description in Khmer"),
    "description_en": _("Description in English"),
    "sectors": _("Sectors"),
    "provinces": _("Provinces where it works"),
    "website": _("Website"),
    "email": _("Public email"),
    "phone": _("Public phone"),
    LOGO: _("Logo"),
}

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4000
# django-simple-history's change reason column (members migration 0002).
CHANGE_REASON_MAX_LENGTH = 100
PERSON_NAME_MAX_LENGTH = 40


def logo_validate(upload):
    """Refuse `upload` unless it is a PNG, JPEG, GIF or WebP image that Pillow reads, of at most
    2 MB and 4000 × 4000 pixels; return its file extension (from its content, not its name)."""
    check_size(upload, LOGO_MAX_BYTES)
    file_kind = sniff(upload, kinds=(IMAGE,))
    if file_kind is None:
        raise ValidationError(
            _("The logo must be an image (PNG, JPEG, GIF or WebP); this file is not one."),
            code="not_an_image",
        )
    position = upload.tell()
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            width, height = image.size
    finally:
        upload.seek(position)
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        raise ValidationError(
            _(
                "The logo is %(width)s × %(height)s pixels; it may be at most %(limit)s × "
                "%(limit)s. Please make it smaller."
            ),
            code="image_too_large",
            params={"width": width, "height": height, "limit": LOGO_MAX_SIDE},
        )
    return file_kind.extension


def entry_values(organisation):
    """The proposable fields of `organisation` as a proposal stores them: text as strings,
    many-to-many fields as sorted lists of primary keys, the logo as its file name."""
    values = {name: getattr(organisation, name) or "" for name in TEXT_FIELDS}
    for name in MANY_TO_MANY_FIELDS:
        values[name] = sorted(getattr(organisation, name).values_list("pk", flat=True))
    values[LOGO] = organisation.logo.name or ""
    return values


def _stored_value(name, value):
    if name in MANY_TO_MANY_FIELDS:
        return sorted({getattr(item, "pk", item) for item in value or []})
    return value or ""


# Django's own words (their Khmer is in locale_overrides), not a second copy.
REQUIRED_MESSAGE = forms.Field.default_error_messages["required"]


def _validate(data):
    errors = {}
    for name, value in data.items():
        if name in REQUIRED_FIELDS and not value.strip():
            errors[name] = ValidationError(REQUIRED_MESSAGE, code="required")
        elif name in TEXT_FIELDS:
            try:
                Organisation._meta.get_field(name).clean(value, None)
            except ValidationError as error:
                if value or error.code != "blank":
                    errors[name] = error
        elif name in MANY_TO_MANY_FIELDS:
            model = MANY_TO_MANY_FIELDS[name]
            if model.objects.filter(pk__in=value).count() != len(value):
                errors[name] = ValidationError(_("Choose from the list."), code="invalid_choice")
    if errors:
        raise ValidationError(errors)


def profile_change_propose(*, organisation, proposed_by, data, logo=None):
    """Record a proposal for `organisation`'s entry from `data` ({field: value} for any of
    FIELDS but the logo) and an optional uploaded `logo`. Only values that differ from the
    entry are kept, each with its current value. A proposal still pending for the organisation
    is withdrawn: there is at most one pending (the database's unique constraint holds it, and
    the organisation's row lock makes two proposals at once wait for each other). Nothing that
    differs: ValidationError (code "no_change"), and the pending proposal stays. The entry
    itself does not change."""
    unknown = set(data) - (set(FIELDS) - {LOGO})
    if unknown:
        raise ValueError(f"Not proposable here: {sorted(unknown)}")
    values = {name: _stored_value(name, value) for name, value in data.items()}
    _validate(values)
    extension = logo_validate(logo) if logo is not None else None
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        current = entry_values(organisation)
        after = {name: value for name, value in values.items() if value != current[name]}
        if not after and logo is None:
            raise ValidationError(
                _(
                    "Nothing you sent differs from your organisation's entry as it is now, so "
                    "there is nothing for CCC staff to review."
                ),
                code="no_change",
            )
        now = timezone.now()
        organisation.profile_changes.pending().update(
            status=ProfileChange.Status.WITHDRAWN, decided_at=now
        )
        change = ProfileChange(
            organisation=organisation,
            proposed_by=proposed_by,
            before={name: current[name] for name in [*after, *([LOGO] if logo else [])]},
            after=after,
        )
        if logo is not None:
            logo.seek(0)
            # Not guessable: a proposal's logo is not public until approved.
            name = f"{secrets.token_urlsafe(12)}-{organisation.slug}{extension}"
            change.logo.save(name, logo, save=False)
            after[LOGO] = change.logo.name
        try:
            change.save()
        except Exception:
            if change.logo:
                change.logo.delete(save=False)
            raise
    return change


def person_name(user):
    """Who `user` is, for the history: a focal person's name, else the staff member's."""
    if user is None:
        return gettext("someone no longer registered")
    try:
        name = user.focal_person.contact.full_name
    except FocalPerson.DoesNotExist:
        name = user.get_full_name() or user.get_username()
    if len(name) > PERSON_NAME_MAX_LENGTH:
        name = name[: PERSON_NAME_MAX_LENGTH - 1] + "…"
    return name


def fields_changed_since(change, organisation):
    """The fields of `change` whose value in `organisation` is no longer what it was when the
    change was proposed."""
    current = entry_values(organisation)
    return [
        name for name in FIELDS if name in change.before and current[name] != change.before[name]
    ]


def _locked_pending(change):
    """`change` and its organisation, locked in the order profile_change_propose takes them
    (organisation first: a proposal and a decision at once wait rather than deadlock)."""
    organisation = Organisation.objects.select_for_update().get(pk=change.organisation_id)
    change = ProfileChange.objects.select_for_update().get(pk=change.pk)
    change.organisation = organisation
    if change.status != ProfileChange.Status.PENDING:
        raise ValidationError(
            _("This proposal is no longer awaiting review (%(status)s): nothing was changed."),
            code="not_pending",
            params={"status": change.get_status_display()},
        )
    return change, organisation


def profile_change_approve(*, change, decided_by, force=False):
    """Apply a pending `change` to its organisation's entry with Organisation.save() (search
    index, page cache and history follow; the history names the proposer and `decided_by`),
    copy a proposed logo into the organisation's logos, and mark the change approved.

    Refused (ValidationError, nothing changed) when the change is not pending ("not_pending"),
    or when the entry changed in the proposal's fields since it was proposed
    ("entry_changed"), unless staff confirmed with `force`. Two staff approving at once: the
    second waits for the first and is refused."""
    with transaction.atomic():
        change, organisation = _locked_pending(change)
        changed = fields_changed_since(change, organisation)
        if changed and not force:
            raise ValidationError(
                _(
                    "The entry has changed since this was proposed (%(fields)s). Compare "
                    "again, then approve anyway if the proposal should replace it."
                ),
                code="entry_changed",
                params={"fields": ", ".join(str(FIELD_LABELS[name]) for name in changed)},
            )
        for name in TEXT_FIELDS:
            if name in change.after:
                setattr(organisation, name, change.after[name])
        new_logo = None
        if LOGO in change.after and change.logo:
            try:
                with change.logo.open("rb"):
                    extension = os.path.splitext(change.logo.name)[1]
                    organisation.logo.save(
                        f"{organisation.slug}{extension}", change.logo, save=False
                    )
            except FileNotFoundError:
                raise ValidationError(
                    _("The proposed logo's file is missing: reject this proposal instead."),
                    code="logo_missing",
                ) from None
            new_logo = organisation.logo.name
        organisation._change_reason = gettext(
            "Proposed by %(proposer)s, approved by %(approver)s"
        ) % {"proposer": person_name(change.proposed_by), "approver": person_name(decided_by)}
        organisation._change_reason = organisation._change_reason[:CHANGE_REASON_MAX_LENGTH]
        # django-simple-history takes the user from the instance before the request
        # (HistoricalRecords.get_history_user): right in tasks and shells too.
        organisation._history_user = decided_by
        try:
            organisation.save()
            for name, model in MANY_TO_MANY_FIELDS.items():
                if name in change.after:
                    pks = model.objects.filter(pk__in=change.after[name]).values("pk")
                    getattr(organisation, name).set([row["pk"] for row in pks])
            change.status = ProfileChange.Status.APPROVED
            change.decided_by = decided_by
            change.decided_at = timezone.now()
            change.save(update_fields=["status", "decided_by", "decided_at"])
        except Exception:
            if new_logo:
                organisation.logo.storage.delete(new_logo)
            raise
    return change


def profile_change_reject(*, change, decided_by, reason):
    """Mark a pending `change` not approved, with the `reason` the proposer is given; the entry
    stays as it is. Refused (ValidationError) when not pending or without a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Say why, so that the focal person understands what to change."),
            code="reason_required",
        )
    with transaction.atomic():
        change, _organisation = _locked_pending(change)
        change.status = ProfileChange.Status.REJECTED
        change.decided_by = decided_by
        change.decided_at = timezone.now()
        change.decision_reason = reason
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return change


@dataclass
class Row:
    """One field of a proposal as a review shows it: its values now and as proposed, ready to
    display (names for many-to-many fields, a file for the logo)."""

    name: str
    label: str
    current: object
    proposed: object
    changed_since: bool

    @property
    def language(self):
        """The language of a translated field's text (for the lang attribute), else ""."""
        suffix = self.name.rsplit("_", 1)[-1]
        return suffix if suffix in ("km", "en") else ""

    @property
    def kind(self):
        if self.name == LOGO:
            return "image"
        if self.name in MANY_TO_MANY_FIELDS:
            return "list"
        return "text"


def profile_change_rows(change, organisation=None):
    """The fields `change` proposes, in FIELDS order, each with the value the entry has now
    and the proposed one (for the focal person's page and the staff review)."""
    organisation = organisation or change.organisation
    current = entry_values(organisation)
    names = {}
    for name, model in MANY_TO_MANY_FIELDS.items():
        pks = set(current[name]) | set(change.after.get(name, []))
        names[name] = model.objects.in_bulk(pks) if name in change.after else {}

    def shown(name, value):
        if name in MANY_TO_MANY_FIELDS:
            found = [str(names[name][pk]) for pk in value if pk in names[name]]
            return sorted(found)
        return value

    rows = []
    for name in FIELDS:
        if name not in change.after:
            continue
        if name == LOGO:
            current_value, proposed = organisation.logo or None, change.logo or None
        else:
            current_value, proposed = shown(name, current[name]), shown(name, change.after[name])
        rows.append(
            Row(
                name=name,
                label=FIELD_LABELS[name],
                current=current_value,
                proposed=proposed,
                changed_since=name in change.before and current[name] != change.before[name],
            )
        )
    return rows
