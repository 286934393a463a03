"""Serving event materials, and a series' minutes page. The rules are in events.materials."""

from django.shortcuts import get_object_or_404, render

from .materials import (
    VIEW_PERMISSION,
    MaterialRefused,
    material_for_link,
    material_for_user,
    material_response,
    series_minutes,
)
from .models import EventSeries


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
        return material_response(
            found, private=not found.is_public or request.user.has_perm(VIEW_PERMISSION)
        )
    except MaterialRefused as refusal:
        return _refused(request, refusal)


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
