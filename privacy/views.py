"""A person's own requests about their data: from their registration page (the signed link
is their proof), and a public form that answers the same whether the address is known or
not. Export goes by email, to the address asked about only; erasure waits for staff."""

import logging

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.ratelimit import rate_limited
from events.models import Registration

from .data_requests import data_request_ask_erasure, data_request_ask_export
from .forms import EmailForm
from .models import DataRequest
from .tasks_requests import email_personal_data

logger = logging.getLogger(__name__)

# Requests per client address and window: a person asks once or twice; a script gets a 429.
REQUEST_LIMIT = 5
REQUEST_WINDOW_SECONDS = 15 * 60


def _registration(token):
    public_id = Registration.public_id_from_token(token)
    if public_id is None:
        raise Http404(_("This link is not valid."))
    registration = get_object_or_404(
        Registration.objects.select_related("event"), public_id=public_id
    )
    if registration.anonymised_at is not None:
        raise Http404(_("The personal data of this registration has already been erased."))
    return registration


def _too_many(request):
    return rate_limited(
        request, scope="privacy", limit=REQUEST_LIMIT, window_seconds=REQUEST_WINDOW_SECONDS
    )


def _rate_limited_page(request):
    return render(request, "privacy/rate_limited.html", status=429)


def _queue_email(data_request):
    """Ask a worker for the email once the request is saved; with no broker, send it from
    here rather than lose the request."""
    language = translation.get_language() or settings.LANGUAGE_CODE

    def queue():
        try:
            email_personal_data.delay(data_request.pk, language)
        except Exception:
            logger.warning("Could not queue a personal data email; sending it from here")
            try:
                email_personal_data.apply(args=(data_request.pk, language), throw=False)
            except Exception:
                logger.exception("Could not send a personal data email")

    transaction.on_commit(queue)


def registration_privacy(request, token):
    """The registrant's privacy page: what they may ask, and any erasure request waiting."""
    registration = _registration(token)
    waiting = (
        DataRequest.objects.awaiting_confirmation()
        .about(registration.email)
        .filter(kind=DataRequest.Kind.ERASURE)
        .exists()
    )
    context = {"registration": registration, "token": token, "erasure_waiting": waiting}
    response = render(request, "privacy/registration_privacy.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def registration_privacy_export(request, token):
    registration = _registration(token)
    if _too_many(request):
        return _rate_limited_page(request)
    data_request = data_request_ask_export(
        email=registration.email, source=DataRequest.Source.REGISTRANT
    )
    _queue_email(data_request)
    messages.success(
        request,
        _(
            "We will email the data we hold about you to the address of this registration "
            "in a few minutes."
        ),
    )
    return redirect("privacy:registration", token=token)


@require_POST
def registration_privacy_erasure(request, token):
    registration = _registration(token)
    if _too_many(request):
        return _rate_limited_page(request)
    data_request_ask_erasure(email=registration.email, source=DataRequest.Source.REGISTRANT)
    messages.success(
        request,
        _("Your request has been sent to CCC staff. Nothing is erased until they confirm it."),
    )
    return redirect("privacy:registration", token=token)


def public_request(request):
    """Anyone enters an address; the answer is the same whether we hold anything about it or
    not, and the data goes only to that address (nothing is sent when nothing is held)."""
    form = EmailForm(request.POST or None)
    if request.method == "POST":
        if _too_many(request):
            return _rate_limited_page(request)
        if form.is_valid():
            email = form.cleaned_data["email"]
            _queue_email(data_request_ask_export(email=email, source=DataRequest.Source.PUBLIC))
            return render(request, "privacy/request_sent.html", {"email": email})
        return render(request, "privacy/request_form.html", {"form": form}, status=400)
    return render(request, "privacy/request_form.html", {"form": form})
