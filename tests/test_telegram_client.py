"""The Bot API client (core/telegram.py) against the fake Bot API on loopback: what each of
Telegram's answers becomes, that the token never shows, and the signed start tokens."""

import json
import logging
import re
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from core import telegram
from core.telegram import (
    StartTokenExpired,
    StartTokenInvalid,
    TelegramChatGone,
    TelegramError,
    TelegramRefused,
    TelegramRetryLater,
    TelegramTemporary,
)
from tests.helpers import altered, unused_port
from tests.telegram_fixtures import TOKEN, fake_telegram_fixture  # noqa: F401

CHAT = 4242


def test_send_message_posts_plain_text_and_returns_the_message(fake_telegram):
    message = telegram.send_message(CHAT, "ការប្រជុំ <b>ថ្ងៃស្អែក</b> & more")

    assert message["message_id"] == 1
    assert telegram.send_message(CHAT, "again")["message_id"] == 2
    (payload, _) = fake_telegram.sent()
    # Plain text: no parse_mode, so Telegram shows "<b>" as written and nothing is escaped.
    assert payload["chat_id"] == CHAT
    assert payload["text"] == "ការប្រជុំ <b>ថ្ងៃស្អែក</b> & more"
    assert "parse_mode" not in payload
    assert "reply_markup" not in payload


def test_send_message_with_a_button_that_opens_the_link(fake_telegram):
    telegram.send_message(
        CHAT, "Your place is confirmed", link_url="https://portal.test/r/1", link_label="Open"
    )

    (payload,) = fake_telegram.sent()
    assert payload["reply_markup"] == {
        "inline_keyboard": [[{"text": "Open", "url": "https://portal.test/r/1"}]]
    }


def test_a_link_without_its_label_is_a_programming_error(fake_telegram):
    with pytest.raises(ValueError):
        telegram.send_message(CHAT, "text", link_url="https://portal.test/")
    assert fake_telegram.calls == []


def test_get_me_webhook_and_updates(fake_telegram):
    assert telegram.get_me()["username"] == "ccc_test_bot"

    assert telegram.set_webhook("https://portal.test/telegram/webhook/", "s3cret") is True
    assert fake_telegram.webhook == {
        "url": "https://portal.test/telegram/webhook/",
        "secret_token": "s3cret",
    }
    assert telegram.get_webhook_info()["url"] == "https://portal.test/telegram/webhook/"
    assert telegram.delete_webhook() is True
    assert fake_telegram.webhook["url"] == ""

    first = fake_telegram.queue_message(CHAT, "/start abc")
    second = fake_telegram.queue_message(CHAT, "hello")
    updates = telegram.get_updates()
    assert [u["update_id"] for u in updates] == [first["update_id"], second["update_id"]]
    assert updates[0]["message"]["text"] == "/start abc"
    # The offset confirms what came before it: those are not given again.
    assert telegram.get_updates(offset=first["update_id"] + 1) == [second]
    assert telegram.get_updates(offset=second["update_id"] + 1) == []


def test_flood_control_says_when_to_try_again(fake_telegram):
    fake_telegram.fail_next("sendMessage", "429", retry_after=17)

    with pytest.raises(TelegramRetryLater) as caught:
        telegram.send_message(CHAT, "hello")

    assert caught.value.retry_after == 17
    assert isinstance(caught.value.retry_after, int)
    assert caught.value.error_code == 429
    # The next try goes through.
    telegram.send_message(CHAT, "hello")
    assert fake_telegram.sent_texts() == ["hello"]


def test_flood_control_without_parameters_falls_back_to_the_header_then_30_seconds():
    class Headers(dict):
        pass

    answer = {"ok": False, "error_code": 429, "description": "Too Many Requests"}
    assert telegram._retry_after(answer, Headers({"Retry-After": "9"})) == 9
    assert telegram._retry_after(answer, Headers()) == 30
    assert telegram._retry_after({**answer, "parameters": {}}, Headers({"Retry-After": "x"})) == 30


def test_a_server_error_is_temporary(fake_telegram, caplog):
    fake_telegram.fail_next("sendMessage", "500", times=2)

    for _ in range(2):
        with pytest.raises(TelegramTemporary) as caught:
            telegram.send_message(CHAT, "hello")
        assert caught.value.error_code == 500
    telegram.send_message(CHAT, "hello")

    assert fake_telegram.sent_texts() == ["hello"]
    assert len(fake_telegram.calls_of("sendMessage")) == 3


def test_an_answer_that_is_not_json_is_temporary_and_logged(fake_telegram, caplog):
    fake_telegram.fail_next("sendMessage", "not_json")

    with (
        caplog.at_level(logging.WARNING, logger="core.telegram"),
        pytest.raises(TelegramTemporary) as caught,
    ):
        telegram.send_message(CHAT, "hello")

    assert "without Bot API JSON" in str(caught.value)
    assert "502 Bad Gateway" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN not in str(caught.value)


