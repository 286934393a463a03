import datetime
import uuid

from django.conf import settings
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

import core.models
from core.localization import local_digits
from core.storage import PrivateStorage
from core.uploads import IMAGE, OFFICE, PDF, validate_upload
from members.models import Organisation

CANCEL_TOKEN_SALT = "events.registration.cancel"


class EventType(models.Model):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    colour = models.CharField(
        _("colour"), max_length=7, default="#1b5e8c", help_text=_("Hex colour for the calendar.")
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("event type")
        verbose_name_plural = _("event types")

    def __str__(self):
        return self.name


def offset_before(offset):
    """A reminder's offset as staff read it: "1 day before", "2 hours before", in the page's
    digits (a Khmer page says មុន ១ ថ្ងៃ). Django's own "%(num)d day" strings, already in the
    Khmer catalogue, name the units."""
    minutes = int(offset.total_seconds()) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    units = [
        (days, ngettext("%(num)d day", "%(num)d days", days)),
        (hours, ngettext("%(num)d hour", "%(num)d hours", hours)),
        (minutes, ngettext("%(num)d minute", "%(num)d minutes", minutes)),
    ]
    parts = [text % {"num": number} for number, text in units if number]
    return local_digits(gettext("%(offset)s before") % {"offset": " ".join(parts) or "0"})


class DefaultReminder(models.Model):
    """A reminder every new event of a type gets (staff can change each event's own)."""

    event_type = models.ForeignKey(
        EventType,
        verbose_name=_("event type"),
        on_delete=models.CASCADE,
        related_name="default_reminders",
    )
    offset = models.DurationField(
        _("time before the start"), help_text=_("For example 1 day, 00:00:00 or 02:00:00.")
    )

    class Meta:
        ordering = ["event_type", "-offset"]
        verbose_name = _("default reminder")
        verbose_name_plural = _("default reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["event_type", "offset"], name="default_reminder_unique_offset"
            ),
            models.CheckConstraint(
                condition=Q(offset__gt=datetime.timedelta(0)),
                name="default_reminder_before_start",
                violation_error_message=_("A reminder must come before the event."),
            ),
        ]

    def __str__(self):
        return offset_before(self.offset)


