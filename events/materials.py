"""Event materials (agendas, presentations, minutes, photos): who may open which, the lists
the public pages and the registrant's page show, and the response that serves a file.

Files live in private storage (core.storage.PrivateStorage) and are served only here:
- public materials of a public event, to anyone;
- registrants-only materials, through a signed link (EventMaterial.signed_url, valid for
  MATERIAL_LINK_MAX_AGE) shown on the page of a registrant who holds a seat (confirmed or
  attended), and checked again when opened: a registration cancelled since stops working;
- any material to staff with the right to view events.
"""

import os

from django.core import signing
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from core.sendfile import private_file_response
from core.uploads import sniff

from .models import Event, EventMaterial, Registration

VIEW_PERMISSION = "events.view_event"
PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)


class MaterialRefused(Exception):
    """Why a material cannot be opened: a message for the page, and its HTTP status."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


def public_materials(event):
    return list(event.materials.public())


def registrant_materials(registration):
    """(material, signed link) pairs of the registrants-only materials `registration` may open:
    none unless it holds a seat."""
    if not registration.holds_seat:
        return []
    return [
        (material, material.signed_url(registration))
        for material in registration.event.materials.for_registrants()
    ]


def series_minutes(series):
    """The public minutes of the series' meetings, the latest meeting first."""
    return (
        EventMaterial.objects.public()
        .filter(event__series=series, kind=EventMaterial.Kind.MINUTES)
        .select_related("event")
        .order_by("-event__starts_at", "order", "pk")
    )


def material_for_user(pk, user):
    """The material `pk` when `user` (perhaps anonymous) may open it without a signed link."""
    material = EventMaterial.objects.select_related("event").filter(pk=pk).first()
    if material is None:
        raise MaterialRefused(_("There is no such material."), 404)
    if user.has_perm(VIEW_PERMISSION):
        return material
    if material.event.status not in PUBLIC_STATUSES:
        raise MaterialRefused(_("There is no such material."), 404)
    if not material.is_public:
        raise MaterialRefused(
            _(
                "This material is only for the event's registrants. Open it from your "
                "registration page: the link is in the email that confirmed your seat."
            ),
            403,
        )
    return material


def material_for_link(token):
    """The material a registrant's signed link opens, checked again now."""
    try:
        material_pk, registration_pk = EventMaterial.ids_from_token(token)
    except signing.SignatureExpired:
        raise MaterialRefused(
            _(
                "This link has expired. Open your registration page again (the link is in the "
                "email that confirmed your seat) for a new one."
            ),
            # As a tampered link: a signed file link that no longer opens is not found.
            404,
        ) from None
    except signing.BadSignature:
        raise MaterialRefused(
            _("This link is not valid. Check that it was copied whole."), 404
        ) from None
    registration = Registration.objects.filter(pk=registration_pk).first()
    material = (
        EventMaterial.objects.select_related("event")
        .filter(pk=material_pk, event_id=getattr(registration, "event_id", None))
        .first()
    )
    if registration is None or material is None:
        raise MaterialRefused(_("This material is no longer available."), 404)
    if not registration.holds_seat:
        raise MaterialRefused(
            _("This material is only for people whose seat at the event is confirmed."), 403
        )
    return material


def material_response(material, *, private):
    """The file (or, for a link, a redirect to it), sent by core.sendfile (by Django or the web
    server). Browsers may show PDFs and images in place; other documents download. Raises
    MaterialRefused when the file has gone missing."""
    if material.url:
        response = HttpResponseRedirect(material.url)
        response["X-Content-Type-Options"] = "nosniff"
        if private:
            response["Cache-Control"] = "private, no-store"
    else:
        stored = material.file
        try:
            if not stored:
                raise FileNotFoundError
            with stored.storage.open(stored.name, "rb") as handle:
                kind = sniff(handle)
            stem, extension = os.path.splitext(os.path.basename(stored.name))
            response = private_file_response(
                stored,
                # A file whose content is not one we accept is only ever downloaded.
                content_type=kind.content_type if kind else "application/octet-stream",
                as_attachment=not (kind and kind.inline),
                filename=f"{stem}{kind.extension}" if kind else f"{stem}{extension}",
                private=private,
            )
        except (FileNotFoundError, ValueError):
            raise MaterialRefused(_("This file is missing. Please tell CCC."), 404) from None
    # The signed link is in the address: never sent on to a site the document links to.
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- Stored files follow their materials ------------------------------------------------------
# A replaced or deleted material's file is removed from private storage once the change is
# committed (a rolled-back edit keeps it), whichever path made the change: the admin, a cascade
# from a deleted event, a script. Connected in events/apps.py.


def _forget_file(name):
    if name and not EventMaterial.objects.filter(file=name).exists():
        EventMaterial._meta.get_field("file").storage.delete(name)


def material_file_remember(sender, instance, **kwargs):
    """pre_save: the file the row had before this save."""
    if instance.pk is None:
        instance._stored_file_name = ""
        return
    instance._stored_file_name = (
        EventMaterial.objects.filter(pk=instance.pk).values_list("file", flat=True).first() or ""
    )


def material_file_replaced(sender, instance, **kwargs):
    """post_save: the old file goes once the new one is committed."""
    old = getattr(instance, "_stored_file_name", "")
    if old and old != instance.file.name:
        transaction.on_commit(lambda: _forget_file(old))


def material_file_deleted(sender, instance, **kwargs):
    """post_delete: the file goes with its material."""
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: _forget_file(name))
