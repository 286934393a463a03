"""When staff change or cancel an event, the people registered are told once per revision."""

import datetime

import pytest
from django.core import mail

from events.models import Event, RegistrationNotice
from events.services import event_save
from events.tasks import deliver_outbox
from tests.factories import EventFactory, RegistrationFactory
from tests.helpers import event_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def event_with_confirmed_waiting_and_cancelled():
    event = EventFactory(capacity=2, venue_en="Old room")
    RegistrationFactory(event=event, language="en")
    RegistrationFactory(event=event, status="waiting", language="km")
    RegistrationFactory(event=event, status="cancelled")
    return event


def test_moving_an_event_tells_confirmed_and_waiting_people_with_the_new_calendar_file(
    event_with_confirmed_waiting_and_cancelled,
):
    event = event_with_confirmed_waiting_and_cancelled
    event.starts_at += datetime.timedelta(days=1)
    event.ends_at += datetime.timedelta(days=1)
    event_save(event=event, changed_fields=["starts_at", "ends_at"])
    notices = RegistrationNotice.objects.filter(kind="changed")
    assert notices.count() == 2
    deliver_outbox("notice", list(notices.values_list("pk", flat=True)))
    assert len(mail.outbox) == 2
    english = next(m for m in mail.outbox if m.subject.startswith("Changed"))
    (attachment,) = english.attachments
    assert "SEQUENCE:1" in attachment[1]


def test_the_same_revision_is_told_once(event_with_confirmed_waiting_and_cancelled):
    event = event_with_confirmed_waiting_and_cancelled
    event.venue_en = "New room"
    event_save(event=event, changed_fields=["venue_en"])
    event_save(event=event, changed_fields=[])  # saving again without a change
    assert RegistrationNotice.objects.filter(kind="changed").count() == 2


def test_cancelling_an_event_sends_cancellation_notices(event_with_confirmed_waiting_and_cancelled):
    event = event_with_confirmed_waiting_and_cancelled
    event.status = Event.Status.CANCELLED
    event_save(event=event, changed_fields=["status"])
    notices = RegistrationNotice.objects.filter(kind="event_cancelled")
    assert notices.count() == 2
    deliver_outbox("notice", list(notices.values_list("pk", flat=True)))
    assert all("STATUS:CANCELLED" in m.attachments[0][1] for m in mail.outbox)


def test_editing_the_description_tells_nobody(event_with_confirmed_waiting_and_cancelled):
    event = event_with_confirmed_waiting_and_cancelled
    event.description_en = "More detail"
    event_save(event=event, changed_fields=["description_en"])
    assert not RegistrationNotice.objects.exists()


def test_staff_see_how_many_people_will_be_told_before_saving(
    admin_client, event_with_confirmed_waiting_and_cancelled
):
    response = admin_client.get(
        f"/en/admin/events/event/{event_with_confirmed_waiting_and_cancelled.pk}/change/"
    )
    assert "2 registrants will be told by email" in response.text


def test_admin_change_of_time_queues_notices(
    admin_client, event_with_confirmed_waiting_and_cancelled
):
    from django.utils import timezone

    event = event_with_confirmed_waiting_and_cancelled
    # Dates and times both: two hours later may be past midnight (a late-evening test run).
    starts = timezone.localtime(event.starts_at + datetime.timedelta(hours=2))
    ends = starts + datetime.timedelta(hours=3)
    data = event_form_data(
        event,
        starts_at_0=starts.strftime("%d/%m/%Y"),
        starts_at_1=starts.strftime("%H:%M"),
        ends_at_0=ends.strftime("%d/%m/%Y"),
        ends_at_1=ends.strftime("%H:%M"),
    )
    response = admin_client.post(f"/en/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 302
    assert RegistrationNotice.objects.filter(kind="changed").count() == 2


def test_reminder_counts_show_in_the_event_list(
    admin_client, event_with_confirmed_waiting_and_cancelled
):
    from events.models import ReminderDelivery, ReminderRule

    registration = event_with_confirmed_waiting_and_cancelled.registrations.get(status="confirmed")
    rule = ReminderRule.objects.create(
        event=event_with_confirmed_waiting_and_cancelled, offset=datetime.timedelta(days=1)
    )
    ReminderDelivery.objects.create(registration=registration, rule=rule, status="failed")
    response = admin_client.get("/en/admin/events/event/")
    assert "0 / 0 / 1" in response.text
