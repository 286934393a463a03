"""The bench's registers (bench/dataset.py), written with COPY: rows as the models would save
them, so that what the bench measures is what the portal would show. PostgreSQL only."""

import html
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from bench.dataset import KHMER_WORDS, generate
from events.models import Event, Registration
from members.models import Organisation
from tests.factories import EventFactory


def _raw(sql):
    """Each row's two columns are equal (read past modeltranslation's attributes)."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return rows and all(first == second for first, second in rows)


@pytest.fixture
def stress(postgresql):
    return generate(scale=0.002, profile="stress")  # 10 organisations, 20 events, 200 people


def test_stress_search_index_is_what_the_organisation_would_build(stress):
    organisations = Organisation.objects.filter(slug__startswith="bench-")
    assert organisations.count() == 10
    for organisation in organisations:
        stored = set(organisation.search_tokens.values_list("token", "kind"))
        built = {(token.token, token.kind) for token in organisation.build_search_tokens()}
        assert stored == built
        assert organisation.search_text == organisation.build_search_text()
        assert organisation.name_km_words == organisation.build_name_km_words()
    # The untranslated column holds the default language's (Khmer) text, as Model.save writes.
    assert _raw("SELECT name, name_km FROM members_organisation WHERE slug LIKE 'bench-%%'")
    assert _raw("SELECT title, title_km FROM events_event WHERE slug LIKE 'bench-%%'")
    assert _raw("SELECT venue, venue_km FROM events_event WHERE slug LIKE 'bench-%%'")


def test_stress_directory_finds_a_generated_name_by_a_khmer_word(stress, client):
    organisation = Organisation.objects.filter(
        slug__startswith="bench-", membership_status="active"
    ).first()
    word = next(word for word in KHMER_WORDS if word in organisation.name_km)
    response = client.get("/en/members/?q=" + quote(word))
    assert response.status_code == 200
    assert organisation.name_en in response.content.decode()


def test_stress_events_and_registrations_read_back(stress, client):
    event = Event.objects.get(slug="bench-1")
    assert event.status == Event.Status.PUBLISHED
    registrations = Registration.objects.filter(email__endswith="@bench.invalid")
    assert registrations.count() == 200
    assert len(set(registrations.values_list("public_id", flat=True))) == 200
    assert client.get(event.get_absolute_url()).status_code == 200
    # The sequences follow the copied ids: the next event saved gets a new one.
    assert EventFactory().pk > Event.objects.filter(slug__startswith="bench-").latest("pk").pk


def test_ccc_year_is_a_year_of_ccc(postgresql, client):
    counts = generate(profile="ccc-year")
    assert 300 <= counts["organisations"] <= 320
    assert counts["networks"] == 20
    assert 4000 <= counts["registrations"] <= 6000
    today = timezone.localdate()
    this_month = Event.objects.filter(
        slug__startswith="bench-", starts_at__year=today.year, starts_at__month=today.month
    )
    assert 25 <= this_month.count() <= 35
    assert (
        Event.objects.filter(slug__startswith="bench-", event_type__slug="training").count() > 100
    )
    # Each member in the directory's search index, found by its Khmer name.
    assert not Organisation.objects.filter(search_tokens__isnull=True).exists()
    member = Organisation.objects.filter(membership_status="active").order_by("-pk").first()
    response = client.get("/en/members/?q=" + quote(member.name_km))
    assert member.name_en in response.content.decode()
    # The month calendar shows this month's events.
    event = this_month.first()
    response = client.get(f"/en/events/{today.year}/{today.month}/")
    assert html.escape(event.title_en) in response.content.decode()  # "M&E" is "M&amp;E"
