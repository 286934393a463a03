"""Issue 17: Telegram notices, opted into per registrant, driven through a fake Bot API on
loopback (tests/fake_telegram.py): deep link, webhook update, linked chat, notices and
reminders sent once, Telegram's refusals, unlinking. Nothing here talks to Telegram."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.utils import timezone

from core import telegram
from events.models import Registration, ReminderRule, TelegramChat, TelegramMessage
from events.services import registration_cancel, registration_create, reminders_schedule
from events.telegram_bot import telegram_handle_update
from events.telegram_links import LINK_PURPOSE
from events.telegram_outbox import deliver_telegram
from tests.factories import EventFactory, RegistrationFactory
from tests.helpers import altered, registrations_linked
from tests.telegram_fixtures import WEBHOOK_SECRET, fake_telegram_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

CHAT = 70001


def webhook(client, update, secret=WEBHOOK_SECRET):
    return client.post(
        "/telegram/webhook/",
        data=json.dumps(update),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=secret,
    )


def start_token(client, registration):
    page = client.get(f"/km/registrations/{registration.cancel_token}/").text
    link = re.search(r'href="https://t\.me/ccc_test_bot\?start=([A-Za-z0-9_-]+)"', page)
    assert link, "the registrant's page offers the Telegram link"
    return link.group(1)


def linked_registration(client, fake, **fields):
    registration = RegistrationFactory(language="km", **fields)
    token = start_token(client, registration)
    response = webhook(client, fake.queue_message(CHAT, f"/start {token}"))
    assert response.status_code == 200 and response.json()["outcome"] == "linked"
    registration.refresh_from_db()
    return registration


def test_without_a_bot_the_option_is_hidden_and_email_alone_works(client, owed_notices):
    event = EventFactory()
    outcome = registration_create(
        event=event, data={"full_name": "A", "email": "a@example.org", "gender": "female"}
    )
    page = client.get(f"/en/registrations/{outcome.registration.cancel_token}/").text
    assert "t.me" not in page and "Telegram" not in page
    assert not TelegramMessage.objects.exists()
    assert client.post("/telegram/webhook/", {}).status_code == 403


def test_opting_in_links_the_chat_and_the_bot_says_so(client, fake_telegram):
    registration = linked_registration(client, fake_telegram)
    assert registration.telegram_chat.chat_id == CHAT
    (reply,) = fake_telegram.sent()
    assert reply["chat_id"] == CHAT and registration.event.title in reply["text"]


def test_a_forged_webhook_call_changes_nothing(client, fake_telegram):
    registration = RegistrationFactory()
    token = telegram.start_token_make(LINK_PURPOSE, registration.pk)
    update = fake_telegram.queue_message(CHAT, f"/start {token}")
    assert webhook(client, update, secret="wrong").status_code == 403
    assert (
        client.post("/telegram/webhook/", json.dumps(update), "application/json").status_code == 403
    )
    assert client.get("/telegram/webhook/").status_code == 405
    assert webhook(client, "not json at all"[:3]).status_code in (200, 400)
    assert not TelegramChat.objects.exists() and fake_telegram.sent() == []


@pytest.mark.parametrize("how", ["altered", "expired", "other purpose", "garbage"])
def test_a_bad_start_token_links_nothing_and_the_bot_says_so(client, fake_telegram, how):
    registration = RegistrationFactory()
    token = {
        "altered": altered(telegram.start_token_make(LINK_PURPOSE, registration.pk)),
        "expired": telegram.start_token_make(
            LINK_PURPOSE, registration.pk, now=timezone.now() - datetime.timedelta(days=31)
        ),
        "other purpose": telegram.start_token_make("surveys.answer", registration.pk),
        "garbage": "hello",
    }[how]
    response = webhook(client, fake_telegram.queue_message(CHAT, f"/start {token}"))
    assert response.json()["outcome"] == "refused"
    registration.refresh_from_db()
    assert registration.telegram_chat is None
    (reply,) = fake_telegram.sent_texts()
    assert (
        ("expired" if how == "expired" else "not valid") in reply or "ផុត" in reply or "មិន" in reply
    )


def test_news_goes_to_telegram_too_and_only_once(client, fake_telegram, owed_notices):
    registration = linked_registration(client, fake_telegram)
    registration_cancel(registration=registration)
    (message,) = TelegramMessage.objects.all()
    assert message.kind == "cancelled" and message.status == "pending"
    deliver_telegram()
    deliver_telegram()  # twice: nothing more
    notices = fake_telegram.sent()[1:]  # after the bot's own reply
    assert len(notices) == 1 and notices[0]["chat_id"] == CHAT
    assert registration.event.title in notices[0]["text"]
    button = notices[0]["reply_markup"]["inline_keyboard"][0][0]
    assert registrations_linked(button["url"]) == {registration.public_id}
    assert mail.outbox == [] and owed_notices()  # the email is owed as before, separately
    message.refresh_from_db()
    assert message.status == "sent"


def test_a_reminder_arrives_once_in_the_registrants_language(client, fake_telegram):
    start = timezone.now() + datetime.timedelta(hours=1)
    event = EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    ReminderRule.objects.create(event=event, offset=datetime.timedelta(hours=2))
    registration = linked_registration(
        client, fake_telegram, event=event, created_at=start - datetime.timedelta(days=2)
    )
    assert reminders_schedule() == 1
    assert reminders_schedule() == 0
    deliver_telegram()
    texts = fake_telegram.sent_texts()[1:]
    assert len(texts) == 1
    assert event.title_km in texts[0]  # Khmer: the registrant's language
    assert TelegramMessage.objects.get().once_key.startswith("reminder:")
    assert registration.reminder_deliveries.count() == 1  # the email's row too


def test_flood_control_waits_as_long_as_telegram_says(client, fake_telegram):
    registration = linked_registration(client, fake_telegram)
    registration_cancel(registration=registration)
    fake_telegram.fail_next("sendMessage", "429", retry_after=17)
    before = timezone.now()
    deliver_telegram()
    message = TelegramMessage.objects.get()
    assert message.status == "pending" and message.attempts == 0
    wait = (message.next_attempt_at - before).total_seconds()
    assert 16 <= wait <= 20
    deliver_telegram()  # not due yet: nothing sent
    assert len(fake_telegram.sent()) == 1
    TelegramMessage.objects.update(next_attempt_at=timezone.now())
    deliver_telegram()
    assert len(fake_telegram.sent()) == 2


@pytest.mark.parametrize("kind", ["500", "not_json"])
def test_server_errors_and_answers_that_are_not_json_are_tried_again(
    client, fake_telegram, kind, settings
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    registration = linked_registration(client, fake_telegram)
    registration_cancel(registration=registration)
    fake_telegram.fail_next("sendMessage", kind)
    deliver_telegram()
    message = TelegramMessage.objects.get()
    assert message.status == "pending" and message.attempts == 1 and message.error
    deliver_telegram()
    message.refresh_from_db()
    assert message.status == "sent"
    # The bot's reply, the failed try, the one that went through.
    assert len(fake_telegram.calls_of("sendMessage")) == 3


def test_blocked_by_the_user_unlinks_the_chat_and_stops(client, fake_telegram):
    registration = linked_registration(client, fake_telegram)
    registration_cancel(registration=registration)
    fake_telegram.fail_next("sendMessage", "blocked")
    deliver_telegram()
    message = TelegramMessage.objects.get()
    assert message.status == "skipped" and "blocked" in message.error
    chat = TelegramChat.objects.get()
    assert chat.stopped_at is not None and not chat.registrations.exists()


def test_stop_unlinks_and_always_brings_later_registrations(client, fake_telegram):
    registration = linked_registration(client, fake_telegram, email="dara@example.org")
    assert webhook(client, fake_telegram.queue_message(CHAT, "/always")).json()["outcome"] == (
        "always"
    )
    later = registration_create(
        event=EventFactory(),
        data={"full_name": "Dara", "email": "DARA@example.org", "gender": "female"},
    ).registration
    assert later.telegram_chat.chat_id == CHAT
    assert TelegramMessage.objects.filter(registration=later, kind="confirmed").exists()
    assert webhook(client, fake_telegram.queue_message(CHAT, "/stop")).json()["outcome"] == (
        "stopped"
    )
    assert not Registration.objects.filter(telegram_chat__isnull=False).exists()
    assert not TelegramMessage.objects.filter(status="pending").exists()
    registration_cancel(registration=registration)
    assert not TelegramMessage.objects.filter(kind="cancelled").exists()


def test_the_registrant_stops_telegram_from_their_page(client, fake_telegram):
    registration = linked_registration(client, fake_telegram)
    page = client.get(f"/en/registrations/{registration.cancel_token}/").text
    assert "Stop Telegram messages" in page and "t.me/" not in page
    response = client.post(f"/en/registrations/{registration.cancel_token}/telegram/stop/")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.telegram_chat is None


def test_the_confirmation_email_offers_telegram(fake_telegram, settings):
    from events.emails import registration_email

    registration = RegistrationFactory(language="en")
    message = registration_email(registration, "confirmed")
    assert "Get reminders on Telegram: https://t.me/ccc_test_bot?start=" in message.body


def test_staff_see_telegram_beside_email(client, fake_telegram, admin_user):
    registration = linked_registration(client, fake_telegram)
    registration_cancel(registration=registration)
    deliver_telegram()
    client.force_login(admin_user)
    page = client.get(f"/en/admin/events/registration/{registration.pk}/change/").text
    assert "Telegram messages" in page and "Sent" in page
    assert client.get("/en/admin/events/telegrammessage/").status_code == 200


def test_updates_by_polling_for_development(fake_telegram, capsys):
    from django.core.management import call_command

    registration = RegistrationFactory()
    token = telegram.start_token_make(LINK_PURPOSE, registration.pk)
    fake_telegram.queue_message(CHAT, f"/start {token}")
    call_command("telegram_poll", "--once")
    assert "linked" in capsys.readouterr().out
    registration.refresh_from_db()
    assert registration.telegram_chat.chat_id == CHAT


def test_the_webhook_is_set_with_its_secret(fake_telegram, settings):
    from django.core.management import call_command

    settings.SITE_URL = "https://portal.example.org"
    call_command("telegram_webhook", "set")
    assert fake_telegram.webhook == {
        "url": "https://portal.example.org/telegram/webhook/",
        "secret_token": WEBHOOK_SECRET,
    }


def test_an_update_that_is_not_a_message_is_ignored(fake_telegram):
    assert telegram_handle_update({"update_id": 1, "edited_message": {}}) == "ignored"
    assert telegram_handle_update([]) == "ignored"


def test_the_survey_link_and_the_certificate_come_to_telegram_too(client, fake_telegram):
    from events.certificates_services import certificates_email
    from surveys.services import surveys_invite
    from tests.factories import QuestionFactory, SurveyFactory

    registration = linked_registration(client, fake_telegram)
    event = registration.event
    ended = timezone.now() - datetime.timedelta(hours=2)
    type(event).objects.filter(pk=event.pk).update(
        starts_at=ended - datetime.timedelta(hours=3), ends_at=ended
    )
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.ATTENDED)
    QuestionFactory(survey=SurveyFactory(event=event), kind="rating", label_en="Useful?")
    assert surveys_invite() == 1
    assert surveys_invite() == 0  # once
    event.refresh_from_db()
    assert certificates_email(event=event) == 1
    deliver_telegram()
    notices = fake_telegram.sent()[1:]  # after the bot's own reply to /start
    assert len(notices) == 2
    buttons = {m["reply_markup"]["inline_keyboard"][0][0]["url"] for m in notices}
    survey_links = [url for url in buttons if "/km/surveys/" in url]  # the person's own link
    assert len(survey_links) == 1 and not survey_links[0].endswith("/km/surveys/")
    assert registration.public_id in registrations_linked(" ".join(buttons))  # the certificate's
    assert all(event.title_km in m["text"] for m in notices)
    assert set(TelegramMessage.objects.values_list("kind", "status")) >= {
        ("survey", "sent"),
        ("certificate", "sent"),
    }
