"""Lists that fit the work: the event list opens on upcoming events, soonest first; the
registrations' "By event" filter shows the events around today with their dates and finds any
other by its title, never listing every event."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Registration
from tests.factories import EventFactory, EventTypeFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
EVENTS = "/en/admin/events/event/"
REGISTRATIONS = "/en/admin/events/registration/"


def titles(response):
    """The titles in the change list, in its order."""
    assert response.status_code == 200
    return re.findall(r'class="field-title"><a [^>]*>([^<]+)</a>', response.content.decode())


def filter_block(response, title):
    html = response.content.decode()
    start = html.index(f'data-filter-title="{title}"')
    return html[start : html.index("</details>", start)]


@pytest.fixture
def forums():
    now = timezone.now()
    kind = EventTypeFactory()
    for title, days in [
        ("In 20 days", 20),
        ("In 5 days", 5),
        ("3 days ago", -3),
        ("Last month", -30),
    ]:
        EventFactory(title_en=title, event_type=kind, starts_at=now + days * DAY)


def test_the_event_list_opens_on_upcoming_events_soonest_first(admin_client, forums):
    response = admin_client.get(EVENTS)
    assert titles(response) == ["In 5 days", "In 20 days"]
    selected = re.search(
        r'<li class="selected">\s*<a [^>]*>([^<]+)</a>', filter_block(response, "Date")
    )
    assert selected.group(1) == "Upcoming events"


def test_past_events_come_latest_first(admin_client, forums):
    assert titles(admin_client.get(EVENTS, {"when": "past"})) == ["3 days ago", "Last month"]


def test_all_events_upcoming_first_then_the_past(admin_client, forums):
    assert titles(admin_client.get(EVENTS, {"when": "all"})) == [
        "In 5 days",
        "In 20 days",
        "3 days ago",
        "Last month",
    ]


def test_an_event_that_has_begun_but_not_ended_is_upcoming(admin_client):
    now = timezone.now()
    EventFactory(title_en="Running now", starts_at=now - DAY, ends_at=now + DAY)
    assert titles(admin_client.get(EVENTS)) == ["Running now"]


def test_a_column_staff_sort_by_comes_first(admin_client, forums):
    response = admin_client.get(EVENTS, {"when": "all", "o": "-1"})  # title, descending
    assert titles(response) == sorted(titles(response), reverse=True)


def test_an_unknown_when_reads_as_upcoming(admin_client, forums):
    assert titles(admin_client.get(EVENTS, {"when": "someday"})) == ["In 5 days", "In 20 days"]


def test_the_event_list_leaves_type_and_audience_to_the_filters(admin_client, forums):
    html = admin_client.get(EVENTS).content.decode()
    assert "column-event_type" not in html and "column-audience" not in html
    assert 'data-filter-title="audience"' in html


# --- The registrations' "By event" filter -----------------------------------------------------


@pytest.fixture
def years_of_events():
    """Three years of fortnightly forums, each with one registration."""
    now = timezone.now()
    kind = EventTypeFactory()
    events = []
    for index in range(-70, 8):
        start = now + index * 14 * DAY
        title = "Kampot forum" if index == -60 else f"Forum {index + 100}"
        events.append(EventFactory(title_en=title, event_type=kind, starts_at=start))
    for event in events:
        RegistrationFactory(event=event, full_name=f"Person at {event.title_en}")
    return events


def event_choices(response):
    block = filter_block(response, "event")
    return re.findall(r'<a href="[^"]*">([^<]+)</a>', block)


def test_the_event_filter_shows_events_around_today_with_their_dates(admin_client, years_of_events):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(REGISTRATIONS)
    choices = event_choices(response)
    assert choices[0] == "All"
    # The next and the latest events, not three years of them.
    assert len(choices) == 1 + 8 + 8
    soonest = min(
        (e for e in years_of_events if e.ends_at > timezone.now()), key=lambda e: e.starts_at
    )
    assert f"{soonest.title_en} · {timezone.localtime(soonest.starts_at):%-d %b %Y}" in choices
    assert not any("Kampot" in choice for choice in choices)
    assert len(queries) < 20


def test_the_event_filter_search_finds_an_old_event(admin_client, years_of_events):
    response = admin_client.get(REGISTRATIONS, {"event_q": "kampot"})
    choices = event_choices(response)
    assert len(choices) == 2 and choices[1].startswith("Kampot forum · ")
    # The search alone does not filter the registrations.
    assert "Person at Forum 99" in response.content.decode()
    kampot = next(e for e in years_of_events if e.title_en == "Kampot forum")
    link = re.search(r'<a href="([^"]*)">Kampot forum', filter_block(response, "event")).group(1)
    assert f"event__id__exact={kampot.pk}" in link


def test_the_event_filter_says_when_nothing_matches(admin_client, years_of_events):
    response = admin_client.get(REGISTRATIONS, {"event_q": "no such forum"})
    assert event_choices(response) == ["All"]
    assert "No event matches this search." in filter_block(response, "event")


def test_choosing_an_old_event_filters_and_keeps_it_listed(admin_client, years_of_events):
    kampot = next(e for e in years_of_events if e.title_en == "Kampot forum")
    response = admin_client.get(REGISTRATIONS, {"event__id__exact": kampot.pk})
    html = response.content.decode()
    assert "Person at Kampot forum" in html and "Person at Forum 99" not in html
    selected = re.search(
        r'<li class="selected">\s*<a [^>]*>([^<]+)</a>', filter_block(response, "event")
    )
    assert selected.group(1).startswith("Kampot forum · ")


def test_the_search_box_keeps_the_other_filters(admin_client, years_of_events):
    response = admin_client.get(REGISTRATIONS, {"status__exact": "confirmed", "event_q": "x"})
    block = filter_block(response, "event")
    assert '<input type="hidden" name="status__exact" value="confirmed">' in block
    assert 'name="event_q" value="x"' in block


def test_a_bad_event_number_is_refused_without_an_error(admin_client, years_of_events):
    response = admin_client.get(REGISTRATIONS, {"event__id__exact": "abc"})
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_the_khmer_event_filter_has_khmer_dates(admin_client):
    event = EventFactory(
        title_km="វេទិកាកំពត",
        starts_at=timezone.now() + 3 * DAY,
    )
    RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    block = filter_block(admin_client.get("/km/admin/events/registration/"), "ព្រឹត្តិការណ៍")
    choice = next(text for text in re.findall(r">([^<]+)</a>", block) if "វេទិកាកំពត" in text)
    assert re.search("[០-៩]", choice) and not re.search("[0-9]", choice)


def test_both_filters_count_with_facets(admin_client, forums):
    event = EventFactory(title_en="Counted", starts_at=timezone.now() + 2 * DAY)
    RegistrationFactory(event=event)
    response = admin_client.get(EVENTS, {"_facets": "1"})
    assert "Upcoming events (3)" in filter_block(response, "Date")
    response = admin_client.get(REGISTRATIONS, {"_facets": "1"})
    assert re.search(r"Counted · [^<]*\(1\)", filter_block(response, "event"))


def test_a_search_or_a_picked_year_looks_at_all_events(admin_client, forums):
    assert titles(admin_client.get(EVENTS, {"q": "days"})) == [
        "In 5 days",
        "In 20 days",
        "3 days ago",
    ]
    last_month = timezone.localtime(timezone.now() - 30 * DAY)
    response = admin_client.get(
        EVENTS, {"starts_at__year": last_month.year, "starts_at__month": last_month.month}
    )
    assert "Last month" in titles(response)
    # Unless staff say otherwise.
    assert titles(admin_client.get(EVENTS, {"q": "days", "when": "upcoming"})) == [
        "In 5 days",
        "In 20 days",
    ]