def test_json_without_ok_is_temporary(fake_telegram, monkeypatch):
    def answer(token, method, payload):
        return 200, {"result": True}

    monkeypatch.setattr(fake_telegram, "_answer", answer)
    with pytest.raises(TelegramTemporary):
        telegram.get_me()


def test_a_unused_port_is_temporary(settings, caplog):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_API_BASE_URL = f"http://127.0.0.1:{unused_port()}"

    with (
        caplog.at_level(logging.WARNING, logger="core.telegram"),
        pytest.raises(TelegramTemporary) as caught,
    ):
        telegram.send_message(CHAT, "hello")

    assert "refused" in str(caught.value).lower()
    assert caught.value.error_code is None
    assert TOKEN not in str(caught.value)
    assert TOKEN not in caplog.text
    # No chained exception carries the URL (and so the token) into a traceback.
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_a_slow_answer_is_a_timeout_and_temporary(fake_telegram):
    fake_telegram.fail_next("getMe", "slow", delay=2.0)

    started = time.monotonic()
    with pytest.raises(TelegramTemporary) as caught:
        telegram.call("getMe", timeout=0.2)

    assert time.monotonic() - started < 1.5  # the timeout, not the answer, ended the call
    assert "timed out" in str(caught.value)
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("kind", ["blocked", "deactivated", "chat_not_found"])
def test_a_chat_that_is_gone(fake_telegram, kind):
    fake_telegram.fail_next("sendMessage", kind)

    with pytest.raises(TelegramChatGone) as caught:
        telegram.send_message(CHAT, "hello")

    assert caught.value.error_code in (400, 403)
    assert fake_telegram.sent() == []


def test_a_blocked_chat_stays_blocked(fake_telegram):
    fake_telegram.blocked_chats.add(CHAT)

    with pytest.raises(TelegramChatGone, match="bot was blocked by the user"):
        telegram.send_message(CHAT, "hello")
    telegram.send_message(CHAT + 1, "to someone else")

    assert fake_telegram.sent_texts() == ["to someone else"]


def test_another_bad_request_is_refused_with_telegrams_words(fake_telegram):
    fake_telegram.fail_next("sendMessage", "bad_request")

    with pytest.raises(TelegramRefused) as caught:
        telegram.send_message(CHAT, "hello")

    assert caught.value.error_code == 400
    assert caught.value.description == "Bad Request: message text is empty"


def test_a_text_over_telegrams_limit_is_refused(fake_telegram):
    with pytest.raises(TelegramRefused, match="message is too long"):
        telegram.send_message(CHAT, "ក" * (telegram.MESSAGE_MAX_CHARS + 1))


def test_a_bad_webhook_url_is_refused(fake_telegram):
    with pytest.raises(TelegramRefused, match="HTTPS URL"):
        telegram.set_webhook("http://portal.test/hook/", "s3cret")


def test_polling_while_a_webhook_is_set_is_refused(fake_telegram):
    telegram.set_webhook("https://portal.test/hook/", "s3cret")

    with pytest.raises(TelegramRefused) as caught:
        telegram.get_updates()

    assert caught.value.error_code == 409


def test_a_revoked_token_keeps_the_notice_owed(fake_telegram, settings, caplog):
    # Between BotFather's /revoke and the restart with the new token: retry, do not drop.
    settings.TELEGRAM_BOT_TOKEN = "123:REVOKED"

    with (
        caplog.at_level(logging.ERROR, logger="core.telegram"),
        pytest.raises(TelegramTemporary) as caught,
    ):
        telegram.send_message(CHAT, "hello")

    assert caught.value.error_code == 401
    assert "123:REVOKED" not in str(caught.value)
    assert "123:REVOKED" not in caplog.text
    assert "bot token" in caplog.text


def test_an_unknown_method_is_refused(fake_telegram):
    with pytest.raises(TelegramRefused) as caught:
        telegram.call("sendPigeon", {})
    assert caught.value.error_code == 404


@pytest.mark.parametrize("kind", ["429", "500", "not_json", "blocked", "bad_request"])
def test_the_token_is_never_in_the_error(fake_telegram, kind):
    fake_telegram.fail_next("sendMessage", kind)

    with pytest.raises(TelegramError) as caught:
        telegram.send_message(CHAT, "hello")

    text = f"{caught.value} {caught.value!r} {caught.value.description}"
    assert TOKEN not in text
    assert "TEST" not in text


