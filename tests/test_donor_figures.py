"""Figures for donor reports, checked against the demo data counted by hand."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import EventSeries, EventType, Registration
from events.reports import donor_figures
from events.services import registrations_mark_attended
from members.models import Province

pytestmark = pytest.mark.django_db

URL = "/en/admin/events/event/donor-figures/"


@pytest.fixture
def counted(demo):
    """The demo data (demo/loader.py) as counted by hand:

    - events: six past ones from 2023 (SOURCE_CALENDAR) and five upcoming, 10 to 66 days
      ahead (UPCOMING); only "cbo-learning-forum-next" (today + 10 days, type learning-forum,
      series cbo-learning-forum) has registrants (_load_registrations);
    - its three registrants, all confirmed, three different emails: participant1 (female,
      sample-rural-development-association, head office KH-2), participant2 (male,
      sample-community-health-organisation, KH-17), participant3 (female,
      sample-youth-development-association, KH-7); all three organisations are local NGOs
      (_load_organisations gives every sample member Organisation.Kind.LOCAL_NGO).

    Here participant1 is then marked attended (through the service), so that "attended" is
    not zero everywhere. The period is the next 30 days: the demo's later events have
    registrations of their own (approval and seat offers, demo/approval.py)."""
    registrations_mark_attended(
        registrations=Registration.objects.filter(email="participant1@example.org")
    )
    today = timezone.localdate()
    return {"start": today, "end": today + datetime.timedelta(days=30)}


def rows_by_label(figures, key):
    rows = {k: r for k, _title, r in figures.breakdowns}[key]
    return {str(row["label"]): (row["registered"], row["attended"]) for row in rows}


def test_figures_match_the_demo_counted_by_hand(counted, settings):
    settings.LANGUAGE_CODE = "en"
    with CaptureQueriesContext(connection) as queries:
        figures = donor_figures(**counted, grouping="month")
    # One aggregate for the totals, one per table, one for the names of series, types and
    # provinces: never one per registration.
    assert len(queries) <= 10
    assert figures.totals == {
        "registered": 3,
        "attended": 1,
        "people_registered": 3,
        "people_attended": 1,
        "organisations_registered": 3,
        "organisations_attended": 1,
    }
    assert rows_by_label(figures, "series") == {"CBO learning forum": (3, 1)}
    learning_forum = str(EventType.objects.get(slug="learning-forum"))
    assert rows_by_label(figures, "event_type") == {learning_forum: (3, 1)}
    provinces = {str(Province.objects.get(code=code)): code for code in ("KH-2", "KH-17", "KH-7")}
    assert rows_by_label(figures, "province") == {
        name: (1, 1 if code == "KH-2" else 0) for name, code in provinces.items()
    }
    assert rows_by_label(figures, "kind") == {"Local NGO": (3, 1)}
    assert rows_by_label(figures, "gender") == {"Female": (2, 1), "Male": (1, 0)}
    # Four months from today to today + 90 days at least; the three in the event's month.
    months = {k: r for k, _title, r in figures.breakdowns}["period"]
    event_month = (counted["start"] + datetime.timedelta(days=10)).replace(day=1)
    assert [
        (row["registered"], row["attended"])
        for row in months
        if row["key"] == event_month.isoformat()
    ] == [(3, 1)]
    assert sum(row["registered"] for row in months) == 3


def test_people_are_counted_once_across_events(counted):
    """The same person (email in another case, with spaces) at a second event is one person;
    someone without an email would count by name and phone."""
    other = Registration.objects.get(email="participant2@example.org")
    second_event = other.event.__class__.objects.get(slug="me-learning-forum-next")
    Registration.objects.create(
        event=second_event, full_name="Two", email=" Participant2@Example.org ", gender="male"
    )
    figures = donor_figures(**counted, grouping="quarter")
    assert figures.totals["registered"] == 4
    assert figures.totals["people_registered"] == 3


def test_filters_and_a_period_without_events(counted):
    other_series = EventSeries.objects.get(slug="ict-learning-forum")
    assert donor_figures(**counted, series=other_series).totals["registered"] == 0
    # 2022: before any demo event (the 2023 forums have attendees of their own, demo/reports.py).
    past = donor_figures(
        start=datetime.date(2022, 1, 1), end=datetime.date(2022, 12, 31), grouping="quarter"
    )
    assert past.totals["registered"] == 0
    assert [row["label"] for row in {k: r for k, _t, r in past.breakdowns}["period"]] == [
        "Q1 2022",
        "Q2 2022",
        "Q3 2022",
        "Q4 2022",
    ]


def query(counted, **extra):
    return {
        "start": counted["start"].isoformat(),
        "end": counted["end"].isoformat(),
        "grouping": "month",
        **extra,
    }


def test_page_shows_tables_and_accessible_charts(client, coordinator, counted):
    client.force_login(coordinator)
    response = client.get(URL, query(counted))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('role="img"') == 6 and text.count("<title id=") == 6
    assert "By province of the organisation’s head office" in text
    assert "by their email address" in text  # says how people are counted
    assert "download=xlsx" in text and "download=csv" in text


def test_khmer_page_has_khmer_digits(client, coordinator, counted):
    client.force_login(coordinator)
    text = client.get("/km/admin/events/event/donor-figures/", query(counted)).content.decode()
    assert ">៣<" in text


def test_downloads(client, coordinator, counted):
    client.force_login(coordinator)
    as_csv = client.get(URL, query(counted, download="csv"))
    assert as_csv["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert ["Female", "2", "1"] in rows and ["Different people", "3", "1"] in rows
    assert ["From", counted["start"].isoformat(), ""] in rows
    as_xlsx = client.get(URL, query(counted, download="xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))
    assert book.sheetnames[0] == "Period and filters"
    assert [c.value for c in book["Period and filters"][4]] == ["Series", "All series"]
    assert "By gender" in book.sheetnames
    assert [c.value for c in book["By gender"][2]] == ["Female", 2, 1]


def test_bad_input_is_a_form_error(client, coordinator, counted):
    client.force_login(coordinator)
    response = client.get(URL, query(counted, end="2020-01-01"))
    assert response.status_code == 400
    assert "The end must not be before the start." in response.content.decode()
    assert client.get(URL, query(counted, start="soon")).status_code == 400


def test_per_role(client, django_user_model, staff_user, coordinator):
    anonymous = client.get(URL)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    nobody = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(nobody)
    assert client.get(URL).status_code == 403
    for user in (staff_user, coordinator):
        client.force_login(user)
        assert client.get(URL).status_code == 200
        assert URL in client.get("/en/admin/events/event/").content.decode()
