"""Read-only figures for staff: who registered for an event and who came, and the figures
for donor reports over many events."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.functions import (
    Cast,
    Concat,
    Lower,
    Replace,
    Trim,
    TruncMonth,
    TruncQuarter,
    TruncYear,
)
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.localization import format_date, local_digits
from members.models import Organisation, Province

from .models import EventSeries, EventType, Registration
from .questions import question_figures

NOT_GIVEN = _("Not given")


def _breakdown(registrations, field, labels):
    rows = (
        registrations.values(field)
        .annotate(
            registered=Count("pk"),
            attended=Count("pk", filter=Q(status=Registration.Status.ATTENDED)),
        )
        .order_by("-registered", field)
    )
    return [
        {
            "key": row[field],
            "label": labels.get(row[field], row[field]) if row[field] else NOT_GIVEN,
            "registered": row["registered"],
            "attended": row["attended"],
        }
        for row in rows
    ]


def event_participation(event):
    """Registered and attended, in all and by gender, organisation kind and province.

    Counts are made in the database, one query per table, whatever the number of people.
    """
    registrations = (
        Registration.objects.active()
        .exclude(status=Registration.Status.REJECTED)
        .filter(event=event)
    )
    totals = registrations.aggregate(
        registered=Count("pk"),
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
        attended=Count("pk", filter=Q(status=Registration.Status.ATTENDED)),
    )
    by_province = _breakdown(registrations, "organisation__head_office_province__code", {})
    names = Province.objects.in_bulk(
        [row["key"] for row in by_province if row["key"]], field_name="code"
    )
    for row in by_province:
        row["label"] = names.get(row["key"], row["label"])
    return {
        "totals": totals,
        "by_gender": _breakdown(registrations, "gender", dict(Registration.Gender.choices)),
        "by_kind": _breakdown(registrations, "organisation__kind", dict(Organisation.Kind.choices)),
        "by_province": by_province,
        # Counts per choice of the event's choice and yes/no questions (events.questions).
        "questions": question_figures(registrations),
    }


# --- Figures for donor reports ------------------------------------------------------------

LOCAL_TIME = zoneinfo.ZoneInfo(settings.TIME_ZONE)
GROUPINGS = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


@dataclass
class DonorFigures:
    start: datetime.date
    end: datetime.date
    grouping: str
    totals: dict
    # (key, title, rows): each row has key, label, registered, attended.
    breakdowns: list
    series: object = None
    event_type: object = None


def person_key():
    """Who a registration is, to count people once: the email in lower case without
    surrounding spaces; without an email, the name (lower case, spaces trimmed) with the
    phone number's digits."""
    email = Lower(Trim("email"))
    phone = Replace(
        Replace(Replace(Trim("phone"), Value(" "), Value("")), Value("-"), Value("")),
        Value("."),
        Value(""),
    )
    return Case(
        When(~Q(email=""), then=Concat(Value("e:"), email)),
        default=Concat(Value("n:"), Lower(Trim("full_name")), Value("|"), phone),
        output_field=CharField(),
    )


def organisation_key():
    """Which organisation a registration is from: a member organisation by its id, any other
    by its name as typed (lower case, spaces trimmed); nothing when none is given."""
    return Case(
        When(
            organisation__isnull=False, then=Concat(Value("o:"), Cast("organisation", CharField()))
        ),
        When(~Q(organisation_name=""), then=Concat(Value("n:"), Lower(Trim("organisation_name")))),
        default=Value(None),
        output_field=CharField(),
    )


def donor_registrations(*, start, end, series=None, event_type=None):
    """Active registrations (not cancelled, nor turned down by staff) for events that start
    between `start` and `end` (dates, both included, in Phnom Penh time)."""
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=LOCAL_TIME)
    until = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=LOCAL_TIME
    )
    registrations = (
        Registration.objects.active()
        .exclude(status=Registration.Status.REJECTED)
        .filter(event__starts_at__gte=since, event__starts_at__lt=until)
    )
    if series is not None:
        registrations = registrations.filter(event__series=series)
    if event_type is not None:
        registrations = registrations.filter(event__event_type=event_type)
    return registrations