def test_a_description_that_echoes_the_token_is_redacted(fake_telegram, monkeypatch):
    def answer(token, method, payload):
        return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {token}"}

    monkeypatch.setattr(fake_telegram, "_answer", answer)
    with pytest.raises(TelegramRefused) as caught:
        telegram.get_me()

    assert TOKEN not in str(caught.value)
    assert "<token>" in str(caught.value)


def test_without_a_token_nothing_is_sent(fake_telegram, settings):
    settings.TELEGRAM_BOT_TOKEN = ""

    assert telegram.bot_configured() is False
    with pytest.raises(TelegramRefused):
        telegram.send_message(CHAT, "hello")
    assert fake_telegram.calls == []


def test_bot_configured_and_deep_link(fake_telegram):
    assert telegram.bot_configured() is True
    token = telegram.start_token_make("link-registration", 7)
    assert telegram.deep_link(token) == f"https://t.me/ccc_test_bot?start={token}"


# --- start tokens ---------------------------------------------------------------------------

PURPOSE = "link-registration"
START_ALPHABET = re.compile(r"[A-Za-z0-9_-]{1,64}")


@pytest.mark.parametrize("value", [0, 1, 2**31, 2**63 - 1, 2**64 - 1])
def test_start_token_round_trip_fits_telegrams_start_parameter(value):
    token = telegram.start_token_make(PURPOSE, value)

    assert START_ALPHABET.fullmatch(token)
    assert len(token) <= telegram.START_PARAMETER_MAX_CHARS
    assert telegram.start_token_read(token, PURPOSE, max_age_seconds=60) == value


def test_a_value_out_of_range_cannot_be_signed():
    with pytest.raises(ValueError):
        telegram.start_token_make(PURPOSE, -1)
    with pytest.raises(ValueError):
        telegram.start_token_make(PURPOSE, 2**64)


def test_an_altered_start_token_is_invalid():
    token = telegram.start_token_make(PURPOSE, 12345)

    with pytest.raises(StartTokenInvalid):
        telegram.start_token_read(altered(token), PURPOSE, max_age_seconds=60)


def test_every_single_character_change_is_invalid():
    token = telegram.start_token_make(PURPOSE, 12345)
    for position in range(len(token)):
        changed = (
            token[:position] + ("B" if token[position] == "A" else "A") + token[position + 1 :]
        )
        with pytest.raises(StartTokenInvalid):
            telegram.start_token_read(changed, PURPOSE, max_age_seconds=60)


@pytest.mark.parametrize(
    "garbage", ["", "abc", "x" * 40, "!" * 40, "A" * 64, None, 12345, "AAAA" * 10 + "=="]
)
def test_garbage_is_invalid(garbage):
    with pytest.raises(StartTokenInvalid):
        telegram.start_token_read(garbage, PURPOSE, max_age_seconds=60)


def test_a_token_for_another_purpose_is_invalid():
    token = telegram.start_token_make("link-focal-person", 12345)

    with pytest.raises(StartTokenInvalid):
        telegram.start_token_read(token, PURPOSE, max_age_seconds=60)


def test_a_token_from_another_secret_key_is_invalid(settings):
    token = telegram.start_token_make(PURPOSE, 12345)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40

    with pytest.raises(StartTokenInvalid):
        telegram.start_token_read(token, PURPOSE, max_age_seconds=60)


def test_an_old_start_token_is_expired():
    made = timezone.now() - timedelta(hours=2)
    token = telegram.start_token_make(PURPOSE, 12345, now=made)

    with pytest.raises(StartTokenExpired):
        telegram.start_token_read(token, PURPOSE, max_age_seconds=3600)
    # Expired is a kind of invalid, for callers that treat them alike.
    assert issubclass(StartTokenExpired, StartTokenInvalid)
    # Within its age it reads.
    assert telegram.start_token_read(token, PURPOSE, max_age_seconds=3 * 3600) == 12345
    assert (
        telegram.start_token_read(
            token, PURPOSE, max_age_seconds=3600, now=made + timedelta(minutes=59)
        )
        == 12345
    )


# --- the fake as a process of its own (CI's real-worker test) -------------------------------


def test_the_fake_runs_as_a_process_and_records_each_call(tmp_path):
    record = tmp_path / "calls.jsonl"
    port = unused_port()
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_telegram", "--port", str(port), "--record", record],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == f"listening on http://127.0.0.1:{port}"
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage",
            data=json.dumps({"chat_id": CHAT, "text": "ជំរាបសួរ"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.load(response)["result"]["message_id"] == 1
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()

    (line,) = record.read_text(encoding="utf-8").splitlines()
    call = json.loads(line)
    assert call["method"] == "sendMessage"
    assert call["payload"] == {"chat_id": CHAT, "text": "ជំរាបសួរ"}
    assert call["status"] == 200