class EventSeries(models.Model):
    """Events that recur under one name, such as the CBO, M&E and ICT learning forums.

    A series may carry a recurrence: when its events happen, so that staff can generate the
    next ones as drafts (events.recurrence). It is stored as the iCalendar standard writes it
    (RFC 5545), read by python-dateutil's rrule, rather than as our own fields:

    - `recurrence_rule`: an RRULE value such as ``FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU`` (every
      second month on the first Tuesday). One string says what a form of ours would need many
      fields for (the nth or last weekday, intervals, an end by UNTIL or COUNT), it is the
      form calendar apps export, and dateutil reads it, so no date arithmetic of ours.
    - `recurrence_starts_at`: the DTSTART the rule counts from (which months "every second
      month" means) and the time of day of every occurrence, in Asia/Phnom_Penh.
    - `recurrence_dates`: explicit dates (RDATE), with or without a rule, one per line.
    - How long an occurrence lasts, and everything else about it, comes from the event it
      copies (`recurrence_template`, or the series' latest event), so nothing is said twice.
    """

    # How far ahead the next occurrences are looked for: a rule that gives no date in this time
    # (BYMONTHDAY=31;BYMONTH=2) is refused, and no search runs longer than this.
    RECURRENCE_HORIZON_YEARS = 10
    RECURRENCE_FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
    # The parts of an RRULE a meeting calendar needs. dateutil searches a rule that never
    # matches until the year 9999 (seconds for a daily one), so a rule with a day no month has
    # is refused before it is searched (see _recurrence_day_exists).
    RECURRENCE_PARTS = frozenset(
        {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"}
    )

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    event_type = models.ForeignKey(
        EventType, verbose_name=_("event type"), on_delete=models.PROTECT, related_name="series"
    )
    description = models.TextField(_("description"), blank=True)
    recurrence_rule = models.CharField(
        _("recurrence rule"),
        max_length=500,
        blank=True,
        help_text=_(
            "An iCalendar rule (RRULE). For example FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU is every "
            "second month on the first Tuesday, and FREQ=MONTHLY;BYDAY=-1FR the last Friday of "
            "every month. Leave empty if the series has no rule."
        ),
    )
    recurrence_starts_at = models.DateTimeField(
        _("first occurrence"),
        null=True,
        blank=True,
        help_text=_(
            "The date and time the rule counts from. Every occurrence starts at this time of day."
        ),
    )
    recurrence_dates = models.TextField(
        _("extra dates"),
        blank=True,
        help_text=_(
            "Dates outside the rule, or instead of one: one per line, written as year-month-day "
            "(for example 2027-03-16)."
        ),
    )
    recurrence_template = models.ForeignKey(
        "Event",
        verbose_name=_("event to copy"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        help_text=_(
            "Each new occurrence copies this event of the series. Leave empty to copy the "
            "series' latest event."
        ),
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("event series")
        verbose_name_plural = _("event series")

    def __str__(self):
        return self.name

    @property
    def has_recurrence(self):
        return bool(self.recurrence_rule.strip() or self.recurrence_dates.strip())

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if not self.has_recurrence:
            return
        errors = {}
        if self.recurrence_starts_at is None:
            errors["recurrence_starts_at"] = _(
                "Give the first occurrence: the rule counts from it, and every occurrence "
                "starts at its time of day."
            )
        try:
            self.recurrence_date_list()
        except ValueError as error:
            errors["recurrence_dates"] = str(error)
        if self.recurrence_rule.strip() and self.recurrence_starts_at is not None:
            try:
                rule = self.recurrence_rrule()
            except ValueError as error:
                errors["recurrence_rule"] = str(error)
            else:
                start = self.recurrence_local_start()
                horizon = start.replace(year=start.year + self.RECURRENCE_HORIZON_YEARS)
                if not rule.between(start, horizon, inc=True, count=1):
                    errors["recurrence_rule"] = _(
                        "This rule gives no date in the %(years)s years after the first occurrence."
                    ) % {"years": local_digits(str(self.RECURRENCE_HORIZON_YEARS))}
        template = self.recurrence_template
        if template is not None and (self.pk is None or template.series_id != self.pk):
            errors["recurrence_template"] = _("Choose an event of this series.")
        if errors:
            raise ValidationError(errors)

    def recurrence_local_start(self):
        """DTSTART as Phnom Penh wall time (naive): what the rule counts in."""
        from django.utils.timezone import get_default_timezone, localtime

        if self.recurrence_starts_at is None:
            return None
        return localtime(self.recurrence_starts_at, get_default_timezone()).replace(tzinfo=None)

    def recurrence_rrule(self):
        """The rule as a dateutil rrule over naive Phnom Penh wall times, or None without one.

        Raises ValueError, with a message for staff, when the text is not a rule we take: one
        RRULE (the "RRULE:" prefix may be given), daily at most often."""
        from dateutil.rrule import rrule, rrulestr

        text = self.recurrence_rule.strip()
        if not text:
            return None
        if text.upper().startswith("RRULE:"):
            text = text[len("RRULE:") :]
        invalid = ValueError(
            gettext(
                "This is not a rule the portal can read. Write it like "
                "FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU."
            )
        )
        pairs = [part for part in text.split(";") if part]
        if not pairs or any(c in text for c in ":\r\n") or any("=" not in p for p in pairs):
            raise invalid
        parts = dict(part.partition("=")[::2] for part in text.upper().split(";") if part)
        if parts.get("FREQ") not in self.RECURRENCE_FREQUENCIES:
            raise ValueError(gettext("The rule must say FREQ=YEARLY, MONTHLY, WEEKLY or DAILY."))
        if not set(parts) <= self.RECURRENCE_PARTS:
            raise invalid
        if not self._recurrence_day_exists(parts):
            raise ValueError(gettext("No month has the day this rule asks for."))
        start = self.recurrence_local_start()
        try:
            rule = rrulestr(text, dtstart=start)
        except ValueError as error:
            if "UNTIL" not in str(error):
                raise invalid from error
            # UNTIL given in UTC (…Z), as calendar apps write it: count in aware time instead.
            from django.utils.timezone import get_default_timezone

            try:
                rule = rrulestr(text, dtstart=start.replace(tzinfo=get_default_timezone()))
            except (ValueError, TypeError, KeyError, IndexError) as again:
                raise invalid from again
            until = rule._until.astimezone(get_default_timezone()).replace(tzinfo=None)
            rule = rule.replace(dtstart=start, until=until)
        except (TypeError, KeyError, IndexError) as error:
            raise invalid from error
        if not isinstance(rule, rrule):
            raise invalid
        return rule

    @staticmethod
    def _recurrence_day_exists(parts):
        """Whether some month named by BYMONTH (all, without it) has a day named by BYMONTHDAY
        (negative: from the end), counting a leap year."""
        try:
            months = [int(m) for m in parts.get("BYMONTH", "").split(",") if m] or range(1, 13)
            days = [int(d) for d in parts.get("BYMONTHDAY", "").split(",") if d]
        except ValueError:
            return True  # not numbers: rrulestr refuses it
        if not days:
            return True
        import calendar

        lengths = [calendar.monthrange(2028, month)[1] for month in months if 1 <= month <= 12]
        return any(1 <= abs(day) <= length for day in days for length in lengths)

    def recurrence_date_list(self):
        """The explicit dates, as datetime.date, in order. Raises ValueError naming the first
        line that is not a date (Khmer digits are read like Latin ones)."""
        from core.localization import latin_digits

        dates = set()
        for line in self.recurrence_dates.splitlines():
            text = latin_digits(line.strip())
            if not text:
                continue
            try:
                dates.add(datetime.date.fromisoformat(text))
            except ValueError:
                raise ValueError(
                    gettext("“%(line)s” is not a date written as year-month-day.")
                    % {"line": line.strip()}
                ) from None
        return sorted(dates)

    def recurrence_set(self):
        """The rule and the explicit dates as one dateutil rruleset (naive Phnom Penh wall
        times), or None when the series has no recurrence or no first occurrence."""
        from dateutil.rrule import rruleset

        start = self.recurrence_local_start()
        if not self.has_recurrence or start is None:
            return None
        occurrences = rruleset()
        rule = self.recurrence_rrule()
        if rule is not None:
            occurrences.rrule(rule)
        for day in self.recurrence_date_list():
            occurrences.rdate(datetime.datetime.combine(day, start.time()))
        return occurrences


class EventQuerySet(models.QuerySet):
    def published(self):
        """Visible to the public: published, and cancelled ones (shown as cancelled)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")

    def open_for_registration(self, now=None):
        """What Event.is_registration_open says, as a query: published, not started, inside
        the registration window."""
        now = now or timezone.now()
        return self.filter(status=Event.Status.PUBLISHED, starts_at__gt=now).filter(
            Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now),
            Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now),
        )

    def reminding(self, now=None):
        """Events whose confirmed registrants are still owed reminders: published, not
        started."""
        return self.filter(status=Event.Status.PUBLISHED, starts_at__gt=now or timezone.now())

    def with_reminder_counts(self):
        """Reminders sent, pending (owed or being sent) and failed, counted in the database."""

        def count(statuses):
            deliveries = (
                ReminderDelivery.objects.filter(
                    registration__event=OuterRef("pk"), status__in=statuses
                )
                .order_by()
                .values("registration__event")
                .annotate(total=Count("pk"))
                .values("total")
            )
            return Coalesce(Subquery(deliveries), 0)

        return self.annotate(
            reminders_sent=count(["sent"]),
            reminders_pending=count(["pending", "claimed"]),
            reminders_failed=count(["failed"]),
        )

    def with_registration_counts(self):
        """`confirmed_count`: the seats held (see RegistrationQuerySet.seat_holding);
        `offered_count`: seats offered from the waiting list, not yet accepted;
        `waiting_count`: the waiting list."""
        return self.annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status__in=Registration.SEAT_HOLDING)
            ),
            offered_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.OFFERED)
            ),
            waiting_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITING)
            ),
        )


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Open to all")
        MEMBERS = "members", _("Members only")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    event_type = models.ForeignKey(
        EventType, verbose_name=_("event type"), on_delete=models.PROTECT, related_name="events"
    )
    series = models.ForeignKey(
        EventSeries,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        related_name="events",
        null=True,
        blank=True,
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(pgettext_lazy("event", "ends"))  # see Meta.indexes
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    # Invitations: events.invitations (who may register), events.admin_invitations (staff).
    by_invitation = models.BooleanField(
        _("by invitation only"),
        default=False,
        help_text=_(
            "Only people invited from the event's “Invitations” page can register, each "
            "through the personal link in their invitation."
        ),
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    requires_approval = models.BooleanField(
        _("approve registrations first"),
        default=False,
        help_text=_(
            "New registrations wait for a staff member to approve them before they take a seat."
        ),
    )
    offer_window_hours = models.PositiveSmallIntegerField(
        _("hours to accept a freed seat"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(14 * 24)],
        help_text=_(
            "When a seat is freed, the first person on the waiting list is offered it for this "
            "many hours; if they do not accept in time, it passes to the next. Leave empty to "
            "give the seat at once."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Raised whenever the time, place or status changes, for calendar apps (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("An event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0),
                name="event_capacity_not_negative",
                violation_error_message=_("Capacity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_closes_after_opening",
                violation_error_message=_("Registration must close after it opens."),
            ),
        ]
        indexes = [
            # The public lists find the events that have not ended, in order, the month page
            # the fingerprint of its events and the feed its VEVENTs' cache keys from this
            # index alone (an index-only scan on PostgreSQL; events.public.CardPaginator,
            # month_shows, events.ical.feed_calendar), then read only the rows they show.
            models.Index(
                fields=["ends_at"],
                include=[
                    "status",
                    "starts_at",
                    "event_type",
                    "series",
                    "id",
                    "updated_at",
                    "sequence",
                ],
                name="event_not_ended_cover",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event-detail", kwargs={"slug": self.slug})

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_members_only(self):
        return self.audience == self.Audience.MEMBERS

    def accepts_organisation(self, organisation):
        """Whether people from `organisation` (None: not a member, or not given) may register:
        members-only events take active member organisations only."""
        return not self.is_members_only or bool(organisation and organisation.is_active_member)

    def is_registration_open(self, now=None):
        """Published, not cancelled, not started, and inside the registration window."""
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and now < self.starts_at
            and (self.registration_opens_at is None or self.registration_opens_at <= now)
            and (self.registration_closes_at is None or now < self.registration_closes_at)
        )

    @property
    def seats_left(self):
        """Free seats, from the `confirmed_count` and `offered_count` annotations; None when
        there is no limit."""
        if self.capacity is None:
            return None
        taken = self.confirmed_count + self.offered_count
        return max(self.capacity - taken, 0)

    @property
    def has_ended(self):
        return self.ends_at < timezone.now()

    @property
    def is_full(self):
        """Every seat taken (from the `confirmed_count` annotation); never without a limit."""
        return self.seats_left == 0

    @property
    def availability(self):
        """What a visitor can do now, as one word for the pages: "cancelled", "ended",
        "full" (registration open, new registrations go on the waiting list), "open",
        "not_open_yet" or "closed" (the window has closed, or the event has begun)."""
        now = timezone.now()
        if self.is_cancelled:
            return "cancelled"
        if self.ends_at < now:
            return "ended"
        if self.is_registration_open(now):
            return "full" if self.is_full else "open"
        if self.registration_opens_at and now < min(self.registration_opens_at, self.starts_at):
            return "not_open_yet"
        return "closed"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Not cancelled (one active registration per email and event)."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def seat_holding(self):
        """Those who hold a seat: confirmed or attended."""
        return self.filter(status__in=Registration.SEAT_HOLDING)

    def seats_taken(self):
        """What counts against the capacity: the seat holders and the seats offered from the
        waiting list that their person may still accept."""
        return self.filter(status__in=Registration.SEATS_TAKEN)

    def offers_expired(self, now=None):
        """Seat offers whose time to accept has run out."""
        return self.filter(
            status=Registration.Status.OFFERED, offer_expires_at__lte=now or timezone.now()
        )

    def told_of_changes(self):
        """Those told when the event's time, place or status changes: confirmed and waiting."""
        return self.filter(status__in=Registration.TOLD_OF_CHANGES)

    def waiting_in_order(self):
        """The waiting list, first in line first."""
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")

    def waiting_ahead_of(self, registration):
        """Those before `registration` on its event's waiting list (waiting_in_order's order:
        the moment each was put there, then the id)."""
        return self.filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lt=registration.pk),
            event_id=registration.event_id,
            status=Registration.Status.WAITING,
        )

    def owed_reminders(self, now=None):
        """Still owed their event's reminders: confirmed, for an event still reminding (see
        EventQuerySet.reminding). The sweep (events.services.reminders_due) adds which
        reminder has come due; the send checks this again, as things may change in between.
        Never an anonymised registration (privacy.retention): its address is a placeholder."""
        return self.filter(
            status=Registration.Status.CONFIRMED,
            event__in=Event.objects.reminding(now),
            anonymised_at__isnull=True,
        )


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        PENDING = "pending", _("Awaiting approval")
        OFFERED = "offered", _("Seat offered")
        REJECTED = "rejected", _("Not approved")

    class OfferOutcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        PASSED_ON = "passed_on", _("Passed on (not accepted in time)")

    # The statuses some rules read, named once (RegistrationQuerySet uses them).
    SEAT_HOLDING = (Status.CONFIRMED, Status.ATTENDED)
    SEATS_TAKEN = (*SEAT_HOLDING, Status.OFFERED)
    TOLD_OF_CHANGES = (Status.CONFIRMED, Status.WAITING, Status.PENDING, Status.OFFERED)

    class MembershipProof(models.TextChoices):
        # Why this registration counts as a member organisation's (members-only events).
        NONE = "", _("Not proven")
        FOCAL_PERSON = "focal_person", _("Registered by the organisation's focal person")
        EMAIL_DOMAIN = "email_domain", _("From the organisation's verified email domain")
        STAFF = "staff", _("Added or approved by staff")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Another gender")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    class Language(models.TextChoices):
        KHMER = "km", "ខ្មែរ"
        ENGLISH = "en", "English"

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        related_name="registrations",
        null=True,
        blank=True,
    )
    organisation_name = models.CharField(
        _("organisation (not a member)"), max_length=255, blank=True
    )
    full_name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.KHMER
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    # Random and never shown as such: the cancel link carries it signed (see cancel_token).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Set only when staff confirmed this person although the event was full.
    capacity_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed over capacity by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    capacity_override_at = models.DateTimeField(
        _("confirmed over capacity at"), null=True, blank=True, editable=False
    )
    # Registered by staff at the door on the day (events.checkin.checkin_walk_in).
    added_at_door = models.BooleanField(_("walk-in"), default=False, editable=False)
    # Approval (Event.requires_approval): who decided, when, and the reason the person is told.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    decided_at = models.DateTimeField(
        _("approved or rejected at"), null=True, blank=True, editable=False
    )
    decision_reason = models.TextField(_("reason given"), blank=True, editable=False)
    # A freed seat offered from the waiting list (Event.offer_window_hours).
    offer_expires_at = models.DateTimeField(
        _("offer open until"), null=True, blank=True, editable=False
    )
    offer_outcome = models.CharField(
        _("seat offer"),
        max_length=10,
        choices=OfferOutcome.choices,
        blank=True,
        editable=False,
    )

    membership_proof = models.CharField(
        _("membership proven by"),
        max_length=12,
        choices=MembershipProof.choices,
        blank=True,
        editable=False,
    )
    # Where this registrant gets notices on Telegram too (events.telegram), if they opted in.
    telegram_chat = models.ForeignKey(
        "TelegramChat",
        verbose_name=_("Telegram chat"),
        on_delete=models.SET_NULL,
        related_name="registrations",
        null=True,
        blank=True,
        editable=False,
    )
    # The signed-in focal person who registered this colleague (accounts), if one did.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    # When the person's data was anonymised (privacy.retention): name, email, phone and the
    # rest blanked or replaced, the figures' fields kept.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_email",
                violation_error_message=_(
                    "This email address is already registered for this event."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            # The sweep's question each minute: which seat offers have run out.
            models.Index(
                fields=["offer_expires_at"],
                condition=Q(status="offered"),
                name="registration_open_offers",
            ),
            # The nightly retention run's question: which registrations still hold personal data.
            models.Index(
                fields=["event"],
                condition=Q(anonymised_at__isnull=True),
                name="registration_not_anonymised",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} – {self.event}"

    @property
    def is_active(self):
        return self.status != self.Status.CANCELLED

    @property
    def holds_seat(self):
        return self.status in self.SEAT_HOLDING

    def offer_is_open(self, now=None):
        """A seat is offered to this person and they may still accept it."""
        return self.status == self.Status.OFFERED and (now or timezone.now()) < (
            self.offer_expires_at
        )

    def waiting_position(self):
        """1 for the first on the waiting list; None when not waiting."""
        if self.status != self.Status.WAITING:
            return None
        return Registration.objects.waiting_ahead_of(self).count() + 1

    @property
    def organisation_display(self):
        return str(self.organisation) if self.organisation_id else self.organisation_name

    @property
    def cancel_token(self):
        return signing.dumps(str(self.public_id), salt=CANCEL_TOKEN_SALT)

    @classmethod
    def public_id_from_token(cls, token):
        """The public id in a cancel token, or None when the token was not signed by us."""
        try:
            return uuid.UUID(signing.loads(token, salt=CANCEL_TOKEN_SALT))
        except (signing.BadSignature, ValueError, TypeError):
            return None


class ReminderRuleQuerySet(models.QuerySet):
    def due(self, now=None):
        """Rules whose moment (the event's start minus the offset, annotated as `due_at`) has
        come, of events still reminding."""
        now = now or timezone.now()
        due_at = ExpressionWrapper(
            F("event__starts_at") - F("offset"), output_field=models.DateTimeField()
        )
        return (
            self.filter(event__in=Event.objects.reminding(now))
            .annotate(due_at=due_at)
            .filter(due_at__lte=now)
        )


class ReminderRule(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="reminder_rules"
    )
    offset = models.DurationField(
        _("time before the start"), help_text=_("For example 1 day, 00:00:00 or 02:00:00.")
    )

    objects = ReminderRuleQuerySet.as_manager()

    class Meta:
        ordering = ["event", "-offset"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "offset"],
                name="reminder_rule_unique_offset",
                violation_error_message=_("This event already has a reminder at that time."),
            ),
            models.CheckConstraint(
                condition=Q(offset__gt=datetime.timedelta(0)),
                name="reminder_rule_before_start",
                violation_error_message=_("A reminder must come before the event."),
            ),
        ]

    def __str__(self):
        return offset_before(self.offset)


