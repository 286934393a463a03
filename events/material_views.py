"""Serving event materials, and a series' minutes page. The rules are in events.materials."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from core.uploads import IMAGE, sniff

from .materials import (
    VIEW_PERMISSION,
    MaterialRefused,
    material_for_link,
    material_for_user,
    material_response,
    series_minutes,
)
from .models import EventSeries
from .photos import UnreadablePhoto, public_image_response


def _is_image(material):
    if not material.file:
        return False
    try:
        with material.file.open("rb") as handle:
            return sniff(handle, kinds=(IMAGE,)) is not None
    except (FileNotFoundError, ValueError):
        return False


def _refused(request, refusal):
    return render(
        request,
        "events/material_refused.html",
        {"message": refusal.message},
        status=refusal.status,
    )


def material(request, pk):
    """A public material, to anyone; any material, to staff who may view events."""
    try:
        found = material_for_user(pk, request.user)
        private = not found.is_public or request.user.has_perm(VIEW_PERMISSION)
        if not private and _is_image(found):
            return public_image_response(found)
        return material_response(found, private=private)
    except MaterialRefused as refusal:
        return _refused(request, refusal)
    except UnreadablePhoto:
        return _refused(request, MaterialRefused(_("This file is missing. Please tell CCC."), 404))


def registrant_material(request, token):
    """A registrants-only material, through the signed link on the registrant's page."""
    try:
        return material_response(material_for_link(token), private=True)
    except MaterialRefused as refusal:
        return _refused(request, refusal)


def series_minutes_view(request, slug):
    series = get_object_or_404(EventSeries, slug=slug)
    return render(
        request,
        "events/series_minutes.html",
        {"series": series, "minutes": series_minutes(series)},
    )
