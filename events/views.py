import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView

from core.fragments import cached_html, unbound_form_shows
from core.localization import format_date, weekday_names
from core.ratelimit import rate_limited

from . import calendar as month_calendar
from . import public
from .checkin_codes import checkin_qr_svg
from .filters import EventFilter
from .forms import RegistrationForm
from .ical import event_calendar, feed_calendar
from .join_links import online_context
from .models import EventSeries, Registration, RegistrationNotice
from .public import month_events, public_events, set_urls
from .public_report import public_report_context, series_archive
from .questions import registration_answers
from .services import RegistrationRefused, registration_cancel, registration_create
from .telegram_bot import telegram_unlink
from .telegram_links import telegram_deep_link

# How far back the subscription feed reaches, so calendar apps keep recent events, and how many
# events it carries at most (the nearest ones), so that it stays small for phones.
FEED_PAST_DAYS = 90
FEED_MAX_EVENTS = 500


class EventListView(ListView):
    """Upcoming events, filtered by type and series; the past is in the archive."""

    template_name = "events/event_list.html"
    context_object_name = "events"
    paginate_by = 12
    # The page's events as cards, found as ids first (events.public.CardPaginator).
    paginator_class = public.CardPaginator
    archive = False

    def get_queryset(self):
        now = timezone.now()
        events = public_events()
        events = public.past(events, now) if self.archive else public.upcoming(events, now)
        self.filterset = EventFilter(self.request.GET or None, queryset=events)
        if self.filterset.is_bound and not self.filterset.is_valid():
            events = events.none()
        else:
            events = self.filterset.qs
        return events.values_list("pk", flat=True)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            filter=self.filterset,
            archive=self.archive,
            this_month=today.replace(day=1),
            **kwargs,
        )


class EventMonthView(TemplateView):
    template_name = "events/event_month.html"

    def get_context_data(self, year, month, **kwargs):
        if not (1 <= month <= 12 and month_calendar.FIRST_YEAR <= year <= month_calendar.LAST_YEAR):
            raise Http404(_("There is no calendar for that month."))
        first_day, last_day = month_calendar.grid_bounds(year, month)
        events = month_calendar.events_overlapping(public_events(), first_day, last_day)
        today = timezone.localdate()
        month_start = datetime.date(year, month, 1)
        previous_month = (month_start - datetime.timedelta(days=1)).replace(day=1)
        next_month = (month_start + datetime.timedelta(days=31)).replace(day=1)
        # The grid and the list from the fragment cache, under a key of the month's events (at
        # 10x the data a month holds 1,100: reading them as rows and drawing them took 30 ms).
        shown = [year, month, today.isoformat(), public.month_shows(events)]
        return super().get_context_data(
            month=month_start,
            month_body=cached_html(
                "month",
                shown,
                "events/_month_body.html",
                lambda: _month_body_context(year, month, month_events(events), today),
            ),
            previous_month=previous_month
            if previous_month.year >= month_calendar.FIRST_YEAR
            else None,
            next_month=next_month if next_month.year <= month_calendar.LAST_YEAR else None,
            **kwargs,
        )


def _month_body_context(year, month, events, today):
    """The month's grid and its list below (events/_month_body.html)."""
    _label_for_the_month(events)
    listed = [
        event
        for event in events
        if event.local_start.month == month or event.local_end.month == month
    ]
    return {
        "weekday_names": weekday_names(),
        # The grid first: it marks the list's first event of each day (its anchor).
        "weeks": _anchor_days(month_calendar.month_grid(year, month, events, today), listed),
        "month_events": listed,
    }


def _label_for_the_month(events):
    """What the month page shows of each event, worked out once per event (the grid and the list
    both show it) and once per day: its URL, local times and date."""
    set_urls(events)
    days = {}
    zone = timezone.get_current_timezone()
    for event in events:
        event.local_start = event.starts_at.astimezone(zone)
        event.local_end = event.ends_at.astimezone(zone)
        day = event.local_start.date()
        if day not in days:
            days[day] = format_date(day, "long")
        event.day_label = days[day]


