"""Membership rules: the observation period, yearly dues and who has lapsed. One place for
them; the admin, reports and tests call these."""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from .models import MembershipDues, Organisation, OrganisationSearchToken

APPLICATION_FEE_USD = Decimal("50")
OBSERVATION_MONTHS = 2
DUES_RATE = Decimal("0.00225")
DUES_CAP_USD = Decimal("3000")
# Dues are payable from 2 January to 30 March of their year.
PAYMENT_WINDOW = ((1, 2), (3, 30))
# A member whose dues are this many years behind is lapsed.
YEARS_BEHIND_FOR_LAPSE = 2
CENT = Decimal("0.01")


def dues_amount(approved_budget_usd) -> Decimal:
    """The year's dues: the approved annual budget × 0.00225, at most USD 3,000."""
    amount = Decimal(approved_budget_usd) * DUES_RATE
    return min(amount, DUES_CAP_USD).quantize(CENT, rounding=ROUND_HALF_UP)


def dues_payment_window(year):
    (start_month, start_day), (end_month, end_day) = PAYMENT_WINDOW
    return datetime.date(year, start_month, start_day), datetime.date(year, end_month, end_day)


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def observation_ends_on(applied_on):
    """The end of an applicant's two-month observation period."""
    return add_months(applied_on, OBSERVATION_MONTHS)


@transaction.atomic
def dues_record(*, organisation: Organisation, year: int, approved_budget_usd) -> MembershipDues:
    """Record (or correct) a member's approved budget for a year and the dues it sets."""
    dues, _ = MembershipDues.objects.update_or_create(
        organisation=organisation,
        year=year,
        defaults={
            "approved_budget_usd": Decimal(approved_budget_usd),
            "amount_usd": dues_amount(approved_budget_usd),
        },
    )
    return dues


def dues_mark_paid(*, dues: MembershipDues, paid_on) -> MembershipDues:
    dues.paid_on = paid_on
    dues.save(update_fields=["paid_on"])
    return dues


def closed_dues_years(today, count=YEARS_BEHIND_FOR_LAPSE):
    """The last `count` years whose payment window has closed by `today`, newest first."""
    latest = today.year if today > dues_payment_window(today.year)[1] else today.year - 1
    return [latest - offset for offset in range(count)]


def members_lapsed(today):
    """Active members with no dues paid for either of the last two closed years.

    Members who joined after the earlier of those years began owe nothing for it and are not
    counted. Computed in the database.
    """
    years = closed_dues_years(today)
    paid = MembershipDues.objects.filter(year__in=years, paid_on__isnull=False).values(
        "organisation"
    )
    return (
        Organisation.objects.active_members()
        .exclude(pk__in=paid)
        .exclude(member_since__gt=datetime.date(min(years), 1, 1))
        .order_by("slug")
    )


def organisations_reindex(*, organisations=None, batch_size=2000) -> int:
    """Rebuild the directory's search index (and search_text) of `organisations` (all by
    default): for writes that bypass Organisation.save (bulk_create, update()); returns the
    number of index entries written."""
    organisations = Organisation.objects.all() if organisations is None else organisations
    written = 0
    pks = list(organisations.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch_size):
        with transaction.atomic():
            batch = list(Organisation.objects.filter(pk__in=pks[start : start + batch_size]))
            stale = []
            for organisation in batch:
                search_text = organisation.build_search_text()
                name_km_words = organisation.build_name_km_words()
                if (organisation.search_text, organisation.name_km_words) != (
                    search_text,
                    name_km_words,
                ):
                    organisation.search_text = search_text
                    organisation.name_km_words = name_km_words
                    stale.append(organisation)
            Organisation.objects.bulk_update(stale, ["search_text", "name_km_words"])
            OrganisationSearchToken.objects.filter(organisation__in=batch).delete()
            tokens = [
                token for organisation in batch for token in organisation.build_search_tokens()
            ]
            written += len(OrganisationSearchToken.objects.bulk_create(tokens, batch_size=5000))
    return written
