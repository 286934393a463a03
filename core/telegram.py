"""A small client for the Telegram Bot API (https://core.telegram.org/bots/api), on the standard
library, and the signed tokens that link a Telegram chat to a row of ours through the bot's
deep link (t.me/<bot>?start=<token>).

Every call answers with Telegram's `result` or raises one of the `TelegramError` classes below,
each of which tells the caller what to do next:

    TelegramRetryLater  flood control (429): wait `retry_after` seconds, then try again
    TelegramTemporary   Telegram or the network is down, or the answer made no sense: try again
    TelegramChatGone    the person blocked the bot or is gone: unlink the chat, send no more
    TelegramRefused     Telegram refused this request for good (a bad request): do not retry

The bot token is part of every URL; it never appears in a log line or an exception's text.
Messages go as plain text (no parse_mode): Telegram shows them exactly as written, so nothing
needs escaping and a "<" in an event's title cannot break a notice.
"""

import base64
import binascii
import http.client
import json
import logging
import re
import struct
import urllib.error
import urllib.request

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

logger = logging.getLogger(__name__)

# Telegram's limits: https://core.telegram.org/bots/api#sendmessage and
# https://core.telegram.org/bots/features#deep-linking
MESSAGE_MAX_CHARS = 4096
START_PARAMETER_MAX_CHARS = 64
DEFAULT_RETRY_AFTER_SECONDS = 30

# The answers (403, or 400 for the last) that mean the chat will never take a message again.
_CHAT_GONE = (
    "bot was blocked by the user",
    "user is deactivated",
    "chat not found",
    "bot was kicked",
    "bot can't initiate conversation",
)


class TelegramError(Exception):
    """Base class. `error_code` is Telegram's (or the HTTP status; None without an answer),
    `description` its own words ("Forbidden: bot was blocked by the user")."""

    def __init__(self, description, *, error_code=None):
        super().__init__(description)
        self.description = description
        self.error_code = error_code


class TelegramRetryLater(TelegramError):
    """Flood control (HTTP 429): try again after `retry_after` seconds (an int)."""

    def __init__(self, description, *, retry_after, error_code=429):
        super().__init__(description, error_code=error_code)
        self.retry_after = retry_after


class TelegramTemporary(TelegramError):
    """Telegram answered 5xx, could not be reached in time, or gave an answer that is not the
    Bot API's JSON. Nothing was lost: try again later."""


class TelegramChatGone(TelegramError):
    """The person blocked the bot, deleted their account, or the chat does not exist."""


class TelegramRefused(TelegramError):
    """Any other 4xx: the request itself is wrong (message too long, bad URL); retrying the
    same request gets the same answer."""


class StartTokenInvalid(ValueError):
    """Not a token we signed for this purpose (altered, truncated, or another purpose's)."""


class StartTokenExpired(StartTokenInvalid):
    """A genuine token, but older than the reader accepts."""


# --- Bot API calls -------------------------------------------------------------------------


def bot_configured():
    """True when a bot token is set; without one the Telegram option is hidden."""
    return bool(settings.TELEGRAM_BOT_TOKEN)


def _redact(text):
    token = settings.TELEGRAM_BOT_TOKEN
    return text.replace(token, "<token>") if token else text


def _url(method, *, token):
    return f"{settings.TELEGRAM_API_BASE_URL.rstrip('/')}/bot{token}/{method}"


