"""Membership life: observation period, yearly dues at the cap and its edges, lapsed members."""

import datetime
from decimal import Decimal

import pytest

from members.models import Organisation
from members.services import (
    closed_dues_years,
    dues_amount,
    dues_mark_paid,
    dues_payment_window,
    dues_record,
    members_lapsed,
    observation_ends_on,
)
from tests.factories import OrganisationFactory


@pytest.mark.parametrize(
    ("budget", "dues"),
    [
        ("0", "0.00"),
        ("100000", "225.00"),
        ("1333333.33", "3000.00"),  # just under the cap: 2999.9999… rounds to 3000.00
        ("1333000", "2999.25"),
        ("1333334", "3000.00"),  # the cap
        ("50000000", "3000.00"),
        ("1234.56", "2.78"),
    ],
)
def test_dues_are_budget_times_rate_capped_at_3000(budget, dues):
    assert dues_amount(budget) == Decimal(dues)


def test_payment_window_is_2_january_to_30_march():
    assert dues_payment_window(2026) == (datetime.date(2026, 1, 2), datetime.date(2026, 3, 30))


@pytest.mark.parametrize(
    ("applied", "ends"),
    [
        (datetime.date(2026, 1, 15), datetime.date(2026, 3, 15)),
        (datetime.date(2025, 12, 31), datetime.date(2026, 2, 28)),
        (datetime.date(2027, 12, 31), datetime.date(2028, 2, 29)),
    ],
)
def test_observation_period_is_two_months(applied, ends):
    assert observation_ends_on(applied) == ends


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (datetime.date(2026, 3, 30), [2025, 2024]),  # the window is still open today
        (datetime.date(2026, 3, 31), [2026, 2025]),
        (datetime.date(2026, 1, 1), [2025, 2024]),
    ],
)
def test_closed_years(today, years):
    assert closed_dues_years(today) == years


@pytest.mark.django_db
def test_two_years_behind_is_lapsed_one_year_is_not():
    today = datetime.date(2026, 6, 1)
    old = datetime.date(2015, 1, 1)
    behind_two = OrganisationFactory(acronym="TWO", member_since=old)
    behind_one = OrganisationFactory(acronym="ONE", member_since=old)
    up_to_date = OrganisationFactory(acronym="OK", member_since=old)
    newcomer = OrganisationFactory(acronym="NEW", member_since=datetime.date(2025, 8, 1))
    OrganisationFactory(
        acronym="OUT", member_since=old, membership_status=Organisation.MembershipStatus.WITHDRAWN
    )
    dues_mark_paid(
        dues=dues_record(organisation=behind_one, year=2025, approved_budget_usd=1000),
        paid_on=datetime.date(2025, 3, 1),
    )
    for year in (2025, 2026):
        dues_mark_paid(
            dues=dues_record(organisation=up_to_date, year=year, approved_budget_usd=1000),
            paid_on=datetime.date(year, 2, 1),
        )
    dues_record(organisation=behind_two, year=2026, approved_budget_usd=1000)  # owed, unpaid
    assert [o.acronym for o in members_lapsed(today)] == ["TWO"]
    assert newcomer not in members_lapsed(today)


@pytest.mark.django_db
def test_recording_a_budget_again_corrects_the_dues():
    organisation = OrganisationFactory()
    dues_record(organisation=organisation, year=2026, approved_budget_usd=100000)
    dues = dues_record(organisation=organisation, year=2026, approved_budget_usd=200000)
    assert dues.amount_usd == Decimal("450.00")
    assert organisation.dues.count() == 1


@pytest.mark.django_db
def test_lapsed_report_in_the_admin_and_as_csv(client, staff_user):
    OrganisationFactory(
        name_en="Behind NGO", name_km="អង្គការយឺត", member_since=datetime.date(2010, 1, 1)
    )
    client.force_login(staff_user)
    page = client.get("/en/admin/members/membershipdues/lapsed/")
    assert "Behind NGO" in page.text
    csv_file = client.get("/en/admin/members/membershipdues/lapsed/", {"format": "csv"})
    text = csv_file.content.decode("utf-8")
    assert text.startswith("\ufeff") and "អង្គការយឺត" in text


@pytest.mark.django_db
def test_admin_computes_dues_from_the_budget(client, staff_user):
    organisation = OrganisationFactory()
    client.force_login(staff_user)
    response = client.post(
        "/en/admin/members/membershipdues/add/",
        {"organisation": organisation.pk, "year": 2026, "approved_budget_usd": "2000000"},
    )
    assert response.status_code == 302
    assert organisation.dues.get().amount_usd == Decimal("3000.00")


@pytest.mark.django_db
def test_public_directory_lists_active_members_unless_staff_choose_otherwise(client):
    OrganisationFactory(name_en="Active member")
    OrganisationFactory(name_en="Lapsed member", membership_status="lapsed")
    OrganisationFactory(
        name_en="Partner network", membership_status="not_member", listed_when_not_member=True
    )
    text = client.get("/en/members/").text
    assert "Active member" in text and "Partner network" in text
    assert "Lapsed member" not in text
