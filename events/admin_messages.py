"""Staff write to an event's registrants, in two steps: they write (whom to, a Khmer and an
English version), then review (how many people, how many in each language, who gets the other
language's text, each language's email as it will look, a test to themselves) and send.

The views only read the form and call the services (events.services: event_message_*); the
emails are rendered by events.emails.event_message_render, the same for the preview, the test
and the outbox. EventAdmin mixes this in and lists message_view in its get_urls.
"""

import uuid

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.headers import allow_style_attributes
from core.localization import local_number

from .admin_forms import MessageRegistrantsForm
from .models import EventMessage
from .services import (
    MessageAlreadySent,
    MessageAudienceChanged,
    MessageTestRefused,
    event_message_audience_counts,
    event_message_preview,
    event_message_registrants,
    event_message_send_test,
)

WRITE_TEMPLATE = "admin/events/event/message.html"
REVIEW_TEMPLATE = "admin/events/event/message_review.html"


def _reviewed_count(request):
    """The number of people staff were shown on the review page, or None."""
    value = request.POST.get("expected_count", "")
    return int(value) if value.isascii() and value.isdigit() else None


def _review_key(request):
    """The review page's own key (see EventMessage.review_key), or None."""
    try:
        return uuid.UUID(request.POST.get("review_key", ""))
    except ValueError:
        return None


class EventMessagesMixin:
    """For EventAdmin (needs its _event_for and admin_site)."""

    def message_view(self, request, object_id):
        event = self._event_for(request, object_id, change=True)
        counts = event_message_audience_counts(event=event)
        form = MessageRegistrantsForm(request.POST or None, counts=counts)
        step = request.POST.get("step", "review")
        if request.method != "POST" or step == "edit" or not form.is_valid():
            return self._message_page(request, event, WRITE_TEMPLATE, form=form)
        reviewed = _reviewed_count(request) is not None and _review_key(request) is not None
        if step == "send" and reviewed:
            try:
                count = event_message_registrants(
                    event=event,
                    statuses=form.statuses,
                    texts=form.texts,
                    user=request.user,
                    expected_count=_reviewed_count(request),
                    review_key=_review_key(request),
                )
            except MessageAlreadySent:
                self.message_user(
                    request,
                    gettext("This message was sent already; it was not sent again."),
                    messages.WARNING,
                )
                return redirect("admin:events_event_change", event.pk)
            except MessageAudienceChanged as changed:
                self.message_user(
                    request,
                    ngettext(
                        "Nothing was sent: the registrations changed while you were reviewing. "
                        "The message would now go to %(count)s person; check and send again.",
                        "Nothing was sent: the registrations changed while you were reviewing. "
                        "The message would now go to %(count)s people; check and send again.",
                        changed.count,
                    )
                    % {"count": local_number(changed.count)},
                    messages.WARNING,
                )
            else:
                self._report_sent(request, count)
                return redirect("admin:events_event_change", event.pk)
        elif step == "test":
            try:
                event_message_send_test(
                    event=event, statuses=form.statuses, texts=form.texts, user=request.user
                )
            except MessageTestRefused as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext(
                        "Two test emails, one in Khmer and one in English, were sent to %(email)s."
                    )
                    % {"email": request.user.email},
                    messages.SUCCESS,
                )
        preview = event_message_preview(
            event=event,
            statuses=form.statuses,
            texts=form.texts,
            reader_name=request.user.get_full_name() or request.user.get_username(),
        )
        return self._message_page(
            request,
            event,
            REVIEW_TEMPLATE,
            form=form,
            preview=preview,
            review_key=uuid.uuid4(),
            audience=form.AUDIENCE_LABELS[form.cleaned_data["recipients"]],
        )

    def _report_sent(self, request, count):
        if not count:
            self.message_user(
                request,
                gettext("Nothing was sent: nobody is registered with that status."),
                messages.WARNING,
            )
            return
        text = ngettext(
            "The message is on its way to %(count)s person.",
            "The message is on its way to %(count)s people.",
            count,
        ) % {"count": local_number(count)}
        if self.admin_site._registry[EventMessage].has_view_permission(request):
            text = format_html(
                '{} <a href="{}">{}</a>',
                text,
                reverse("admin:events_eventmessage_changelist"),
                gettext("Follow each address"),
            )
        self.message_user(request, text, messages.SUCCESS)

    def _message_page(self, request, event, template, **context):
        response = TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "event": event,
                "title": _("Write to registrants"),
                **context,
            },
        )
        # The review shows each email in an <iframe srcdoc>, styled by style attributes.
        return allow_style_attributes(response) if template == REVIEW_TEMPLATE else response
