"""Certificates of attendance in the event's admin: the list of attendees with a preview of
each certificate, one PDF for all of them, and emailing them (after a page that says how many
people will get one). EventAdmin.get_urls wires these in; the outbox of the emails is
registered here too.

Previewing and downloading need the right to view registrations; emailing, the right to
change them.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_outbox import OUTBOX_FIELDS

from .admin_outbox import RegistrantOutboxAdmin
from .certificates import certificate_code, certificate_pdf
from .certificates_services import (
    certificate_registrations,
    certificates_email,
    certificates_to_email,
)
from .models import CertificateDelivery, Event

VIEW_PERMISSION = "events.view_registration"
SEND_PERMISSION = "events.change_registration"


def _event_for(request, object_id, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return get_object_or_404(Event, pk=object_id)


def _context(model_admin, request, event, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "event": event,
        "title": title,
        **extra,
    }


def _pdf_response(content, filename, *, inline):
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Names of people: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def certificate_tools(model_admin):
    """(name, view) pairs for EventAdmin.get_urls' tools."""

    def certificates_view(request, object_id):
        event = _event_for(request, object_id, VIEW_PERMISSION)
        attendees = list(certificate_registrations(event))
        context = _context(
            model_admin,
            request,
            event,
            _("Certificates of attendance"),
            attendees=[(person, certificate_code(person)) for person in attendees],
            to_email=certificates_to_email(event).count(),
            may_send=request.user.has_perm(SEND_PERMISSION),
        )
        return TemplateResponse(request, "admin/events/event/certificates.html", context)

    def certificates_pdf_view(request, object_id):
        """?registration=<id>: that attendee's certificate, shown in the browser; without it,
        one file with every attendee's, to download."""
        event = _event_for(request, object_id, VIEW_PERMISSION)
        attendees = certificate_registrations(event)
        wanted = request.GET.get("registration")
        if wanted is not None:
            if not wanted.isdigit():
                raise Http404(gettext("No attendee of this event has that registration."))
            registration = attendees.filter(pk=int(wanted)).first()
            if registration is None:
                raise Http404(gettext("No attendee of this event has that registration."))
            return _pdf_response(
                certificate_pdf([registration]),
                f"certificate-{event.slug}-{registration.pk}.pdf",
                inline=True,
            )
        attendees = list(attendees)
        if not attendees:
            model_admin.message_user(
                request,
                gettext("Nobody is marked as attended yet, so there is no certificate."),
                messages.WARNING,
            )
            return redirect("admin:events_event_certificates", event.pk)
        return _pdf_response(
            certificate_pdf(attendees), f"certificates-{event.slug}.pdf", inline=False
        )

    def certificates_send_view(request, object_id):
        """GET: how many people will be emailed; POST: queue their emails."""
        event = _event_for(request, object_id, SEND_PERMISSION)
        if request.method == "POST":
            count = certificates_email(event=event)
            if count:
                model_admin.message_user(
                    request,
                    ngettext(
                        "The certificate is on its way to %(count)d person.",
                        "The certificates are on their way to %(count)d people.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
            else:
                model_admin.message_user(
                    request,
                    gettext("Nobody is owed a certificate: every attendee has been emailed."),
                    messages.WARNING,
                )
            return redirect("admin:events_event_certificates", event.pk)
        to_email = list(certificates_to_email(event))
        context = _context(
            model_admin,
            request,
            event,
            _("Email the certificates"),
            to_email=to_email,
            already=certificate_registrations(event).count() - len(to_email),
        )
        return TemplateResponse(request, "admin/events/event/certificates_send.html", context)

    return [
        ("certificates", certificates_view),
        ("certificates-pdf", certificates_pdf_view),
        ("certificates-send", certificates_send_view),
    ]


@admin.register(CertificateDelivery)
class CertificateDeliveryAdmin(RegistrantOutboxAdmin):
    list_display = ["email", "registration", "event", "status", "sent_at", "attempts", "error"]
    readonly_fields = ["registration", *OUTBOX_FIELDS]

    @admin.display(description=_("email"), ordering="registration__email")
    def email(self, row):
        return row.registration.email