class OutboxQuerySet(core.models.OutboxQuerySet):
    def for_delivery(self):
        return self.select_related("registration__event__event_type")


class OutboxEntry(core.models.OutboxRow):
    """An email owed to a registrant; see core/outbox.py for how it is claimed and sent."""

    objects = OutboxQuerySet.as_manager()

    class Meta:
        abstract = True


class ReminderDelivery(OutboxEntry):
    """The ledger that makes each reminder go out once: one row per registration and rule."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="reminder_deliveries",
    )
    rule = models.ForeignKey(
        ReminderRule,
        verbose_name=_("reminder rule"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "rule"],
                name="reminder_delivery_once",
                violation_error_message=_("This reminder has already been recorded."),
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.registration} · {self.rule}"

    def is_owed(self, now=None):
        """Still to be sent when its turn comes: the registrant is still owed reminders
        (RegistrationQuerySet.owed_reminders: not cancelled since, the event not started)."""
        return Registration.objects.owed_reminders(now).filter(pk=self.registration_id).exists()


class RegistrationNotice(OutboxEntry):
    """Any other email to a registrant: confirmation, waiting list, promotion, the link sent
    again, and notices that an event changed or was cancelled."""

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmation")
        WAITING = "waiting", _("Waiting list")
        PROMOTED = "promoted", _("Promoted from the waiting list")
        EXISTING = "existing", _("Link sent again")
        CANCELLED = "cancelled", _("Cancellation confirmed")
        CHANGED = "changed", _("Event changed")
        EVENT_CANCELLED = "event_cancelled", _("Event cancelled")
        PENDING = "pending", _("Awaiting approval")
        REJECTED = "rejected", _("Not approved")
        OFFERED = "offered", _("Seat offered")
        OFFER_PASSED = "offer_passed", _("Seat offer passed on")

    # Notices that only make sense while the registration is still active.
    FOR_ACTIVE_REGISTRATIONS = (Kind.CONFIRMED, Kind.PROMOTED, Kind.EXISTING, Kind.CHANGED)
    # Notices that only make sense while the registration is still in one state.
    WHILE_STATUS = {
        Kind.WAITING: Registration.Status.WAITING,
        Kind.PENDING: Registration.Status.PENDING,
        Kind.OFFERED: Registration.Status.OFFERED,
    }

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Makes a notice once-only where it must be: "confirmed", "changed:3" (the event's
    # revision), "existing:<ten-minute interval>" (the link sent again). Empty: may repeat.
    once_key = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("registration notice")
        verbose_name_plural = _("registration notices")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "once_key"],
                condition=~Q(once_key=""),
                name="registration_notice_once",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.registration} · {self.get_kind_display()}"

    def is_owed(self, now=None):
        """Still worth sending: not about an active registration that has been cancelled since,
        not "you are on the waiting list" to someone promoted since (the promotion says it
        all), no seat offer once it has been answered or has passed on, and nothing but a
        cancellation once the event is over; nothing once the person's data is anonymised."""
        registration = self.registration
        if registration.anonymised_at is not None:
            return False
        if self.kind in self.FOR_ACTIVE_REGISTRATIONS and not registration.is_active:
            return False
        if self.kind in self.WHILE_STATUS and registration.status != self.WHILE_STATUS[self.kind]:
            return False
        if self.kind == self.Kind.OFFERED and not registration.offer_is_open(now):
            return False
        return self.kind == self.Kind.CANCELLED or registration.event.ends_at >= (
            now or timezone.now()
        )