def call(method, payload=None, *, timeout=10):
    """POST `payload` as JSON to the Bot API method `method` ("sendMessage") and return the
    answer's `result`. Raises a `TelegramError` subclass otherwise (see the module docstring);
    none of them carries the token, nor chains an exception that does."""
    if not bot_configured():
        raise TelegramRefused("TELEGRAM_BOT_TOKEN is not set")
    where = _url(method, token="<token>")
    request = urllib.request.Request(
        _url(method, token=settings.TELEGRAM_BOT_TOKEN),
        data=json.dumps(payload or {}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    status, headers, body = None, {}, b""
    failure = None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        # A 4xx or 5xx still carries the Bot API's JSON, which says what went wrong.
        try:
            status, headers, body = error.code, error.headers, error.read()
        except (OSError, http.client.HTTPException) as read_error:
            failure = f"HTTP {error.code}, body unreadable: {read_error}"
        finally:
            error.close()
    except (OSError, http.client.HTTPException) as error:
        # Refused connection, DNS failure, timeout, dropped connection, truncated answer.
        failure = str(getattr(error, "reason", None) or error) or type(error).__name__
    if failure is not None:
        message = _redact(f"{where} unreachable: {failure}")
        logger.warning("Telegram %s", message)
        raise TelegramTemporary(message) from None
    return _result(method, where, status, headers, body)


def _result(method, where, status, headers, body):
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or "ok" not in answer:
        # A proxy's error page, a captive portal, an outage page: not the Bot API speaking.
        message = _redact(f"{where} answered HTTP {status} without Bot API JSON: {body[:200]!r}")
        logger.warning("Telegram %s", message)
        raise TelegramTemporary(message, error_code=status)
    if answer["ok"] is True:
        return answer.get("result")

    code = answer.get("error_code") or status
    description = _redact(str(answer.get("description") or f"HTTP {status}"))
    if code == 429:
        raise TelegramRetryLater(
            description, retry_after=_retry_after(answer, headers), error_code=code
        )
    if not isinstance(code, int) or code >= 500:
        logger.warning("Telegram %s failed: %s", method, description)
        raise TelegramTemporary(description, error_code=code)
    if code == 401:
        # The token was revoked or mistyped: the notice is fine, our configuration is not.
        # Keep it owed until the operator sets the new token (docs/operations.md).
        logger.error("Telegram refused the bot token (401): %s", description)
        raise TelegramTemporary(description, error_code=code)
    if code in (400, 403) and any(words in description.lower() for words in _CHAT_GONE):
        raise TelegramChatGone(description, error_code=code)
    raise TelegramRefused(description, error_code=code)


def _retry_after(answer, headers):
    """Seconds to wait, from the answer's parameters.retry_after, else the Retry-After header,
    else DEFAULT_RETRY_AFTER_SECONDS."""
    parameters = answer.get("parameters")
    candidates = [
        parameters.get("retry_after") if isinstance(parameters, dict) else None,
        headers.get("Retry-After") if headers else None,
    ]
    for candidate in candidates:
        try:
            seconds = int(candidate)
        except (TypeError, ValueError):
            continue
        if seconds >= 0:
            return seconds
    return DEFAULT_RETRY_AFTER_SECONDS


def send_message(chat_id, text, *, link_url=None, link_label=None, timeout=10):
    """Send `text` as plain text (no parse_mode: shown exactly as written, nothing to escape),
    with, when `link_url` is given, one button under it labelled `link_label` that opens that
    URL. Returns Telegram's Message (a dict with "message_id")."""
    if bool(link_url) != bool(link_label):
        raise ValueError("link_url and link_label go together")
    payload = {
        "chat_id": chat_id,
        "text": text,
        # The button is the link: no preview card of the portal under every notice.
        "link_preview_options": {"is_disabled": True},
    }
    if link_url:
        payload["reply_markup"] = {"inline_keyboard": [[{"text": link_label, "url": link_url}]]}
    return call("sendMessage", payload, timeout=timeout)


def set_webhook(url, secret_token, *, allowed_updates=("message",)):
    """Have Telegram POST updates to `url` with the header X-Telegram-Bot-Api-Secret-Token:
    `secret_token`. Pending updates are kept (delivered to the new URL)."""
    return call(
        "setWebhook",
        {"url": url, "secret_token": secret_token, "allowed_updates": list(allowed_updates)},
    )


def delete_webhook(*, drop_pending_updates=False):
    """Stop the webhook (getUpdates works again). Pending updates are kept unless told."""
    return call("deleteWebhook", {"drop_pending_updates": drop_pending_updates})


def get_webhook_info():
    """The webhook as Telegram sees it: url, pending_update_count, last_error_message ..."""
    return call("getWebhookInfo")


def get_updates(offset=None, timeout=0):
    """Updates not yet confirmed, oldest first (a list of dicts). Passing `offset` = the last
    handled update_id + 1 confirms everything before it. `timeout` is Telegram's long-poll wait
    in seconds; the HTTP request waits that long plus a margin."""
    payload = {"timeout": timeout, "allowed_updates": ["message"]}
    if offset is not None:
        payload["offset"] = offset
    return call("getUpdates", payload, timeout=timeout + 10)


def get_me():
    """The bot itself: id, username, first_name (a dict)."""
    return call("getMe")


def deep_link(start_token):
    """The link that opens a chat with our bot and sends it "/start <start_token>"."""
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={start_token}"


# --- Signed start tokens -------------------------------------------------------------------
# value (8 bytes) + issue time (4 bytes, seconds since 1970) + HMAC-SHA256 truncated to 18
# bytes: 30 bytes, exactly 40 base64url characters, no padding, well under Telegram's 64.
_PAYLOAD = struct.Struct(">QI")
_MAC_BYTES = 18
_TOKEN_CHARS = 4 * (_PAYLOAD.size + _MAC_BYTES) // 3
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]+")


def _start_token_mac(purpose, payload):
    # The purpose is in the salt: a token made for one purpose never reads as another's.
    salt = f"core.telegram.start_token:{purpose}"
    return salted_hmac(salt, payload, algorithm="sha256").digest()[:_MAC_BYTES]


def start_token_make(purpose, value, *, now=None):
    """A token of 40 characters [A-Za-z0-9_-] that carries `value` (an int, 0 <= value <
    2**64) and the time it was made, signed with SECRET_KEY for `purpose` alone."""
    if not purpose:
        raise ValueError("a start token needs a purpose")
    if not 0 <= value < 2**64:
        raise ValueError("a start token carries an int from 0 to 2**64 - 1")
    issued = int((now or timezone.now()).timestamp())
    payload = _PAYLOAD.pack(value, issued)
    token = base64.urlsafe_b64encode(payload + _start_token_mac(purpose, payload))
    return token.decode("ascii").rstrip("=")


def start_token_read(token, purpose, *, max_age_seconds, now=None):
    """The value signed into `token` for `purpose`. Raises StartTokenInvalid unless the token
    is exactly one we made for this purpose, and StartTokenExpired (a StartTokenInvalid) when
    it is older than `max_age_seconds`."""
    if (
        not isinstance(token, str)
        or len(token) != _TOKEN_CHARS
        or not _TOKEN_PATTERN.fullmatch(token)
    ):
        raise StartTokenInvalid("not a start token")
    try:
        raw = base64.urlsafe_b64decode(token)
    except (binascii.Error, ValueError):
        raise StartTokenInvalid("not a start token") from None
    payload, mac = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    if not constant_time_compare(mac, _start_token_mac(purpose, payload)):
        raise StartTokenInvalid("bad signature")
    value, issued = _PAYLOAD.unpack(payload)
    age = int((now or timezone.now()).timestamp()) - issued
    if age > max_age_seconds:
        raise StartTokenExpired(f"issued {age} seconds ago")
    return value
