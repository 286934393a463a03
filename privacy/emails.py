"""The email that carries a person's data to their own address: a short letter saying what
kinds of data are held, and the export attached as JSON and as CSV (privacy.requests).

Render it inside translation.override(language): it is written in the reader's language.
"""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext

from core.mail import sender

from .requests import export_csv, export_filename, export_json


def _name(data):
    """The person's name as we hold it, for the greeting (their latest registration's, or a
    contact's), or "" when we hold none."""
    for key in ("registrations", "contacts"):
        rows = data.section(key).rows
        if rows:
            return rows[-1]["full_name"]
    return ""


def personal_data_email(data) -> EmailMultiAlternatives:
    """The email to `data.email` with everything held about it attached."""
    context = {
        "name": _name(data),
        "email": data.email,
        "sections": [section for section in data.sections if section.rows],
    }
    message = EmailMultiAlternatives(
        subject=gettext("The personal data CCC holds about you"),
        body=render_to_string("emails/privacy/personal_data.txt", context),
        from_email=sender(),
        to=[data.email],
    )
    message.attach_alternative(
        render_to_string("emails/privacy/personal_data.html", context), "text/html"
    )
    message.attach(export_filename("json"), export_json(data), "application/json")
    message.attach(export_filename("csv"), export_csv(data), "text/csv")
    return message