class EventMessageQuerySet(models.QuerySet):
    def with_delivery_counts(self):
        """How many of each message's emails were sent, are still owed, and failed."""

        def count(statuses):
            return Count("deliveries", filter=Q(deliveries__status__in=statuses))

        return self.annotate(
            sent_count=count(["sent"]),
            pending_count=count(["pending", "claimed"]),
            failed_count=count(["failed"]),
        )


class EventMessage(models.Model):
    """A message staff wrote to an event's registrants, in Khmer and in English (subject_km,
    body_km, subject_en, body_en: events/translation.py). Each address gets its own outbox
    row (EventMessageDelivery), so staff see who got it and who did not, and each reader gets
    their own language, or the other one where staff left a language empty."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="messages"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    # The registration statuses it was written to, such as ["confirmed", "waiting"].
    statuses = models.JSONField(_("sent to"), default=list)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    # The review page staff sent it from: a second "Send" from the same page (a double
    # click, the back button) sends nothing more.
    review_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = EventMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message to registrants")
        verbose_name_plural = _("messages to registrants")

    def __str__(self):
        return self.subject

    def written_in(self, language):
        """Whether staff wrote this language's version (a subject and a body)."""
        subject = getattr(self, f"subject_{language}", None)
        body = getattr(self, f"body_{language}", None)
        return bool(subject and subject.strip() and body and body.strip())

    def language_for(self, language):
        """The language whose text a reader of `language` gets: their own if staff wrote it,
        otherwise the other one (Khmer first)."""
        if self.written_in(language):
            return language
        for other, _label in settings.LANGUAGES:
            if self.written_in(other):
                return other
        return language

    def text_for(self, language):
        """(subject, body) as a reader of `language` gets them."""
        used = self.language_for(language)
        return getattr(self, f"subject_{used}") or "", getattr(self, f"body_{used}") or ""


