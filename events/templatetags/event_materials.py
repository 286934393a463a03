"""{% load event_materials %}: the materials an event page and a registrant's page list."""

from django import template

from events import materials

register = template.Library()


@register.simple_tag
def public_materials(event):
    return materials.public_materials(event)


@register.simple_tag
def registrant_materials(registration):
    """(material, signed link) pairs; none unless the registration holds a seat."""
    return materials.registrant_materials(registration)


@register.simple_tag
def series_has_minutes(series):
    return materials.series_minutes(series).exists()