def _anchor_days(weeks, listed):
    """The list below the grid marks the first event of each day (`anchor`), and a cell with
    more events than it draws links there (or to the list, for a day no listed event starts)."""
    anchors = {}
    for event in listed:
        day = event.local_start.date()
        event.anchor = None if day in anchors else f"day-{day.isoformat()}"
        anchors.setdefault(day, event.anchor)
    for week in weeks:
        for day in week:
            day.anchor = anchors.get(day.date, "month-list")
    return weeks


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        # One event: the join and GROUP BY count its registrations only, and compile faster.
        return public_events().with_registration_counts()

    def get_context_data(self, **kwargs):
        # The public never sees the join link: only that registrants get it.
        return super().get_context_data(
            **online_context(self.object),
            **public_report_context(self.object),  # a past event's published report
            **kwargs,
        )


def series_archive_view(request, slug):
    """A series' events and results: what comes next, and each past event with its report."""
    series = get_object_or_404(EventSeries, slug=slug)
    upcoming, past = series_archive(series)
    return render(
        request,
        "events/series_archive.html",
        {"series": series, "upcoming": upcoming, "past": past},
    )


def _ics_language(request):
    language = request.GET.get("lang", "km")
    return language if language in dict(settings.LANGUAGES) else "km"


def _ics_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def event_ics(request, slug):
    event = get_object_or_404(public_events(), slug=slug)
    language = _ics_language(request)
    content = event_calendar([event], language=language, name=event.title)
    return _ics_response(content, f"{event.slug}.ics")


