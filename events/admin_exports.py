"""One click from an event's admin page: its registrants as an XLSX file, in the staff member's
language, with the event's title on the sheet and in the file name.

The same rules as every other export (core.admin_spreadsheets): it needs the permission to view
registrations, and every cell goes through core.spreadsheets.neutralise_formula.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from import_export.formats.base_formats import XLSX

from core.spreadsheets import export_filename, neutralise_dataset, sheet_title

from .models import Event
from .resources import RegistrationResource
from .sign_in_pdf import sign_in_sheet_pdf

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_export_registrations(user):
    """The rule of SpreadsheetExportMixin.has_export_permission for registrations."""
    return user.has_perm("events.view_registration")


def event_registrations_dataset(event):
    """Every registration of `event`, cancelled ones included (the status column says which),
    in the order people registered."""
    registrations = event.registrations.select_related("event", "organisation").order_by(
        "created_at", "pk"
    )
    dataset = RegistrationResource().export(queryset=registrations, force_native_type=True)
    dataset.title = sheet_title(event.title)
    return neutralise_dataset(dataset)


def registrants_xlsx_view(request, object_id):
    """Wired into EventAdmin.get_urls (admin_view: staff login required)."""
    if not may_export_registrations(request.user):
        raise PermissionDenied
    if not str(object_id).isdigit():
        raise Http404
    event = get_object_or_404(Event, pk=object_id)
    content = XLSX().export_data(event_registrations_dataset(event))
    name = export_filename(
        f"{event.title} – {gettext('registrants')}", "xlsx", timezone.localdate()
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def sign_in_registrations(event):
    """Who is on the sign-in sheet: those holding a seat, by name."""
    return event.registrations.seat_holding().select_related("organisation").order_by("full_name")


def sign_in_sheet_pdf_view(request, object_id):
    """The sign-in sheet as a PDF; the same rights as the printable page (the event and its
    registrations)."""
    if not (request.user.has_perm("events.view_event") and may_export_registrations(request.user)):
        raise PermissionDenied
    if not str(object_id).isdigit():
        raise Http404
    event = get_object_or_404(Event, pk=object_id)
    content = sign_in_sheet_pdf(event, sign_in_registrations(event))
    name = export_filename(
        f"{event.title} – {gettext('Sign-in sheet')}", "pdf", timezone.localdate()
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, name)
    return response