class EventMessageDeliveryQuerySet(OutboxQuerySet):
    def for_delivery(self):
        return super().for_delivery().select_related("message")


class EventMessageDelivery(OutboxEntry):
    """One registrant's copy of a staff message, rendered when it is sent."""

    message = models.ForeignKey(
        EventMessage,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="message_deliveries",
    )

    objects = EventMessageDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message delivery")
        verbose_name_plural = _("message deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "registration"], name="event_message_delivery_once"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.registration} · {self.message}"

    def is_owed(self):
        """Still to be sent: the registrant has not cancelled since, unless the message was
        written to cancelled registrations too; never once their data is anonymised."""
        registration = self.registration
        if registration.anonymised_at is not None:
            return False
        return registration.is_active or registration.status in self.message.statuses


class CertificateDelivery(OutboxEntry):
    """An attendee's certificate of attendance by email (the PDF rendered when it is sent).
    One row per registration: asking again never emails anyone twice."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="certificate_deliveries",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("certificate delivery")
        verbose_name_plural = _("certificate deliveries")
        constraints = [
            models.UniqueConstraint(fields=["registration"], name="certificate_delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return str(self.registration)

    def is_owed(self):
        """Still to be sent: the registrant is still marked as attended (and their data is not
        anonymised)."""
        registration = self.registration
        return (
            registration.status == Registration.Status.ATTENDED
            and registration.anonymised_at is None
        )


# --- Materials and minutes ------------------------------------------------------------------

MATERIAL_LINK_SALT = "events.material"
# How long a registrant's signed link to a registrants-only material works; their registration
# page gives a fresh one each time it is opened.
MATERIAL_LINK_MAX_AGE = datetime.timedelta(days=7)


def validate_material_file(upload):
    """A PDF, an image or a Word, Excel or PowerPoint document (by its content), at most
    EVENT_MATERIAL_MAX_BYTES. Files already stored are not read again."""
    if getattr(upload, "_committed", False):
        return
    validate_upload(
        upload,
        limit=settings.EVENT_MATERIAL_MAX_BYTES,
        kinds=(PDF, IMAGE, OFFICE),
        message=_(
            "Upload a PDF, an image (JPEG, PNG, GIF or WebP) or a Word, Excel or PowerPoint "
            "file (.docx, .xlsx, .pptx). This file is none of these."
        ),
    )


class EventMaterialQuerySet(models.QuerySet):
    def public(self):
        """Shown to everyone, for events the public can see."""
        return self.filter(
            visibility=EventMaterial.Visibility.PUBLIC,
            event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
        )

    def for_registrants(self):
        return self.filter(visibility=EventMaterial.Visibility.REGISTRANTS)


class EventMaterial(models.Model):
    """An agenda, presentation, minutes, photo or other document of an event: an uploaded file
    (kept in private storage, served only by events.material_views) or a link."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        PRESENTATION = "presentation", _("Presentation")
        MINUTES = "minutes", pgettext_lazy("material", "Minutes")
        PHOTO = "photo", _("Photo")
        OTHER = "other", pgettext_lazy("material", "Other")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        REGISTRANTS = "registrants", _("Registrants only")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(
        _("file"),
        upload_to="event-materials/%Y/%m/",
        storage=PrivateStorage(),
        max_length=255,
        blank=True,
        validators=[validate_material_file],
        help_text=_("PDF, image, Word, Excel or PowerPoint, at most 20 MB. Or give a link."),
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    visibility = models.CharField(
        _("who can see it"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.REGISTRANTS,
        help_text=_(
            "Registrants-only materials are shown on each confirmed registrant's own page, "
            "with a link that works for seven days."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventMaterialQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="event_material_file_or_link",
                violation_error_message=_("Give either a file or a link, not both."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """Public materials and staff: the file (or link) itself. Registrants use signed_url."""
        return reverse("events:material", kwargs={"pk": self.pk})

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC

    @property
    def direct_url(self):
        """Where the public page (and staff) link to: the link itself, or the view that serves
        the file. Never the file's place in storage, which has no URL."""
        return self.url or self.get_absolute_url()

    def signed_url(self, registration):
        """A link for `registration` to this material, working for MATERIAL_LINK_MAX_AGE."""
        token = signing.dumps({"m": self.pk, "r": registration.pk}, salt=MATERIAL_LINK_SALT)
        return reverse("registrations:material", kwargs={"token": token})

    @staticmethod
    def ids_from_token(token):
        """(material pk, registration pk) of a signed link. Raises signing.SignatureExpired
        when too old, signing.BadSignature when not ours or altered."""
        data = signing.loads(
            token, salt=MATERIAL_LINK_SALT, max_age=MATERIAL_LINK_MAX_AGE.total_seconds()
        )
        try:
            return int(data["m"]), int(data["r"])
        except (KeyError, TypeError, ValueError) as error:
            raise signing.BadSignature("malformed material link") from error


# --- Questions ------------------------------------------------------------------------------
# An event's own questions on the registration form (or an event type's template questions,
# which each new event of the type copies), and the answers people gave. Each answer keeps what
# the person saw (the question's and the chosen choices' labels in both languages), so editing or
# deleting a question or a choice later never makes an answer unreadable. Rules: events.questions.


def in_active_language(khmer, english):
    """The text of the page's language, or the other one when that is empty."""
    from django.utils.translation import get_language

    if (get_language() or "km")[:2] == "en":
        return english or khmer
    return khmer or english


class EventQuestion(models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        ONE_CHOICE = "one_choice", _("One choice")
        SEVERAL_CHOICES = "several_choices", _("Several choices")
        YES_NO = "yes_no", _("Yes or no")
        NUMBER = "number", _("Whole number")

    # The kinds whose answers are counted per choice in the figures.
    WITH_CHOICES = (Kind.ONE_CHOICE, Kind.SEVERAL_CHOICES)

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="questions",
        null=True,
        blank=True,
    )
    event_type = models.ForeignKey(
        EventType,
        verbose_name=_("event type"),
        on_delete=models.CASCADE,
        related_name="template_questions",
        null=True,
        blank=True,
    )
    label = models.CharField(_("question"), max_length=255)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    kind = models.CharField(
        _("kind of answer"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.SHORT_TEXT,
        help_text=_(
            "The choices of a choice question, and the range of a number, are set on the "
            "question's own page (“Change”, once it is saved)."
        ),
    )
    required = models.BooleanField(
        _("required"),
        default=False,
        help_text=_(
            "People registering online must answer it. Staff adding a registration may leave "
            "it empty."
        ),
    )
    min_value = models.IntegerField(
        _("smallest number"), null=True, blank=True, help_text=_("For a number only.")
    )
    max_value = models.IntegerField(
        _("largest number"), null=True, blank=True, help_text=_("For a number only.")
    )
    max_choices = models.PositiveSmallIntegerField(
        _("most choices"),
        null=True,
        blank=True,
        help_text=_("For several choices only: how many one person may choose. Empty: any."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, event_type__isnull=True)
                | Q(event__isnull=True, event_type__isnull=False),
                name="event_question_of_event_or_type",
                violation_error_message=_(
                    "A question belongs either to an event or to an event type."
                ),
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=F("min_value")),
                name="event_question_range_in_order",
                violation_error_message=_(
                    "The largest number must not be smaller than the smallest."
                ),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def has_choices(self):
        return self.kind in self.WITH_CHOICES


class EventQuestionChoice(models.Model):
    question = models.ForeignKey(
        EventQuestion,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="choices",
    )
    label = models.CharField(_("choice"), max_length=255)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.label


class RegistrationAnswer(models.Model):
    """One person's answer to one question, with the question as they saw it."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    # Empty once the question is deleted; the labels below still say what was asked.
    question = models.ForeignKey(
        EventQuestion,
        verbose_name=_("question"),
        on_delete=models.SET_NULL,
        related_name="answers",
        null=True,
        blank=True,
    )
    question_label_km = models.CharField(_("question in Khmer"), max_length=255, blank=True)
    question_label_en = models.CharField(_("question in English"), max_length=255, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=EventQuestion.Kind.choices)
    text = models.TextField(_("text"), blank=True)
    number = models.IntegerField(_("number"), null=True, blank=True)
    yes = models.BooleanField(_("yes"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["registration", "order", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"],
                condition=Q(question__isnull=False),
                name="registration_answer_once_per_question",
            ),
        ]

    def __str__(self):
        return f"{self.question_label} · {self.display_value}"

    @property
    def question_label(self):
        return in_active_language(self.question_label_km, self.question_label_en)

    @property
    def chosen_labels(self):
        """The chosen choices' labels in the page's language (prefetch `chosen`)."""
        return [choice.label for choice in self.chosen.all()]

    @property
    def display_value(self):
        """The answer as a reader of the page's language reads it."""
        from core.localization import join_list, local_number

        if self.kind in EventQuestion.WITH_CHOICES:
            return join_list(self.chosen_labels)
        if self.kind == EventQuestion.Kind.YES_NO:
            if self.yes is None:
                return ""
            return str(_("Yes") if self.yes else _("No"))
        if self.kind == EventQuestion.Kind.NUMBER:
            return "" if self.number is None else local_number(self.number)
        return self.text


class RegistrationAnswerChoice(models.Model):
    """A choice a person chose, with its label in both languages as they saw it."""

    answer = models.ForeignKey(
        RegistrationAnswer,
        verbose_name=_("answer"),
        on_delete=models.CASCADE,
        related_name="chosen",
    )
    # Empty once the choice is deleted; the labels still say what was chosen.
    choice = models.ForeignKey(
        EventQuestionChoice,
        verbose_name=_("choice"),
        on_delete=models.SET_NULL,
        related_name="chosen_in",
        null=True,
        blank=True,
    )
    label_km = models.CharField(_("choice in Khmer"), max_length=255, blank=True)
    label_en = models.CharField(_("choice in English"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["answer", "order", "pk"]
        verbose_name = _("chosen choice")
        verbose_name_plural = _("chosen choices")

    def __str__(self):
        return self.label

    @property
    def label(self):
        return in_active_language(self.label_km, self.label_en)


# --- Invitations ------------------------------------------------------------------------------

INVITATION_TOKEN_SALT = "events.invitation"


class EventInvitationQuerySet(models.QuerySet):
    def unanswered(self):
        """Invited, and neither registered nor declined yet."""
        return self.filter(status=EventInvitation.Status.INVITED)

    def not_reminded(self):
        """Never sent the one reminder (a reminder skipped unsent counts as sent: one only)."""
        return self.exclude(deliveries__kind=InvitationDelivery.Kind.REMINDER)


class EventInvitation(models.Model):
    """One person invited to an event (only invitees may register for an event that is
    by invitation only). The email is stored in lower case: one invitation per address and
    event. The personal link carries `public_id` signed (see `token`)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited, no answer yet")
        REGISTERED = "registered", pgettext_lazy("invitation", "Registered")
        DECLINED = "declined", pgettext_lazy("invitation", "Declined")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=Registration.Language.choices,
        default=Registration.Language.KHMER,
    )
    # Where the address came from, when staff picked it rather than pasted it.
    contact = models.ForeignKey(
        "members.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        related_name="event_invitations",
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        related_name="event_invitations",
        null=True,
        blank=True,
    )
    network = models.ForeignKey(
        "networks.ProvincialNetwork",
        verbose_name=_("provincial network"),
        on_delete=models.SET_NULL,
        related_name="event_invitations",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.SET_NULL,
        related_name="invitations",
        null=True,
        blank=True,
    )
    # Random and never shown as such: the personal link carries it signed.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = EventInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "created_at", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                name="event_invitation_one_per_email",
                violation_error_message=_("This address is already invited to this event."),
            ),
        ]

    def __str__(self):
        return f"{self.name or self.email} – {self.event}"

    @property
    def token(self):
        return signing.dumps(str(self.public_id), salt=INVITATION_TOKEN_SALT)

    @classmethod
    def public_id_from_token(cls, token):
        """The public id in an invitation link, or None when the link was not made by us."""
        try:
            return uuid.UUID(signing.loads(token, salt=INVITATION_TOKEN_SALT))
        except (signing.BadSignature, ValueError, TypeError):
            return None


class InvitationDeliveryQuerySet(core.models.OutboxQuerySet):
    def for_delivery(self):
        return self.select_related("invitation__event__event_type")


class InvitationDelivery(OutboxEntry):
    """An invitation email, or the one reminder to an invitee who has not answered. One row
    of each kind per invitation: inviting or reminding again never emails anyone twice."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        REMINDER = "reminder", pgettext_lazy("invitation email", "Reminder")

    invitation = models.ForeignKey(
        EventInvitation,
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    objects = InvitationDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation email")
        verbose_name_plural = _("invitation emails")
        constraints = [
            models.UniqueConstraint(fields=["invitation", "kind"], name="invitation_delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.invitation} · {self.get_kind_display()}"

    def is_owed(self, now=None):
        """Still worth sending: the event is published, not started and its registration
        window not closed (it may not have opened yet), and a reminder only while the invitee
        has not answered."""
        now = now or timezone.now()
        invitation = self.invitation
        event = invitation.event
        closes_at = event.registration_closes_at
        if event.status != Event.Status.PUBLISHED or event.starts_at <= now:
            return False
        if closes_at is not None and closes_at <= now:
            return False
        if self.kind == self.Kind.REMINDER:
            return invitation.status == EventInvitation.Status.INVITED
        return True


# --- Public report ---------------------------------------------------------------------------


class EventReportQuerySet(models.QuerySet):
    def public(self, now=None):
        """Shown to everyone: published by staff, of a published event that has ended."""
        return self.filter(
            is_published=True,
            event__status=Event.Status.PUBLISHED,
            event__ends_at__lt=now or timezone.now(),
        )


class EventReport(models.Model):
    """What happened at an event, for the public: staff's narrative in Khmer and English
    (narrative_km, narrative_en: events/translation.py); the figures, organisations, photos and
    documents beside it come from the event itself (events.public_report)."""

    event = models.OneToOneField(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="report"
    )
    narrative = models.TextField(
        _("narrative"),
        blank=True,
        help_text=_("What was discussed and decided, and what comes next. No one's name."),
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Shown on the event's page once the event has ended."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventReportQuerySet.as_manager()

    class Meta:
        ordering = ["-event__starts_at"]
        verbose_name = _("event report")
        verbose_name_plural = _("event reports")

    def __str__(self):
        return str(self.event)

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.is_published and not (
            (self.narrative_km or "").strip() and (self.narrative_en or "").strip()
        ):
            raise ValidationError(
                _("Write the narrative in Khmer and in English before publishing the report.")
            )


class EventPhoto(models.Model):
    """The web-size copies of a public photo (an EventMaterial of kind "photo"), in public media:
    made with Pillow by events.photos, EXIF orientation applied and EXIF dropped. The original
    stays in private storage. A row whose material was deleted, or is no longer public, is
    removed with its files by events.photos.event_photos_refresh."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="web_photos"
    )
    material = models.OneToOneField(
        EventMaterial,
        verbose_name=_("material"),
        on_delete=models.SET_NULL,
        related_name="web_photo",
        null=True,
        blank=True,
    )
    # The original's name in private storage when the copies were made: a new upload is copied
    # again.
    source_name = models.CharField(max_length=255, editable=False)
    large = models.FileField(_("large copy"), max_length=255, editable=False)
    large_width = models.PositiveIntegerField(editable=False)
    large_height = models.PositiveIntegerField(editable=False)
    thumbnail = models.FileField(_("thumbnail"), max_length=255, editable=False)
    thumbnail_width = models.PositiveIntegerField(editable=False)
    thumbnail_height = models.PositiveIntegerField(editable=False)

    class Meta:
        ordering = ["material__order", "material__pk"]
        verbose_name = _("web copy of a photo")
        verbose_name_plural = _("web copies of photos")

    def __str__(self):
        return str(self.material) if self.material_id else self.large.name


class TelegramChat(models.Model):
    """A Telegram chat that a registrant linked by pressing Start on the deep link from their
    page or confirmation (events.telegram). Notices to its registrations also go there."""

    chat_id = models.BigIntegerField(_("Telegram chat"), unique=True)
    # The registrant agreed in the chat that their later registrations with this address are
    # linked too; empty otherwise.
    future_email = models.EmailField(_("also for later registrations of"), blank=True)
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    # The person blocked the bot or sent /stop: nothing more goes to this chat.
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram chat")
        verbose_name_plural = _("Telegram chats")

    def __str__(self):
        return str(self.chat_id)


class TelegramMessage(OutboxEntry):
    """A notice owed to a registrant's linked Telegram chat: written in the same transaction as
    the email's row, sent by a worker, once per registration and `once_key` ("notice:<id>",
    "reminder:<rule id>", "certificate")."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="telegram_messages",
    )
    chat = models.ForeignKey(
        TelegramChat,
        verbose_name=_("Telegram chat"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    kind = models.CharField(_("kind"), max_length=20)
    once_key = models.CharField(max_length=40, editable=False)
    # Where the message's button leads when not to the registrant's page (a survey's link).
    link_url = models.URLField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Telegram message")
        verbose_name_plural = _("Telegram messages")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "once_key"], name="telegram_message_once"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.registration} · {self.kind}"
