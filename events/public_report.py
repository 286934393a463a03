"""The public report of a past event, and a series' "events and results" page.

What the public may see of who came, and nothing more:
- only registrations marked attended are counted; counts only, never a name, an email, a
  position or a phone number;
- figures by gender, kind of organisation and province, one dimension at a time (no cross
  tables), with small groups protected (protect_small_groups): a group of fewer than
  MIN_GROUP_SIZE people is never shown on its own, nor left to be worked out from the total;
  with fewer than MIN_GROUP_SIZE attendees in all, only the total is shown;
- organisations by name only when the directory lists them (Organisation.objects.public(),
  the directory's own rule) and someone from them attended; the others are only counted;
- photos only as the web copies made by events.photos from public photo materials.

A report is shown once staff published it and the event (published, not cancelled) has ended
(EventReportQuerySet.public).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, Province

from .models import Event, EventMaterial, EventPhoto, EventReport, Registration
from .photos import event_photos_refresh
from .reports import NOT_GIVEN, organisation_key

# A figure of 1 or 2 people could single someone out ("1 person of another gender from
# Kratie"); from 3 on, no one can be told apart in a count.
MIN_GROUP_SIZE = 3
# Translators: a row of the attendance figures that adds up several groups too small to show
# on their own (fewer than 3 people each), such as two genders or two provinces.
SMALLER_GROUPS = _("Smaller groups together")


@dataclass(frozen=True)
class FigureRow:
    label: str
    count: int
    # Several groups counted together because some of them are small.
    grouped: bool = False


@dataclass
class ReportFigures:
    attended: int
    organisations: int
    # (title, rows): rows are FigureRows, already protected.
    breakdowns: list = field(default_factory=list)


def protect_small_groups(rows, minimum=MIN_GROUP_SIZE):
    """(label, count) pairs as FigureRows, the largest first, where no group of fewer than
    `minimum` people shows on its own.

    Groups under `minimum` are counted together in one row; while that row is itself under
    `minimum`, or holds only one group (whose count the total would give away), the smallest
    remaining group joins it. Empty groups are left out."""
    ordered = sorted((row for row in rows if row[1] > 0), key=lambda row: (-row[1], str(row[0])))
    shown = [row for row in ordered if row[1] >= minimum]
    small = [row for row in ordered if row[1] < minimum]
    if not small:
        return [FigureRow(label, count) for label, count in shown]
    together, groups = sum(count for _label, count in small), len(small)
    while shown and (together < minimum or groups < 2):
        _label, count = shown.pop()
        together, groups = together + count, groups + 1
    return [FigureRow(label, count) for label, count in shown] + [
        FigureRow(SMALLER_GROUPS, together, grouped=True)
    ]


def _counted(attended, field_name, labels):
    rows = attended.values(field_name).annotate(people=Count("pk")).order_by()
    return [
        (labels.get(row[field_name], NOT_GIVEN) if row[field_name] else NOT_GIVEN, row["people"])
        for row in rows
    ]


def attended_registrations(event):
    return Registration.objects.filter(event=event, status=Registration.Status.ATTENDED)


def report_figures(event):
    """How many attended, from how many organisations, and by gender, kind of organisation and
    province (the head office's), protected as protect_small_groups says."""
    attended = attended_registrations(event)
    totals = attended.aggregate(
        people=Count("pk"), organisations=Count(organisation_key(), distinct=True)
    )
    figures = ReportFigures(attended=totals["people"], organisations=totals["organisations"])
    if figures.attended < MIN_GROUP_SIZE:
        return figures
    provinces = {province.code: province.name for province in Province.objects.all()}
    breakdowns = [
        (_("By gender"), _counted(attended, "gender", dict(Registration.Gender.choices))),
        (
            _("By kind of organisation"),
            _counted(attended, "organisation__kind", dict(Organisation.Kind.choices)),
        ),
        (
            _("By province of the organisation's head office"),
            _counted(attended, "organisation__head_office_province__code", provinces),
        ),
    ]
    figures.breakdowns = [
        # "Not given" after the groups it could be any of (a stable sort keeps the counts' order).
        (title, sorted(protect_small_groups(rows), key=lambda row: row.label == NOT_GIVEN))
        for title, rows in breakdowns
    ]
    return figures


def listed_organisations(event):
    """Organisations the directory lists that someone attended from, by name."""
    return (
        Organisation.objects.public()
        .filter(pk__in=attended_registrations(event).values("organisation"))
        .order_by("name")
    )


def report_photos(event):
    """The web copies of the event's public photos, in the materials' order."""
    return (
        EventPhoto.objects.filter(
            event=event,
            material__in=EventMaterial.objects.public().filter(kind=EventMaterial.Kind.PHOTO),
        )
        .select_related("material")
        .order_by("material__order", "material__pk")
    )


def report_context(report):
    """What the report's template needs (the public page and the staff preview alike)."""
    event = report.event
    figures = report_figures(event)
    organisations = list(listed_organisations(event))
    return {
        "report": report,
        "report_figures": figures,
        "report_organisations": organisations,
        "report_other_organisations": max(figures.organisations - len(organisations), 0),
        "report_photos": list(report_photos(event)),
        "report_min_group_size": MIN_GROUP_SIZE,
    }


def public_report_context(event, now=None):
    """The report context for an event's public page; empty unless its report is public."""
    report = EventReport.objects.public(now).filter(event=event).select_related("event").first()
    return report_context(report) if report else {}


def series_archive(series, now=None):
    """A series' public events: (upcoming, soonest first; past, latest first). Past events carry
    `has_public_report`, their public report (`report`, or None) and `attended_count`."""
    now = now or timezone.now()
    events = Event.objects.published().filter(series=series).select_related("event_type")
    upcoming = events.upcoming(now)
    past = (
        events.past(now)
        .annotate(
            has_public_report=Exists(EventReport.objects.public(now).filter(event=OuterRef("pk"))),
            attended_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.ATTENDED)
            ),
        )
        .select_related("report")
    )
    return list(upcoming), list(past)


def report_save(*, report):
    """Save `report` (validated by the caller: EventReport.clean) and bring its event's photo
    copies up to date (events.photos.event_photos_refresh), so that what staff see in the
    preview is what the public gets. Cached public pages are dropped. Returns the photos that
    could not be read. (Saving a report or its photos drops cached public pages: events/apps.py.)"""
    report.save()
    return event_photos_refresh(event=report.event)
