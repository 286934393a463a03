"""Issue 16: a focal person's group is decided in one locked transaction, on PostgreSQL, while
other groups and single registrations race for the same seats."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.services import focal_person_make
from events.models import Registration
from events.services import registration_create, registrations_create_group
from tests.factories import ContactFactory, EventFactory

SEATS = 7
GROUPS = 3
GROUP_SIZE = 4
SINGLES = 8


@pytest.mark.django_db(transaction=True)
def test_groups_and_singles_at_once_never_overfill_and_keep_each_groups_order(
    postgresql, monkeypatch, admin_user
):
    from events import tasks

    monkeypatch.setattr(tasks.deliver_outbox, "delay", lambda *args: None)
    event = EventFactory(capacity=SEATS)
    focal_persons = [
        focal_person_make(contact=ContactFactory(), made_by=admin_user) for _ in range(GROUPS)
    ]
    start = threading.Barrier(GROUPS + SINGLES)

    def person(label):
        return {"full_name": label, "email": f"{label}@example.org", "gender": "female"}

    def group(index):
        try:
            start.wait(timeout=30)
            focal = focal_persons[index]
            registrations_create_group(
                event=event,
                people=[person(f"g{index}-{n}") for n in range(GROUP_SIZE)],
                vouched_for=focal.organisation,
                registered_by=focal.user,
            )
        finally:
            connection.close()

    def single(index):
        try:
            start.wait(timeout=30)
            registration_create(event=event, data=person(f"s{index}"))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=GROUPS + SINGLES) as pool:
        futures = [pool.submit(group, i) for i in range(GROUPS)]
        futures += [pool.submit(single, i) for i in range(SINGLES)]
        for future in futures:
            future.result()

    everyone = list(Registration.objects.filter(event=event).order_by("created_at", "pk"))
    assert len(everyone) == GROUPS * GROUP_SIZE + SINGLES
    statuses = [registration.status for registration in everyone]
    assert statuses.count(Registration.Status.CONFIRMED) == SEATS
    # First come, first served across everyone: the seats are the first decisions.
    assert statuses == ["confirmed"] * SEATS + ["waiting"] * (len(everyone) - SEATS)
    for index in range(GROUPS):
        members = [r for r in everyone if r.full_name.startswith(f"g{index}-")]
        # One group's people are decided together, in the order entered, with no one between.
        positions = [everyone.index(r) for r in members]
        assert positions == list(range(positions[0], positions[0] + GROUP_SIZE))
        assert [r.full_name for r in members] == [f"g{index}-{n}" for n in range(GROUP_SIZE)]
