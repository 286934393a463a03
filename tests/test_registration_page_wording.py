"""The registrant's page says "we will send" while the email waits in the outbox, and "we have
sent" only once it has gone."""

import pytest
from django.utils import timezone

from events.models import Registration, RegistrationNotice
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

WILL_SEND = "We will send a confirmation with the calendar file to your email."
HAVE_SENT = "We have sent a confirmation with the calendar file to your email."
WILL_SEND_WAITING = "We will send an email to confirm that you are on the waiting list."
HAVE_SENT_WAITING = "We have sent an email to confirm that you are on the waiting list."


def register(client, event, **overrides):
    data = {
        "full_name": "Sok Dara",
        "organisation_name": "Village Support Group",
        "gender": "female",
        "email": "dara@example.org",
        "language": "en",
        "consent": "on",
        **overrides,
    }
    return client.post(f"/en/events/{event.slug}/register/", data)


def mark_sent(registration):
    registration.notices.update(status=RegistrationNotice.Status.SENT, sent_at=timezone.now())


def test_confirmed_page_says_will_send_until_the_email_is_sent(client):
    response = register(client, EventFactory(capacity=5))
    page = response["Location"]
    registration = Registration.objects.get()
    notice = registration.notices.get()
    assert notice.kind == RegistrationNotice.Kind.CONFIRMED
    assert notice.status == RegistrationNotice.Status.PENDING
    text = client.get(page).text
    assert WILL_SEND in text and "We have sent" not in text
    mark_sent(registration)
    text = client.get(page).text
    assert HAVE_SENT in text and "We will send" not in text


def test_waiting_list_page_says_will_send_until_the_email_is_sent(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    page = register(client, event)["Location"]
    registration = Registration.objects.get(email="dara@example.org")
    assert registration.status == Registration.Status.WAITING
    text = client.get(page).text
    assert WILL_SEND_WAITING in text and "We have sent" not in text
    mark_sent(registration)
    text = client.get(page).text
    assert HAVE_SENT_WAITING in text and "We will send" not in text


def test_a_failed_email_is_not_claimed_as_sent(client):
    page = register(client, EventFactory())["Location"]
    Registration.objects.get().notices.update(status=RegistrationNotice.Status.FAILED)
    text = client.get(page).text
    assert WILL_SEND in text and "We have sent" not in text


def test_already_registered_message_says_the_link_will_be_sent(client):
    event = EventFactory()
    RegistrationFactory(event=event, email="dara@example.org")
    response = register(client, event, email="DARA@example.org")
    text = client.get(response["Location"]).text
    assert "already registered" in text
    assert "The registration link will be sent to it again" in text
    assert "We have sent" not in text
