"""Capacity holds under real concurrency: 50 connections at once for 10 seats, on PostgreSQL."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from events.models import Registration, RegistrationNotice
from events.services import registration_create
from tests.factories import EventFactory

CLIENTS = 50
SEATS = 10


@pytest.mark.django_db(transaction=True)
def test_fifty_at_once_for_ten_seats(postgresql, monkeypatch):
    from events import tasks

    monkeypatch.setattr(tasks.deliver_outbox, "delay", lambda *args: None)
    event = EventFactory(capacity=SEATS)
    start = threading.Barrier(CLIENTS)

    def register(index):
        try:
            start.wait(timeout=30)  # everyone leaves the gate together
            began = time.perf_counter()
            outcome = registration_create(
                event=event,
                data={
                    "full_name": f"Participant {index}",
                    "email": f"p{index}@example.org",
                    "gender": "female",
                    "organisation_name": "Test NGO",
                },
            )
            return outcome.registration.pk, time.perf_counter() - began
        finally:
            connection.close()

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(register, range(CLIENTS)))
    elapsed = time.perf_counter() - began

    registrations = list(Registration.objects.filter(event=event).order_by("created_at", "pk"))
    statuses = [registration.status for registration in registrations]
    assert len(registrations) == CLIENTS
    assert statuses.count(Registration.Status.CONFIRMED) == SEATS
    assert statuses.count(Registration.Status.WAITING) == CLIENTS - SEATS
    # In order: the first ten to commit hold the seats, everyone after them waits.
    assert statuses == [Registration.Status.CONFIRMED] * SEATS + [Registration.Status.WAITING] * (
        CLIENTS - SEATS
    )
    slowest = max(duration for _, duration in results)
    print(
        f"\n{CLIENTS} concurrent registrations for {SEATS} seats on PostgreSQL: "
        f"{elapsed:.2f} s in all, slowest {slowest * 1000:.0f} ms; "
        f"{SEATS} confirmed, {CLIENTS - SEATS} waiting"
    )


@pytest.mark.django_db(transaction=True)
def test_one_address_posted_twenty_times_at_once_gets_one_link_again(postgresql, monkeypatch):
    from events import tasks

    monkeypatch.setattr(tasks.deliver_outbox, "delay", lambda *args: None)
    event = EventFactory(capacity=SEATS)
    posts = 20
    start = threading.Barrier(posts)

    def register(index):
        try:
            start.wait(timeout=30)
            outcome = registration_create(
                event=event,
                data={
                    "full_name": "Sok Dara",
                    "email": "Dara@example.org" if index % 2 else "dara@example.org",
                    "gender": "female",
                    "organisation_name": "Test NGO",
                },
            )
            return outcome.registration.pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=posts) as pool:
        registration_ids = set(pool.map(register, range(posts)))

    (registration,) = Registration.objects.filter(event=event)
    assert registration_ids == {registration.pk}
    kinds = sorted(registration.notices.values_list("kind", flat=True))
    assert kinds == sorted([RegistrationNotice.Kind.CONFIRMED, RegistrationNotice.Kind.EXISTING])
