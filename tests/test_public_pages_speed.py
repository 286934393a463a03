"""Issue 18: the public pages rendered faster show what they showed before: seats counted per
event, events soonest first, a busy day's cell capped with a link to the rest, and the feed's
reused events current after an edit."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from events.models import Registration
from members.models import Sector
from tests.factories import (
    EventFactory,
    OrganisationFactory,
    ProvinceFactory,
    RegistrationFactory,
    SectorFactory,
)
from tests.unwrap import unwrapped

pytestmark = pytest.mark.django_db
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")


def test_event_list_counts_seats_held_and_offered_per_event(client):
    busy = EventFactory(title_en="Busy forum", capacity=5)
    quiet = EventFactory(title_en="Quiet forum", capacity=5)
    for status in ["confirmed", "attended", "offered", "waiting", "cancelled"]:
        RegistrationFactory(event=busy, status=status)
    RegistrationFactory(event=quiet, status=Registration.Status.CONFIRMED)
    text = client.get("/en/events/").text
    # busy: confirmed, attended and offered take 3 of 5; quiet: 1 of 5
    assert "2 seats left" in text and "4 seats left" in text


def test_event_list_and_home_show_the_running_event_first_then_the_soonest(client):
    now = timezone.now()
    EventFactory(
        title_en="Later forum",
        starts_at=now + datetime.timedelta(days=9),
        ends_at=now + datetime.timedelta(days=9, hours=2),
    )
    EventFactory(
        title_en="Running retreat",
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=1),
    )
    EventFactory(
        title_en="Sooner forum",
        starts_at=now + datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=2, hours=2),
    )
    EventFactory(
        title_en="Ended forum",
        starts_at=now - datetime.timedelta(days=3),
        ends_at=now - datetime.timedelta(days=3) + datetime.timedelta(hours=2),
    )
    for path in ["/en/events/", "/en/"]:
        text = client.get(path).text
        positions = [text.index(title) for title in ["Running", "Sooner", "Later"]]
        assert positions == sorted(positions), path
        assert "Ended forum" not in text
    archive = client.get("/en/events/past/").text
    assert "Ended forum" in archive and "Later forum" not in archive


def test_event_cards_from_the_fragment_cache_follow_seats_edits_and_the_clock(client):
    """The list and the home page keep each event's card in the cache: a registration, an edit
    or the registration's opening time passing shows on the next request."""
    now = timezone.now()
    forum = EventFactory(title_en="Water forum", capacity=3)
    later = EventFactory(
        title_en="Opening forum",
        capacity=7,
        registration_opens_at=now + datetime.timedelta(minutes=5),
        starts_at=now + datetime.timedelta(days=20),
        ends_at=now + datetime.timedelta(days=20, hours=3),
    )
    for path in ["/en/events/", "/en/"]:
        assert "3 seats left" in client.get(path).text, path
    RegistrationFactory(event=forum, status=Registration.Status.CONFIRMED)
    for path in ["/en/events/", "/en/"]:
        text = client.get(path).text
        assert "2 seats left" in text and "3 seats left" not in text, path
    forum.title_en = "Water and sanitation forum"
    forum.save()
    for path in ["/en/events/", "/en/"]:
        text = client.get(path).text
        assert "Water and sanitation forum" in text, path
        assert "Registration is not open yet" in text, path
    with mock.patch("django.utils.timezone.now", return_value=now + datetime.timedelta(hours=1)):
        text = client.get("/en/events/").text
    assert "Registration is not open yet" not in text
    assert "7 seats left" in text and later.title_en in text


def test_a_busy_day_shows_three_events_and_links_to_the_rest_in_the_list(client):
    start = datetime.datetime(2031, 5, 14, 8, 0, tzinfo=PHNOM_PENH)
    for number in range(5):
        EventFactory(
            title_en=f"Parallel session {number}",
            starts_at=start + datetime.timedelta(minutes=number),
            ends_at=start + datetime.timedelta(hours=2),
        )
    response = client.get("/en/events/2031/5/")
    (day,) = [day for week in response.context["weeks"] for day in week if day.events]
    assert [event.title for event in day.shown] == [f"Parallel session {n}" for n in range(3)]
    text = response.text
    assert "2 more" in text
    assert 'href="#day-2031-05-14"' in text and 'id="day-2031-05-14"' in text
    # The list under the grid still names every event, each with its link and date.
    for number in range(5):
        assert f"Parallel session {number}" in text
    assert text.count("Wednesday 14 May 2031") == 5
    assert f'href="/en/events/{day.events[4].slug}/"' in text


