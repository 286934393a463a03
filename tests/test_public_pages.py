"""The public site in both languages: what a visitor sees, and what bad input gets."""

import datetime

import pytest
from django.utils import timezone

from events.models import Event
from members.models import Contact
from tests.factories import (
    ContactFactory,
    EventFactory,
    EventSeriesFactory,
    OrganisationFactory,
    RegistrationFactory,
)
from tests.helpers import next_years_date
from tests.unwrap import unwrapped

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["km", "en"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/about/",
        "/events/",
        "/events/past/",
        "/events/2023/10/",
        "/events/bi-monthly-members-meeting-2023-10/",
        "/members/",
        "/members/cdpo/",
        "/networks/",
        "/networks/rnn/",
    ],
)
def test_every_page_opens_in_both_languages(client, demo, language, path):
    response = client.get(f"/{language}{path}")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    assert "<title>" in response.text and '<meta name="description"' in response.text


def test_event_list_shows_upcoming_and_cancelled_events(client, db):
    EventFactory(title_en="Upcoming forum")
    EventFactory(title_en="Called off", status=Event.Status.CANCELLED)
    EventFactory(title_en="Hidden draft", status=Event.Status.DRAFT)
    EventFactory(
        title_en="Old forum",
        starts_at=timezone.now() - datetime.timedelta(days=40),
        ends_at=timezone.now() - datetime.timedelta(days=40, hours=-3),
    )
    text = client.get("/en/events/").text
    assert "Upcoming forum" in text
    assert "Called off" in text and "Cancelled" in text
    assert "Hidden draft" not in text
    assert "Old forum" not in text
    assert "Old forum" in client.get("/en/events/past/").text


def test_event_list_filters_by_series(client, db):
    cbo = EventSeriesFactory(slug="cbo-learning-forum", name_en="CBO learning forum")
    EventFactory(title_en="In the series", series=cbo)
    EventFactory(title_en="Not in it")
    text = client.get("/en/events/", {"series": "cbo-learning-forum"}).text
    assert "In the series" in text
    assert "Not in it" not in text


def test_unknown_filter_value_gives_an_empty_list_with_a_message(client, db):
    EventFactory(title_en="Some forum")
    response = client.get("/en/events/", {"type": "no-such-type"})
    assert response.status_code == 200
    assert "Some forum" not in response.text
    assert "No events match that filter." in response.text


def test_month_calendar_shows_the_source_events(client, demo):
    september = client.get("/en/events/2023/9/").text
    october = client.get("/en/events/2023/10/").text
    assert "CBO learning forum" in september and "M&amp;E learning forum" in september
    assert "LANGO" in september
    for title in ["BI-MONTHLY MEMBERS MEETING", "Do No Harm Training of Trainers", "ICT-Learning"]:
        assert title in october


def test_khmer_month_calendar_uses_khmer_names_and_digits(client, demo):
    text = client.get("/km/events/2023/10/").text
    assert "ខែតុលា ឆ្នាំ២០២៣" in text
    assert "ច័ន្ទ" in text  # weeks start on Monday
    assert "ថ្ងៃអង្គារ ទី៣ ខែតុលា ឆ្នាំ២០២៣" in text  # the members meeting, in the list form


def test_month_grid_starts_on_monday_and_places_multi_day_events_on_each_day(client, db):
    from zoneinfo import ZoneInfo

    start = datetime.datetime(2025, 3, 30, 8, 0, tzinfo=ZoneInfo("Asia/Phnom_Penh"))
    EventFactory(
        title_en="Three day retreat",
        starts_at=start,
        ends_at=start.replace(day=1, month=4) + datetime.timedelta(days=1),
    )
    response = client.get("/en/events/2025/3/")
    weeks = response.context["weeks"]
    assert weeks[0][0].date.weekday() == 0
    days_with_event = [day.date.isoformat() for week in weeks for day in week if day.events]
    assert days_with_event == ["2025-03-30", "2025-03-31", "2025-04-01", "2025-04-02"]


def test_month_marks_today(client, db):
    today = timezone.localdate()
    response = client.get(f"/en/events/{today.year}/{today.month}/")
    marked = [day.date for week in response.context["weeks"] for day in week if day.is_today]
    assert marked == [today]
    assert 'class=" today"' in response.text or "today" in response.text


@pytest.mark.parametrize(
    "path",
    ["/en/events/2023/13/", "/en/events/2023/0/", "/en/events/99999/1/", "/en/events/1200/5/"],
)
def test_months_out_of_range_are_404(client, db, path):
    assert client.get(path).status_code == 404