def _period_starts(start, end, grouping):
    """The first day of every month, quarter or year from `start` to `end`."""
    if grouping == "year":
        return [datetime.date(year, 1, 1) for year in range(start.year, end.year + 1)]
    step = 3 if grouping == "quarter" else 1
    month = (start.month - 1) // step * step + 1
    day = datetime.date(start.year, month, 1)
    days = []
    while day <= end:
        days.append(day)
        month = day.month - 1 + step
        day = datetime.date(day.year + month // 12, month % 12 + 1, 1)
    return days


def period_label(day, grouping):
    if grouping == "year":
        return local_digits(str(day.year))
    if grouping == "quarter":
        return local_digits(
            # Translators: a quarter of a year, such as "Q1 2026".
            gettext("Q%(quarter)s %(year)s")
            % {"quarter": (day.month - 1) // 3 + 1, "year": day.year}
        )
    return format_date(day, "month")


def _by_period(registrations, start, end, grouping):
    truncate = GROUPINGS[grouping]("event__starts_at", tzinfo=LOCAL_TIME)
    counted = {
        row["period"].date() if isinstance(row["period"], datetime.datetime) else row["period"]: row
        for row in registrations.annotate(period=truncate)
        .values("period")
        .annotate(
            registered=Count("pk"),
            attended=Count("pk", filter=Q(status=Registration.Status.ATTENDED)),
        )
        .order_by("period")
    }
    return [
        {
            "key": day.isoformat(),
            "label": period_label(day, grouping),
            "registered": counted.get(day, {}).get("registered", 0),
            "attended": counted.get(day, {}).get("attended", 0),
        }
        for day in _period_starts(start, end, grouping)
    ]


def _named(rows, model):
    """Rows keyed by ids, labelled with the objects' names (one query for all of them)."""
    names = model.objects.in_bulk([row["key"] for row in rows if row["key"]])
    for row in rows:
        if row["key"] in names:
            row["label"] = str(names[row["key"]])
    return rows


def donor_figures(*, start, end, grouping="month", series=None, event_type=None):
    """Registered and attended for events that start between `start` and `end`: in all, by
    period, series, event type, province (of the organisation's head office), kind of
    organisation and gender, with the number of different people and organisations reached.

    One aggregate query per table (and one for the names of series, types and provinces),
    whatever the number of registrations."""
    registrations = donor_registrations(start=start, end=end, series=series, event_type=event_type)
    attended = Q(status=Registration.Status.ATTENDED)
    totals = registrations.aggregate(
        registered=Count("pk"),
        attended=Count("pk", filter=attended),
        people_registered=Count(person_key(), distinct=True),
        people_attended=Count(person_key(), distinct=True, filter=attended),
        organisations_registered=Count(organisation_key(), distinct=True),
        organisations_attended=Count(organisation_key(), distinct=True, filter=attended),
    )
    by_province = _breakdown(registrations, "organisation__head_office_province", {})
    return DonorFigures(
        start=start,
        end=end,
        grouping=grouping,
        totals=totals,
        series=series,
        event_type=event_type,
        breakdowns=[
            ("period", _("By period"), _by_period(registrations, start, end, grouping)),
            (
                "series",
                _("By series"),
                _named(_breakdown(registrations, "event__series", {}), EventSeries),
            ),
            (
                "event_type",
                _("By event type"),
                _named(_breakdown(registrations, "event__event_type", {}), EventType),
            ),
            (
                "province",
                _("By province of the organisation’s head office"),
                _named(by_province, Province),
            ),
            (
                "kind",
                _("By kind of organisation"),
                _breakdown(registrations, "organisation__kind", dict(Organisation.Kind.choices)),
            ),
            (
                "gender",
                _("By gender"),
                _breakdown(registrations, "gender", dict(Registration.Gender.choices)),
            ),
        ],
    )
