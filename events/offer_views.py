"""The registrant's answer to a seat offered from the waiting list (Event.offer_window_hours),
reached from the link in the offer email. GET only shows the offer (mail scanners open links);
the answer is a POST."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .services import OfferRefused, registration_offer_accept, registration_offer_decline
from .views import _registration_from_token

ANSWERS = {"accept": registration_offer_accept, "decline": registration_offer_decline}
# A late answer is for something that no longer exists; any other answer, for the wrong state.
REFUSAL_STATUS = {"offer_passed": 410, "no_offer": 409}


@require_http_methods(["GET", "POST"])
def registration_offer_view(request, token):
    registration = _registration_from_token(token)
    context = {"registration": registration, "event": registration.event, "token": token}
    if request.method == "GET":
        return render(request, "events/registration_offer.html", context)
    answer = ANSWERS.get(request.POST.get("answer"))
    if answer is None:
        context["error"] = _("Choose whether you accept or decline the seat.")
        return render(request, "events/registration_offer.html", context, status=400)
    try:
        registration = answer(registration=registration)
    except OfferRefused as refusal:
        registration.refresh_from_db()
        context["error"] = refusal.message
        return render(
            request, "events/registration_offer.html", context, status=REFUSAL_STATUS[refusal.code]
        )
    if registration.offer_outcome == registration.OfferOutcome.ACCEPTED:
        message = _("The seat is yours: your registration is confirmed.")
    else:
        message = _("Thank you for letting us know: the seat goes to the next person.")
    messages.success(request, message)
    return redirect("registrations:detail", token=token)