def test_event_detail_shows_phnom_penh_time_and_seats(client, db):
    from zoneinfo import ZoneInfo

    year = next_years_date(1, 7, weekday=0).year  # a Monday, still to come
    start = datetime.datetime(year, 1, 7, 8, 0, tzinfo=ZoneInfo("Asia/Phnom_Penh"))
    event = EventFactory(
        title_en="Seated forum",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
        capacity=3,
        venue_en="CCC office",
    )
    RegistrationFactory(event=event)
    text = client.get(f"/en/events/{event.slug}/").text
    assert f"Monday 7 January {year}" in text and "08:00" in text
    assert "2 seats left" in text
    assert "CCC office" in text
    assert f"/events/{event.slug}.ics?lang=en" in text
    assert "webcal://testserver/events/feed.ics?lang=en" in text


def test_full_event_says_waiting_list(client, db):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    assert "waiting list" in client.get(f"/en/events/{event.slug}/").text


def test_draft_events_and_unknown_slugs_are_404(client, db):
    draft = EventFactory(status=Event.Status.DRAFT)
    assert client.get(f"/en/events/{draft.slug}/").status_code == 404
    assert client.get("/en/events/no-such-event/").status_code == 404
    assert client.get("/en/members/no-such-org/").status_code == 404
    assert client.get("/en/networks/no-such-network/").status_code == 404


def test_directory_searches_khmer_fragments_english_and_acronyms(client, db):
    OrganisationFactory(
        name_km="អង្គការជនពិការកម្ពុជា", name_en="Disabled People's Org", acronym="CDPO"
    )
    OrganisationFactory(name_km="វេទិកាអង្គការ", name_en="NGO Forum", acronym="NGOF")
    assert "CDPO" in client.get("/en/members/", {"q": "ជនពិការ"}).text
    text = client.get("/en/members/", {"q": "forum"}).text
    assert "NGO Forum" in text and "CDPO" not in text
    assert "វេទិកាអង្គការ" in unwrapped(client.get("/km/members/", {"q": "ngof"}).text)


@pytest.mark.parametrize(
    "query", ['"quoted"', "100%", "<script>alert(1)</script>", "\u200b\u200b", "x" * 5000, "a'b--"]
)
def test_odd_searches_never_fail(client, db, query):
    OrganisationFactory()
    response = client.get("/en/members/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


def test_directory_filters_by_province_and_kind(client, demo):
    text = client.get("/en/members/", {"province": "ratanakiri"}).text
    assert "Forest Communities Alliance" in text
    assert "Rural Development Association" not in text
    text = client.get("/en/members/", {"kind": "network"}).text
    assert "NGO Education Partnership" in text and "Forest Communities" not in text


def test_page_past_the_end_is_404(client, db):
    OrganisationFactory()
    assert client.get("/en/members/", {"page": "99"}).status_code == 404
    assert client.get("/en/members/", {"page": "abc"}).status_code == 404


def test_organisation_page_shows_only_public_contacts(client, db):
    organisation = OrganisationFactory()
    ContactFactory(organisation=organisation, full_name="Public Person", is_public=True)
    ContactFactory(
        organisation=organisation,
        full_name="Private Person",
        email="private@example.org",
        phone="097 000 111",
        is_public=False,
    )
    text = client.get(organisation.get_absolute_url()).text
    assert "Public Person" in text
    assert "Private Person" not in text
    assert "private@example.org" not in text and "097 000 111" not in text
    assert Contact.objects.count() == 2


def test_hidden_organisations_are_not_listed(client, db):
    hidden = OrganisationFactory(name_en="Hidden NGO", is_public=False)
    assert "Hidden NGO" not in client.get("/en/members/").text
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_networks_map_colours_each_province_and_lists_the_gaps(client, demo):
    response = client.get("/en/networks/")
    text = response.text
    assert text.count('<path id="KH-') == 25
    assert 'id="KH-16"' in text and "Ratanakiri NGOs Network" in text
    assert "OpenStreetMap contributors" in text
    assert response.context["provinces_without_network"] == 5
    assert text.count("No network yet") >= 5


def test_network_page_shows_members_mou_status_and_projects(client, demo):
    text = client.get("/en/networks/rnn/").text
    assert "Ratanakiri NGOs Network" in text
    assert "Forest Communities Alliance" in text
    assert "Strengthening CSO networks" in text
    assert any(status in text for status in ["Active", "Expiring soon", "Expired"])


def test_sitemap_lists_both_languages_and_robots_points_to_it(client, demo):
    sitemap = client.get("/sitemap.xml").text
    assert "/km/events/bi-monthly-members-meeting-2023-10/" in sitemap
    assert "/en/events/bi-monthly-members-meeting-2023-10/" in sitemap
    assert 'hreflang="km"' in sitemap
    robots = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert "Disallow: /km/admin/" in robots
