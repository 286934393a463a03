import datetime

import pytest
from django.utils import timezone

from demo.loader import load_demo
from events.models import Event
from members.models import Organisation, Province
from networks.models import MoU, ProvincialNetwork, SupportProject

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent():
    first = load_demo()
    second = load_demo()
    assert first == second
    assert Province.objects.count() == 25
    assert MoU.objects.count() == 9


def test_demo_data_matches_the_source_page(demo):
    assert Province.objects.get(code="KH-12").name_km == "ភ្នំពេញ"
    assert ProvincialNetwork.objects.count() == 20
    assert Province.objects.filter(networks__isnull=True).count() == 5
    assert ProvincialNetwork.objects.get(acronym="RNN").province.name_en == "Ratanakiri"
    for acronym in ["CCC", "CDPO", "NGOF", "HACC", "NEP"]:
        assert Organisation.objects.filter(acronym=acronym).exists()
    project = SupportProject.objects.get(slug="strengthening-cso-networks")
    assert project.partners.count() == 4
    assert project.networks.count() == 8
    source = Event.objects.filter(starts_at__year=2023).order_by("starts_at")
    assert [event.starts_at.date().isoformat() for event in source] == [
        "2023-09-25", "2023-09-26", "2023-09-28", "2023-10-03", "2023-10-18", "2023-10-19",
    ]  # fmt: skip
    assert all(event.title_km and event.title_en for event in source)


def test_the_calendar_always_has_upcoming_events(demo):
    assert Event.objects.published().upcoming().count() >= 3


def test_mou_statuses_vary(demo):
    statuses = set(MoU.objects.with_status().values_list("current_status", flat=True))
    assert statuses >= {"active", "expiring", "expired"}


def test_passed_demo_events_move_forward(demo):
    event = Event.objects.get(slug="cbo-learning-forum-next")
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=30),
        ends_at=timezone.now() - datetime.timedelta(days=29),
    )
    load_demo()
    event.refresh_from_db()
    assert event.starts_at > timezone.now()
