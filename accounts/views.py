"""Focal persons' pages: sign in by a one-time link, their organisation, group registration."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.ratelimit import rate_limited
from events.certificates import certificate_code
from events.models import Event, Registration
from events.services import (
    RegistrationRefused,
    registration_cancel,
    registrations_create_group,
)
from members.models import MembershipDues
from networks.models import MoU

from .access import focal_person_required, signed_in_focal_person
from .forms import ColleagueFormSet, GroupConsentForm, SignInForm
from .models import ProfileChange
from .services import focal_person_from_token
from .tasks import send_sign_in_link

logger = logging.getLogger(__name__)

SIGN_IN_WINDOW_SECONDS = 15 * 60
GROUP_DONE_SESSION_KEY = "accounts:group-done"


def _safe_next(request, url):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def sign_in_request(request):
    """Ask for a link by email. The answer is the same whether the address is known or not,
    and comes as fast (a worker looks the address up); rate-limited per client address."""
    if signed_in_focal_person(request):
        return redirect("accounts:organisation")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        if rate_limited(
            request,
            scope="sign-in",
            limit=settings.SIGN_IN_RATE_LIMIT,
            window_seconds=SIGN_IN_WINDOW_SECONDS,
        ):
            return render(request, "accounts/sign_in_rate_limited.html", status=429)
        if form.is_valid():
            _queue_sign_in_link(form.cleaned_data["email"], next_url)
            return render(
                request, "accounts/sign_in_sent.html", {"email": form.cleaned_data["email"]}
            )
        return render(
            request, "accounts/sign_in.html", {"form": form, "next": next_url}, status=400
        )
    return render(request, "accounts/sign_in.html", {"form": form, "next": next_url})


def _queue_sign_in_link(email, next_url):
    language = translation.get_language() or settings.LANGUAGE_CODE
    try:
        send_sign_in_link.delay(email, language, next_url)
    except Exception:  # broker unreachable: send it from here rather than lose the request
        logger.warning("Could not queue a sign-in link; sending it from the web process")
        try:
            send_sign_in_link.apply(args=(email, language, next_url), throw=False)
        except Exception:
            logger.exception("Could not send a sign-in link")


def sign_in_confirm(request):
    """The link from the email. GET only shows a button (mail scanners open links, and must
    not use up a one-time link); the POST signs in. A used, expired or altered link gets a
    clear page and no session."""
    token = request.POST.get("sesame") if request.method == "POST" else request.GET.get("sesame")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method != "POST":
        focal_person = focal_person_from_token(token)
        if focal_person is None:
            return render(request, "accounts/sign_in_link_invalid.html", status=400)
        context = {"token": token, "next": next_url, "focal_person": focal_person}
        return render(request, "accounts/sign_in_confirm.html", context)
    with transaction.atomic():
        focal_person = focal_person_from_token(token, lock=True)
        if focal_person is None:
            return render(request, "accounts/sign_in_link_invalid.html", status=400)
        # Sets last_login, which ends the link.
        login(request, focal_person.user, backend="sesame.backends.ModelBackend")
    return redirect(next_url or reverse("accounts:organisation"))


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("home")


@focal_person_required
def organisation_page(request):
    organisation = request.organisation
    now = timezone.now()
    registrations = (
        Registration.objects.filter(organisation=organisation)
        .select_related("event")
        .prefetch_related("certificate_deliveries")
        .order_by("-event__starts_at", "full_name")
    )
    upcoming = [r for r in registrations if r.event.ends_at > now]
    past = [r for r in registrations if r.event.ends_at <= now]
    for registration in past:
        if registration.certificate_deliveries.all():
            registration.certificate_code = certificate_code(registration)
    context = {
        "organisation": organisation,
        "focal_person": request.focal_person,
        "upcoming": upcoming,
        "past": past,
        "attended_count": sum(r.status == Registration.Status.ATTENDED for r in past),
        "dues": MembershipDues.objects.filter(organisation=organisation),
        "mous": MoU.objects.filter(network__memberships__organisation=organisation)
        .select_related("network", "organisation")
        .distinct()
        .order_by("-starts_on"),
        "open_events": Event.objects.open_for_registration(now)
        .exclude(by_invitation=True)
        .order_by("starts_at")[:20],
        "pending_change": ProfileChange.objects.pending().filter(organisation=organisation).first(),
    }
    return render(request, "accounts/organisation.html", context)


@focal_person_required
def group_register(request, slug):
    event = get_object_or_404(Event.objects.published().exclude(by_invitation=True), slug=slug)
    formset = ColleagueFormSet(request.POST or None, prefix="people")
    consent = GroupConsentForm(request.POST or None)
    context = {"event": event, "formset": formset, "consent": consent}
    if request.method != "POST":
        return render(request, "accounts/group_register.html", context)
    if not (formset.is_valid() and consent.is_valid()):
        return render(request, "accounts/group_register.html", context, status=400)
    try:
        outcomes = registrations_create_group(
            event=event,
            people=formset.people,
            vouched_for=request.organisation,
            registered_by=request.user,
        )
    except RegistrationRefused as refusal:
        context["refusal"] = refusal.message
        return render(request, "accounts/group_register.html", context, status=409)
    except ValidationError as error:
        context["refusal"] = " ".join(error.messages)
        return render(request, "accounts/group_register.html", context, status=400)
    request.session[GROUP_DONE_SESSION_KEY] = [
        [outcome.registration.pk, outcome.created] for outcome in outcomes
    ]
    return redirect("accounts:group-done", slug=event.slug)


@focal_person_required
def group_done(request, slug):
    """Who got a seat, who waits, who was already registered: after the group form's POST."""
    rows = request.session.get(GROUP_DONE_SESSION_KEY) or []
    event = get_object_or_404(Event, slug=slug)
    created = dict(rows)
    people = Registration.objects.filter(
        pk__in=created, event=event, organisation=request.organisation
    ).order_by("created_at", "pk")
    if not people:
        return redirect("accounts:organisation")
    for person in people:
        person.was_created = created[person.pk]
    return render(request, "accounts/group_done.html", {"event": event, "people": people})


@require_POST
@focal_person_required
def colleague_cancel(request, pk):
    """A focal person cancels one of their organisation's registrations (never another's:
    a registration of another organisation is not found)."""
    registration = (
        Registration.objects.filter(pk=pk, organisation=request.organisation)
        .select_related("event")
        .first()
    )
    if registration is None:
        raise Http404
    if registration.status == Registration.Status.CANCELLED:
        messages.info(request, _("This registration was already cancelled."))
    elif registration.event.starts_at <= timezone.now():
        messages.error(
            request, _("This event has started: its registrations can no longer be cancelled here.")
        )
    else:
        registration_cancel(registration=registration)
        messages.success(
            request,
            _("%(name)s's registration is cancelled; they have been told by email.")
            % {"name": registration.full_name},
        )
    return redirect("accounts:organisation")
