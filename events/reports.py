"""Read-only figures for staff: who registered for an event and who came."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, Province

from .models import Registration

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
    registrations = Registration.objects.active().filter(event=event)
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
    }
