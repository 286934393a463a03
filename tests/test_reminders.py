"""Which reminders are owed, and when: the logic, without workers."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import outbox
from events.models import Event, Registration, ReminderDelivery, ReminderRule
from events.services import event_save, reminders_due, reminders_schedule
from tests.factories import EventFactory, EventTypeFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
DAY, TWO_HOURS = datetime.timedelta(days=1), datetime.timedelta(hours=2)


def event_at(starts_at, **kwargs):
    event = EventFactory(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3), **kwargs
    )
    ReminderRule.objects.bulk_create(
        [ReminderRule(event=event, offset=o) for o in (DAY, TWO_HOURS)]
    )
    return event


def registered_in_an_hour(count):
    """`count` people registered three days before an event starting in an hour, whose two
    reminders (a day and two hours before) are both due now."""
    start = timezone.now() + datetime.timedelta(hours=1)
    event = event_at(start)
    return RegistrationFactory.create_batch(
        count, event=event, created_at=start - datetime.timedelta(days=3)
    )


def due(now):
    return sorted(
        (Registration.objects.get(pk=r).full_name, str(ReminderRule.objects.get(pk=rule).offset))
        for r, rule in reminders_due(now=now)
    )


def test_new_events_get_their_types_default_reminders():
    event_type = EventTypeFactory()
    for offset in (DAY, TWO_HOURS):
        event_type.default_reminders.create(offset=offset)
    event = EventFactory.build(event_type=event_type)
    event_save(event=event)
    assert sorted(event.reminder_rules.values_list("offset", flat=True)) == [TWO_HOURS, DAY]


def test_staff_can_change_a_types_defaults():
    event_type = EventTypeFactory()
    event_type.default_reminders.all().delete()
    event_type.default_reminders.create(offset=datetime.timedelta(days=3))
    event = EventFactory.build(event_type=event_type)
    event_save(event=event)
    assert list(event.reminder_rules.values_list("offset", flat=True)) == [
        datetime.timedelta(days=3)
    ]


def test_reminders_fall_due_at_start_minus_offset():
    start = datetime.datetime(2031, 5, 10, 8, 0, tzinfo=PHNOM_PENH)
    event = event_at(start)
    RegistrationFactory(
        event=event, full_name="Early", created_at=start - datetime.timedelta(days=10)
    )
    assert due(start - DAY - datetime.timedelta(seconds=1)) == []
    assert due(start - DAY) == [("Early", "1 day, 0:00:00")]
    assert due(start - TWO_HOURS) == [("Early", "1 day, 0:00:00"), ("Early", "2:00:00")]
    assert due(start) == []  # the event has started: nothing is owed any more


def test_late_registrations_do_not_get_the_earlier_reminder():
    start = datetime.datetime(2031, 5, 10, 8, 0, tzinfo=PHNOM_PENH)
    event = event_at(start)
    RegistrationFactory(
        event=event, full_name="Late", created_at=start - datetime.timedelta(hours=5)
    )
    assert due(start - TWO_HOURS) == [("Late", "2:00:00")]


def test_cancelled_registrations_waiting_lists_and_cancelled_events_get_nothing():
    start = datetime.datetime(2031, 5, 10, 8, 0, tzinfo=PHNOM_PENH)
    event = event_at(start)
    early = start - datetime.timedelta(days=10)
    RegistrationFactory(event=event, status="cancelled", created_at=early)
    RegistrationFactory(event=event, status="waiting", created_at=early)
    cancelled_event = event_at(start, status=Event.Status.CANCELLED)
    RegistrationFactory(event=cancelled_event, created_at=early)
    draft = event_at(start, status=Event.Status.DRAFT)
    RegistrationFactory(event=draft, created_at=early)
    assert due(start - TWO_HOURS) == []


def test_phnom_penh_midnight_edge():
    # 01:00 on 1 January in Phnom Penh is 18:00 UTC on 31 December.
    start = datetime.datetime(2032, 1, 1, 1, 0, tzinfo=PHNOM_PENH)
    event = event_at(start)
    RegistrationFactory(
        event=event, full_name="Sokha", created_at=start - datetime.timedelta(days=5)
    )
    moment = datetime.datetime(2031, 12, 31, 16, 0, tzinfo=datetime.UTC)  # 23:00 in Phnom Penh
    assert due(moment) == [("Sokha", "1 day, 0:00:00"), ("Sokha", "2:00:00")]
    assert due(moment - datetime.timedelta(minutes=1)) == [("Sokha", "1 day, 0:00:00")]


def test_scheduling_twice_writes_each_reminder_once():
    registered_in_an_hour(3)
    assert reminders_schedule() == 6
    assert reminders_schedule() == 0
    assert ReminderDelivery.objects.count() == 6


def test_a_sweep_writes_only_what_each_rule_still_lacks():
    people = registered_in_an_hour(3)
    assert reminders_schedule() == 6
    lost = ReminderDelivery.objects.filter(rule__offset=TWO_HOURS, registration__in=people[:2])
    assert lost.delete()[0] == 2
    assert reminders_schedule() == 2
    assert ReminderDelivery.objects.filter(rule__offset=TWO_HOURS).count() == 3
    assert ReminderDelivery.objects.count() == 6


def test_the_sweep_leaves_out_what_is_scheduled_without_joining_the_ledger_in_sql():
    """Right after a sweep wrote a big event's reminders, PostgreSQL's statistics still said
    the rule had none, and it ran "not yet in the ledger" as a nested loop over all of them:
    37 s for 20,000 registrants (bench, issue 18). The ledger is read apart instead."""
    registered_in_an_hour(2)
    with CaptureQueriesContext(connection) as queries:
        assert reminders_schedule() == 4
    assert not [q for q in queries if "NOT (EXISTS" in q["sql"] and "reminderdelivery" in q["sql"]]


def test_a_claim_takes_abandoned_rows_first_then_due_ones_up_to_its_limit():
    registered_in_an_hour(3)
    reminders_schedule()
    _, dead_workers = outbox.claim_batch(ReminderDelivery, limit=2)
    later = timezone.now() + outbox.claim_timeout() + datetime.timedelta(seconds=1)
    _, taken = outbox.claim_batch(ReminderDelivery, now=later, limit=3)
    assert set(dead_workers) < set(taken) and len(taken) == 3
    _, rest = outbox.claim_batch(ReminderDelivery, now=later, limit=10)
    assert len(rest) == 6 - 3 and not set(rest) & set(taken)


def test_a_claim_is_taken_by_one_caller_only():
    registered_in_an_hour(4)
    reminders_schedule()
    first_token, first = outbox.claim_batch(ReminderDelivery, limit=5)
    second_token, second = outbox.claim_batch(ReminderDelivery, limit=5)
    assert len(first) == 8 - 3 and len(second) == 3
    assert not set(first) & set(second)


def test_an_abandoned_claim_is_taken_over_after_the_timeout():
    registered_in_an_hour(1)
    reminders_schedule()
    _, dead_workers = outbox.claim_batch(ReminderDelivery)
    assert outbox.claim_batch(ReminderDelivery)[1] == []
    later = timezone.now() + outbox.claim_timeout() + datetime.timedelta(seconds=1)
    assert sorted(outbox.claim_batch(ReminderDelivery, now=later)[1]) == sorted(dead_workers)


def test_retry_delay_doubles():
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
