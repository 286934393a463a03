"""Query counts do not grow with the data: each page costs the same with 5 rows as with 200."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    EventFactory,
    MoUFactory,
    OrganisationFactory,
    ProvinceFactory,
    ProvincialNetworkFactory,
    RegistrationFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db
MAX_QUERIES = 10


def add_rows(count):
    sector = SectorFactory()
    for province_number in range(1, 26):
        ProvinceFactory(code=f"KH-{province_number}")
    month_start = timezone.now().replace(day=1, hour=3)
    for index in range(count):
        organisation = OrganisationFactory()
        organisation.sectors.add(sector)
        network = ProvincialNetworkFactory(province=organisation.head_office_province)
        network.memberships.create(organisation=organisation)
        MoUFactory(network=network)
        starts_at = month_start + datetime.timedelta(hours=index % 600)
        event = EventFactory(starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2))
        RegistrationFactory(event=event)


def count_queries(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context)


PAGES = [
    "/en/",
    "/km/",
    "/en/events/",
    "/en/events/past/",
    "/en/events/{year}/{month}/",
    "/km/events/{year}/{month}/",
    "/en/members/",
    "/en/members/?q=organisation",
    "/en/networks/",
    "/events/feed.ics",
    "/sitemap.xml",
]


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_the_data(client, page):
    today = timezone.localdate()
    path = page.format(year=today.year, month=today.month)
    add_rows(5)
    client.get(path)  # warm per-process caches (content types, the map file)
    small = count_queries(client, path)
    add_rows(195)
    # Warm again: the feed reads whole only the events whose text is not cached yet (one
    # query more, once, whatever their number).
    client.get(path)
    large = count_queries(client, path)
    assert small == large, f"{path}: {small} queries with 5 rows, {large} with 200"
    assert large <= MAX_QUERIES


def test_detail_pages_have_bounded_queries(client):
    add_rows(30)
    from events.models import Event
    from members.models import Organisation
    from networks.models import ProvincialNetwork

    for path in [
        Event.objects.first().get_absolute_url(),
        Organisation.objects.first().get_absolute_url(),
        ProvincialNetwork.objects.first().get_absolute_url(),
    ]:
        assert count_queries(client, path) <= MAX_QUERIES, path
