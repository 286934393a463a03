"""The staff desk on the admin's home page: {% load desk %}{% staff_desk %} (see
templates/admin/index.html)."""

from django import template
from django.utils.translation import ngettext

from core.localization import local_digits
from desk import dashboard

register = template.Library()


@register.inclusion_tag("desk/desk.html", takes_context=True)
def staff_desk(context):
    return {"desk": dashboard.desk(context["request"].user)}


@register.filter
def days(count):
    """ "3 days" / "៣ ថ្ងៃ" (Django's own words, already in the Khmer catalogue)."""
    return local_digits(ngettext("%(num)d day", "%(num)d days", count) % {"num": count})
