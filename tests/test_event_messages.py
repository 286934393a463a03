"""Staff's messages to registrants go through the outbox: one row per address, sent over a
real SMTP server on loopback, retried, refused addresses kept for staff and sent again."""

import pytest
from django.utils import timezone

from events.models import EventMessage, EventMessageDelivery
from events.services import event_message_registrants
from events.tasks import deliver_outbox
from tests.factories import EventFactory, RegistrationFactory
from tests.smtp import NO_SUCH_USER, TRY_LATER, smtp_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with smtp_server(settings) as handler:
        yield handler


@pytest.fixture
def forum_with_two_seated_and_one_waiting():
    event = EventFactory(title_en="Learning forum", title_km="វេទិកាសិក្សា")
    seated = [
        RegistrationFactory(event=event, full_name="Dara", email="dara@example.org"),
        RegistrationFactory(
            event=event, full_name="Sophea", email="sophea@example.org", language="en"
        ),
    ]
    RegistrationFactory(event=event, status="waiting", email="waiting@example.org")
    return event, seated


def texts(subject, body):
    """The same text in both languages."""
    return {"subject_km": subject, "body_km": body, "subject_en": subject, "body_en": body}


def write(client, event, **data):
    """Write, review (the page says how many), then send the number reviewed."""
    url = f"/en/admin/events/event/{event.pk}/message/"
    data = {"recipients": "confirmed", **texts("Room change", "Room 2 now."), **data}
    review = client.post(url, {**data, "step": "review"})
    reviewed = {
        "expected_count": review.context["preview"].count,
        "review_key": review.context["review_key"],
    }
    return client.post(url, {**data, "step": "send", **reviewed}, follow=True)


def test_a_message_is_one_outbox_row_per_address_sent_after_commit(
    client,
    coordinator,
    forum_with_two_seated_and_one_waiting,
    smtp,
    tasks_inline,
    django_capture_on_commit_callbacks,
):
    event, seated = forum_with_two_seated_and_one_waiting
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = write(client, event)
    assert "on its way to 2 people" in response.text
    message = EventMessage.objects.get()
    assert (message.subject_km, message.subject_en, message.statuses, message.sent_by) == (
        "Room change", "Room change", ["confirmed"], coordinator,
    )  # fmt: skip
    assert sorted(d.registration.email for d in message.deliveries.all()) == [
        "dara@example.org", "sophea@example.org",
    ]  # fmt: skip
    assert smtp.counts == {"dara@example.org": 1, "sophea@example.org": 1}
    assert set(message.deliveries.values_list("status", flat=True)) == {"sent"}
    english = next(c for c in smtp.contents if b"sophea@example.org" in c).decode()
    assert "Room 2 now." in english and "Dear Sophea," in english


def test_nothing_is_owed_when_no_one_matches(forum_with_two_seated_and_one_waiting):
    event, _ = forum_with_two_seated_and_one_waiting
    assert event_message_registrants(event=event, texts=texts("x", "y"), statuses=["attended"]) == 0
    assert not EventMessage.objects.exists()


def test_a_refused_address_is_shown_to_staff_and_can_be_sent_again(
    client, coordinator, forum_with_two_seated_and_one_waiting, smtp
):
    event, seated = forum_with_two_seated_and_one_waiting
    smtp.refuse = {"dara@example.org": NO_SUCH_USER}
    event_message_registrants(
        event=event, texts=texts("Agenda", "Attached."), statuses=["confirmed"]
    )
    deliver_outbox.apply(args=("message",))
    failed = EventMessageDelivery.objects.get(status="failed")
    assert (failed.registration.email, failed.error) == ("dara@example.org", NO_SUCH_USER)

    client.force_login(coordinator)
    listing = client.get("/en/admin/events/eventmessage/")
    assert "Agenda" in listing.text
    message = EventMessage.objects.with_delivery_counts().get()
    assert (message.sent_count, message.pending_count, message.failed_count) == (1, 0, 1)
    detail = client.get(f"/en/admin/events/eventmessage/{message.pk}/change/")
    assert "Attached." in detail.text and "Failed addresses" in detail.text
    page = client.get(
        "/en/admin/events/eventmessagedelivery/",
        {"message": message.pk, "status__exact": "failed"},
    )
    assert "dara@example.org" in page.text and "No such user" in page.text
    assert "sophea@example.org" not in page.text

    smtp.refuse = {}  # fixed at the other end
    response = client.post(
        "/en/admin/events/eventmessagedelivery/",
        {"action": "send_again", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "1 email will be sent again" in response.text
    deliver_outbox.apply(args=("message",))
    assert smtp.counts == {"dara@example.org": 1, "sophea@example.org": 1}
    assert set(EventMessageDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_busy_server_delays_a_message_but_does_not_lose_it(
    forum_with_two_seated_and_one_waiting, smtp
):
    event, _ = forum_with_two_seated_and_one_waiting
    smtp.answers = [TRY_LATER]
    event_message_registrants(event=event, texts=texts("Agenda", "Attached."), statuses=["waiting"])
    deliver_outbox.apply(args=("message",))
    delivery = EventMessageDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error) == ("pending", 1, TRY_LATER)
    EventMessageDelivery.objects.update(next_attempt_at=timezone.now())
    deliver_outbox.apply(args=("message",))
    assert smtp.counts == {"waiting@example.org": 1}


def test_someone_who_cancelled_before_it_went_out_is_skipped(
    forum_with_two_seated_and_one_waiting, smtp
):
    event, (dara, sophea) = forum_with_two_seated_and_one_waiting
    event_message_registrants(event=event, texts=texts("Agenda", "x"), statuses=["confirmed"])
    dara.status = "cancelled"
    dara.save()
    deliver_outbox.apply(args=("message",))
    assert smtp.counts == {"sophea@example.org": 1}
    assert EventMessageDelivery.objects.get(registration=dara).status == "skipped"