def test_month_page_from_the_fragment_cache_follows_edits_new_events_and_colours(client):
    start = datetime.datetime(2031, 7, 8, 9, 0, tzinfo=PHNOM_PENH)
    forum = EventFactory(
        title_en="July forum", starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    assert client.get("/en/events/2031/7/").text.count("July forum") == 2  # grid and list
    forum.title_en = "July learning forum"
    forum.save()
    text = client.get("/en/events/2031/7/").text
    assert text.count("July learning forum") == 2
    EventFactory(
        title_en="Members meeting",
        starts_at=start + datetime.timedelta(days=1),
        ends_at=start + datetime.timedelta(days=1, hours=2),
    )
    assert client.get("/en/events/2031/7/").text.count("Members meeting") == 2
    event_type = forum.event_type
    event_type.colour = "#123456"
    event_type.save()
    assert 'data-border-colour="#123456"' in client.get("/en/events/2031/7/").text
    forum.status = forum.Status.CANCELLED
    forum.save()
    assert "Cancelled" in client.get("/en/events/2031/7/").text


def test_khmer_month_list_keeps_khmer_dates_and_iso_times(client):
    start = datetime.datetime(2031, 6, 3, 8, 30, tzinfo=PHNOM_PENH)
    EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    text = client.get("/km/events/2031/6/").text
    assert "ថ្ងៃអង្គារ ទី៣ ខែមិថុនា ឆ្នាំ២០៣១" in text
    assert 'datetime="2031-06-03T08:30:00+07:00"' in text


def feed_events(client, language="en"):
    response = client.get(f"/events/feed.ics?lang={language}")
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    return {str(event["uid"]): event for event in events}


def test_feed_events_are_stamped_and_follow_an_edit(client):
    event = EventFactory(title_en="Budget forum", title_km="វេទិកាថវិកា")
    first = feed_events(client)
    (component,) = first.values()
    assert str(component["summary"]) == "Budget forum"
    assert component["dtstamp"].dt.tzinfo is not None
    assert str(feed_events(client, "km").popitem()[1]["summary"]) == "វេទិកាថវិកា"
    event.title_en = "Budget and planning forum"
    event.save()
    (again,) = feed_events(client).values()
    assert str(again["summary"]) == "Budget and planning forum"
    event.status = event.Status.CANCELLED
    event.save()
    assert str(feed_events(client).popitem()[1]["status"]) == "CANCELLED"


def test_feed_is_the_same_from_the_cache_as_built_afresh(client):
    for _ in range(3):
        EventFactory()
    built = client.get("/events/feed.ics?lang=en").content
    reused = client.get("/events/feed.ics?lang=en").content

    def without_stamps(content):
        return [line for line in content.splitlines() if not line.startswith(b"DTSTAMP")]

    assert without_stamps(built) == without_stamps(reused)
    assert reused.count(b"BEGIN:VEVENT") == reused.count(b"DTSTAMP:") == 3


@pytest.mark.django_db
def test_the_feed_reads_whole_only_the_events_whose_text_is_not_cached(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    events = [EventFactory(title_en=f"Forum {n}", title_km=f"Forum {n}") for n in range(3)]
    first = client.get("/events/feed.ics").content.decode()
    with CaptureQueriesContext(connection) as warm:
        again = client.get("/events/feed.ics").content.decode()
    assert len(warm.captured_queries) == 1
    assert again.split("DTSTAMP")[0] == first.split("DTSTAMP")[0]
    events[1].title_en = events[1].title_km = "Forum renamed"
    events[1].save()
    with CaptureQueriesContext(connection) as changed:
        renamed = client.get("/events/feed.ics").content.decode()
    assert len(changed.captured_queries) == 2
    assert "Forum renamed" in renamed and "Forum 1" not in renamed
    assert "Forum 0" in renamed and "Forum 2" in renamed


def test_directory_entries_from_the_fragment_cache_follow_edits_in_either_language(client):
    """Each directory entry is kept in the cache: a new name, sector or province shows on the
    next request, and each language keeps its own."""
    health = SectorFactory(name_en="Health", name_km="សុខភាព")
    organisation = OrganisationFactory(
        name_en="River Care", name_km="ថែរក្សាទន្លេ", head_office_province=ProvinceFactory()
    )
    organisation.sectors.add(health)
    assert "River Care" in client.get("/en/members/").text
    assert "ថែរក្សាទន្លេ" in unwrapped(client.get("/km/members/").text)
    organisation.name_en = "River and Lake Care"
    organisation.save()
    assert "River and Lake Care" in client.get("/en/members/").text
    organisation.sectors.add(SectorFactory(name_en="Water", name_km="ទឹក"))
    assert "Health, Water" in client.get("/en/members/").text
    province = organisation.head_office_province
    province.name_en = "Kampot"
    province.save()
    assert "Kampot · Health, Water" in client.get("/en/members/").text
    # In the sectors' own order (by slug), not the order they were added in.
    organisation.sectors.add(SectorFactory(name_en="Agriculture", slug="a-agriculture"))
    assert "Kampot · Agriculture, Health, Water" in client.get("/en/members/").text
    organisation.sectors.remove(Sector.objects.get(slug="a-agriculture"))
    khmer = unwrapped(client.get("/km/members/").text)
    assert "ថែរក្សាទន្លេ" in khmer and "River" not in khmer
    assert "សុខភាព, ទឹក" in khmer


def test_filter_forms_keep_the_chosen_option_selected_and_only_it(client):
    kampot = ProvinceFactory(code="KH-7", name_en="Kampot", slug="kampot")
    ProvinceFactory(code="KH-8", name_en="Kandal", slug="kandal")
    OrganisationFactory(name_en="Coastal Friends", head_office_province=kampot)
    text = client.get("/en/members/", {"province": "kampot"}).text
    assert text.count(" selected>") == 1
    assert '<option value="kampot" selected>' in text
    assert '<option value="kandal">' in text
    EventFactory()  # of the type learning-forum
    text = client.get("/en/events/", {"type": "learning-forum"}).text
    assert '<option value="learning-forum" selected>' in text


def test_filter_form_from_the_fragment_cache_follows_choices_values_and_errors(client):
    water = SectorFactory(name_en="Water", name_km="ទឹក", slug="water")
    assert '<option value="water">Water</option>' in client.get("/en/members/").text
    water.name_en = "Water and sanitation"
    water.save()
    SectorFactory(name_en="Youth", name_km="យុវជន", slug="youth")
    text = client.get("/en/members/").text
    assert '<option value="water">Water and sanitation</option>' in text
    assert '<option value="youth">Youth</option>' in text
    assert '<option value="water" selected>' in client.get("/en/members/?sector=water").text
    refused = client.get("/en/members/?sector=nowhere").text
    assert 'aria-invalid="true"' in refused and "is-invalid" in refused
    assert 'aria-invalid="true"' not in client.get("/en/members/").text
    assert '<option value="youth">យុវជន</option>' in client.get("/km/members/").text