def event_feed(request):
    """Subscription feed: upcoming events and those of the last FEED_PAST_DAYS days."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    events = (
        public_events()
        .filter(ends_at__gte=since)
        .defer("description", "description_km", "description_en")
    )
    events = public.soonest_first(events)[:FEED_MAX_EVENTS]
    language = _ics_language(request)
    content = feed_calendar(events, language=language, name=settings.PORTAL_NAME)
    return _ics_response(content, "ccc-events.ics")


# --- Registration ---------------------------------------------------------------------------

# REGISTRATION_RATE_LIMIT posts per address in this window: enough for someone registering a
# few colleagues; a script gets a 429.
REGISTRATION_WINDOW_SECONDS = 600


class RegisterView(FormView):
    template_name = "events/registration_form.html"
    form_class = RegistrationForm
    # An invitee's own link (events.invitation_views) registers with their invitation.
    invitation = None

    def dispatch(self, request, *args, **kwargs):
        events = public_events()
        if request.method != "POST":  # a POST decides under the event's lock, not from these
            events = events.with_registration_counts()
        self.event = get_object_or_404(events, slug=kwargs["slug"])
        if self.event.by_invitation:
            # No form: invitees register through the personal link in their invitation.
            status = 200 if request.method == "GET" else 403
            context = {"event": self.event}
            return render(request, "events/invitation_only.html", context, status=status)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event}

    def get_context_data(self, **kwargs):
        if not hasattr(self.event, "confirmed_count"):  # a POST shown again: the seats now
            events = public_events().with_registration_counts()
            self.event = get_object_or_404(events, pk=self.event.pk)
        context = super().get_context_data(event=self.event, **kwargs)
        form = context["form"]
        if not form.is_bound and self.invitation is None:
            # The empty form's fields, the same for everyone who opens it (an invitee's are
            # filled in with their own name: never shared): drawing them was two thirds of
            # the page's time (issue 18).
            context["fields_html"] = cached_html(
                "registration-fields",
                unbound_form_shows(form),
                "events/_registration_fields.html",
                {"form": form},
            )
        return context

    def post(self, request, *args, **kwargs):
        if rate_limited(
            request,
            scope="registration",
            limit=settings.REGISTRATION_RATE_LIMIT,
            window_seconds=REGISTRATION_WINDOW_SECONDS,
        ):
            return render(request, "events/registration_rate_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        try:
            outcome = registration_create(
                event=self.event, data=form.cleaned_data, invitation=self.invitation
            )
        except RegistrationRefused as refusal:
            form.add_error(None, refusal.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except ValidationError as error:  # an answer refused by events.questions: nothing saved
            for field_messages in error.message_dict.values():
                form.add_error(None, field_messages)
            return self.form_invalid(form)
        if not outcome.created:
            messages.info(
                self.request,
                _(
                    "This email address is already registered for this event. The "
                    "registration link will be sent to it again in a few minutes."
                ),
            )
            return redirect(self.event)
        return redirect("registrations:detail", token=outcome.registration.cancel_token)


def _registration_from_token(token):
    public_id = Registration.public_id_from_token(token)
    if public_id is None:
        raise Http404(_("This link is not valid."))
    return get_object_or_404(
        Registration.objects.select_related("event__event_type"), public_id=public_id
    )


# The email that tells a registrant their present status.
STATUS_NOTICE_KINDS = {
    **dict.fromkeys(
        Registration.SEAT_HOLDING,
        [RegistrationNotice.Kind.CONFIRMED, RegistrationNotice.Kind.PROMOTED],
    ),
    Registration.Status.WAITING: [RegistrationNotice.Kind.WAITING],
    Registration.Status.PENDING: [RegistrationNotice.Kind.PENDING],
    Registration.Status.OFFERED: [RegistrationNotice.Kind.OFFERED],
}


def _status_email(registration):
    """The state of the email that tells the registrant their present status: "sent",
    "pending" (still in the outbox: the page must not claim it was sent) or None (none owed)."""
    kinds = STATUS_NOTICE_KINDS.get(registration.status)
    if not kinds:
        return None
    status = (
        registration.notices.filter(kind__in=kinds)
        .exclude(status=RegistrationNotice.Status.SKIPPED)
        .order_by("-created_at", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    if status is None:
        return None
    return "sent" if status == RegistrationNotice.Status.SENT else "pending"


def registration_detail(request, token):
    """The registrant's own page, reached only through the signed link."""
    registration = _registration_from_token(token)
    return render(
        request,
        "events/registration_detail.html",
        {
            "registration": registration,
            "event": registration.event,
            "position": registration.waiting_position(),
            "status_email": _status_email(registration),
            "token": token,
            "checkin_qr": _checkin_qr(registration),
            "answers": registration_answers(registration),
            "telegram_link": telegram_deep_link(registration),
            **online_context(registration.event, registration),
        },
    )


@require_POST
def registration_telegram_stop(request, token):
    """The registrant stops Telegram messages about this registration (emails go on)."""
    registration = _registration_from_token(token)
    telegram_unlink(registration=registration)
    messages.success(request, _("Telegram messages about this registration are stopped."))
    return redirect("registrations:detail", token=token)


def registration_ics(request, token):
    """The registrant's own calendar file, in the page's language: the public one, plus the
    join link while they hold a seat."""
    registration = _registration_from_token(token)
    event = registration.event
    content = event_calendar(
        [event], language=translation.get_language(), name=event.title, registration=registration
    )
    response = _ics_response(content, f"{event.slug}.ics")
    # Personal: not for shared caches or search engines.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _checkin_qr(registration):
    """The QR code staff scan at the door, while it can still be of use."""
    event = registration.event
    if not registration.holds_seat or event.is_cancelled or event.has_ended:
        return ""
    return checkin_qr_svg(registration, title=_("QR code for check-in at the door"))


@require_http_methods(["GET", "POST"])
def registration_cancel_view(request, token):
    """GET shows what will be cancelled; POST cancels (twice is harmless)."""
    registration = _registration_from_token(token)
    if request.method == "POST":
        registration_cancel(registration=registration)
        messages.success(request, _("Your registration has been cancelled."))
        return redirect("registrations:detail", token=token)
    return render(
        request,
        "events/registration_cancel.html",
        {"registration": registration, "event": registration.event, "token": token},
    )
