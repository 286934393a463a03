"""Template filters over core.localization, so templates and emails share one helper.

{% load localization %}
{{ event.starts_at|localdate:"long" }}  {{ seats_left|localnumber }}
"""

from django import template

from core import localization

register = template.Library()


@register.filter
def localdate(value, style="long"):
    return localization.format_date(value, style)


@register.filter
def localdigits(value):
    return localization.local_digits(value)


@register.filter
def localnumber(value):
    if value in (None, ""):
        return ""
    return localization.local_number(value)
