"""Check-in at the door, for staff on a phone: the list with its search and counts, the
one-tap check-in and its undo, the walk-in form, and the card a registrant's QR code opens.

Thin: the rules are events.checkin's. Every view needs a staff login with the right to change
registrations (anonymous: the admin login; anyone else: 403), before it reads anything.
Taps answer JSON to the page's script (Accept: application/json) and redirect plain form posts
back, so the page works without JavaScript.
"""

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.localization import local_number

from .checkin import (
    CheckInRefused,
    RegistrationRefused,
    checkin_counts,
    checkin_list,
    checkin_mark,
    checkin_undo,
    checkin_walk_in,
    is_walk_in,
    phone_display,
)
from .checkin_codes import checkin_token, public_id_from_checkin_token
from .checkin_forms import WalkInForm
from .models import Event, Registration

PERMISSION = "events.change_registration"
MAX_QUERY_LENGTH = 100


def staff_with_permission(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not (request.user.is_staff and request.user.has_perm(PERMISSION)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _counts_context(event):
    counts = checkin_counts(event)
    return {
        "checked_in": counts.checked_in,
        "expected": counts.expected,
        "walk_ins": counts.walk_ins,
        # As the reader writes numbers (Khmer digits on Khmer pages).
        "text": {
            "checked_in": local_number(counts.checked_in),
            "expected": local_number(counts.expected),
            "walk_ins": local_number(counts.walk_ins),
        },
    }


def _page_url(event, query="", registration=None):
    url = reverse("checkin:page", kwargs={"event_id": event.pk})
    if query:
        url += "?" + urlencode({"q": query})
    if registration is not None:
        url += f"#r{registration.pk}"
    return url


def _query(request, source):
    return source.get("q", "").strip()[:MAX_QUERY_LENGTH]


def _render_page(request, event, query, *, alert="", status=200):
    return render(
        request,
        "events/checkin/page.html",
        {
            "event": event,
            "query": query,
            "registrations": checkin_list(event, query),
            "counts": _counts_context(event),
            "alert": alert,
        },
        status=status,
    )


@staff_with_permission
@require_GET
def checkin_page(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    return _render_page(request, event, _query(request, request.GET))


@staff_with_permission
@require_GET
def checkin_counts_view(request, event_id):
    """The counts and who is checked in now, for the page to follow other staff's taps."""
    event = get_object_or_404(Event, pk=event_id)
    attended = event.registrations.filter(status=Registration.Status.ATTENDED)
    return JsonResponse(
        {
            "counts": _counts_context(event),
            "attended": list(attended.values_list("pk", flat=True)),
        }
    )


def _tap_message(outcome, action):
    name = outcome.registration.full_name
    if action == "mark":
        text = _("Checked in: %(name)s.") if outcome.changed else _("Already checked in: %(name)s.")
    else:
        text = (
            _("Check-in undone: %(name)s.") if outcome.changed else _("Not checked in: %(name)s.")
        )
    return text % {"name": name}


@staff_with_permission
@require_POST
def checkin_tap(request, event_id, registration_id):
    """One tap: check in (action=mark) or undo (action=undo); twice is harmless."""
    registration = get_object_or_404(
        Registration.objects.select_related("event"), pk=registration_id, event_id=event_id
    )
    event = registration.event
    action = request.POST.get("action")
    if action not in {"mark", "undo"}:
        return HttpResponseBadRequest(_("Choose to check in or to undo."))
    service = checkin_mark if action == "mark" else checkin_undo
    from_card = request.POST.get("from") == "card"
    query = _query(request, request.POST)
    try:
        outcome = service(registration=registration)
    except CheckInRefused as refusal:
        if _wants_json(request):
            return JsonResponse(
                {
                    "ok": False,
                    "message": str(refusal.message),
                    "code": refusal.code,
                    "status": registration.status,
                    "counts": _counts_context(event),
                },
                status=409,
            )
        if from_card:
            return _render_card(request, registration, alert=refusal.message, status=409)
        return _render_page(request, event, query, alert=refusal.message, status=409)
    message = _tap_message(outcome, action)
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "message": message,
                "status": outcome.registration.status,
                "attended": outcome.registration.status == Registration.Status.ATTENDED,
                "counts": _counts_context(event),
            }
        )
    messages.success(request, message)
    if from_card:
        return redirect("checkin:card", token=checkin_token(registration))
    return redirect(_page_url(event, query, registration))


def _render_card(request, registration, *, alert="", status=200):
    event = registration.event
    registration.phone_display = phone_display(registration.phone)
    return render(
        request,
        "events/checkin/card.html",
        {
            "registration": registration,
            "event": event,
            "counts": _counts_context(event),
            "alert": alert,
            "walk_in": is_walk_in(registration),
            # Any day the event runs is its day: a three-day training, a forum past midnight.
            "other_day": not (
                timezone.localdate(event.starts_at)
                <= timezone.localdate()
                <= timezone.localdate(event.ends_at)
            ),
        },
        status=status,
    )


@staff_with_permission
@require_GET
def checkin_card(request, token):
    """What a registrant's QR code opens: their check-in card, for staff only."""
    public_id = public_id_from_checkin_token(token)
    if public_id is None:
        raise Http404(_("This check-in code is not valid."))
    registration = get_object_or_404(
        Registration.objects.select_related("event", "organisation"), public_id=public_id
    )
    return _render_card(request, registration)


@staff_with_permission
@require_http_methods(["GET", "POST"])
def checkin_walk_in_view(request, event_id):
    """Register someone at the door and check them in."""
    event = get_object_or_404(Event.objects.with_registration_counts(), pk=event_id)
    form = WalkInForm(request.POST or None, event=event)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                outcome = checkin_walk_in(event=event, data=form.cleaned_data, user=request.user)
            except (RegistrationRefused, CheckInRefused) as refusal:
                form.add_error(None, refusal.message)
                status = 409
            else:
                registration = outcome.registration
                if not outcome.created:
                    text = _("%(name)s was already registered with this email: now checked in.")
                elif outcome.over_capacity:
                    text = _(
                        "%(name)s is registered and checked in, beyond the capacity; your name "
                        "is recorded on the registration."
                    )
                else:
                    text = _("%(name)s is registered and checked in.")
                messages.success(request, text % {"name": registration.full_name})
                return redirect(_page_url(event, registration=registration))
    return render(
        request,
        "events/checkin/walk_in.html",
        {"event": event, "form": form, "counts": _counts_context(event)},
        status=status,
    )
