"""The bot's side of Telegram notices: the deep link a registrant opens, and what the bot does
with each update (from the webhook, events.telegram_views, or `manage.py telegram_poll`).

/start <token>  links the chat to the registration the signed token names (single-purpose,
                expiring: events.telegram_links.LINK_DAYS); a bad token links nothing and says so.
/always         also links the registrant's later registrations with the same address.
/stop           unlinks every registration and stops all messages to the chat.
"""

import logging

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import telegram

from .models import Registration, TelegramChat
from .telegram_links import LINK_DAYS, LINK_PURPOSE
from .telegram_outbox import telegram_chat_stop

logger = logging.getLogger(__name__)


def telegram_handle_update(update):
    """Act on one update from Telegram. Returns what was done ("linked", "refused", "always",
    "stopped", "help" or "ignored"), for tests and logs; replies go to the chat."""
    message = update.get("message") if isinstance(update, dict) else None
    if not isinstance(message, dict):
        return "ignored"
    chat_id = (message.get("chat") or {}).get("id")
    text = (message.get("text") or "").strip()
    if not isinstance(chat_id, int) or not text.startswith("/"):
        return "ignored" if not isinstance(chat_id, int) else _reply_help(chat_id)
    command, _space, argument = text.partition(" ")
    command = command.split("@", 1)[0].lower()
    if command == "/start" and argument:
        return _link(chat_id, argument.strip())
    if command == "/always":
        return _always(chat_id)
    if command == "/stop":
        chat = TelegramChat.objects.filter(chat_id=chat_id).first()
        if chat is not None:
            telegram_chat_stop(chat=chat)
        _reply(chat_id, _("Done: no more messages from CCC here. Your emails go on as before."))
        return "stopped"
    return _reply_help(chat_id)


def _link(chat_id, token):
    try:
        pk = telegram.start_token_read(token, LINK_PURPOSE, max_age_seconds=LINK_DAYS * 24 * 3600)
    except telegram.StartTokenExpired:
        _reply(chat_id, _("This link has expired. Open your registration's page for a new one."))
        return "refused"
    except telegram.StartTokenInvalid:
        _reply(chat_id, _("This link is not valid, so nothing was linked."))
        return "refused"
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update().select_related("event").filter(pk=pk).first()
        )
        if registration is None or not registration.is_active:
            _reply(chat_id, _("This registration is no longer active, so nothing was linked."))
            return "refused"
        chat, _created = TelegramChat.objects.get_or_create(chat_id=chat_id)
        if chat.stopped_at is not None:
            chat.stopped_at = None
            chat.linked_at = timezone.now()
            chat.save(update_fields=["stopped_at", "linked_at"])
        registration.telegram_chat = chat
        registration.save(update_fields=["telegram_chat", "updated_at"])
    with translation.override(registration.language):
        _reply(
            chat_id,
            _(
                "Linked: you will get the news of “%(title)s” here too, as well as by email. "
                "Send /always to get them here for your later registrations with the same "
                "address, or /stop to stop."
            )
            % {"title": registration.event.title},
        )
    return "linked"


def _always(chat_id):
    chat = TelegramChat.objects.filter(chat_id=chat_id, stopped_at__isnull=True).first()
    latest = chat and chat.registrations.order_by("-created_at").first()
    if latest is None:
        _reply(chat_id, _("First open the Telegram link on your registration's page."))
        return "refused"
    chat.future_email = latest.email
    chat.save(update_fields=["future_email"])
    with translation.override(latest.language):
        _reply(
            chat_id, _("Done: your later registrations with the same address will come here too.")
        )
    return "always"


def _reply_help(chat_id):
    _reply(
        chat_id,
        _(
            "This is CCC's bot for event notices. Open the Telegram link on your registration's "
            "page to get its news here; /stop stops all messages."
        ),
    )
    return "help"


def _reply(chat_id, text):
    """Answer in the chat now; a failure is logged, never raised (the update is handled)."""
    try:
        telegram.send_message(chat_id, str(text), timeout=5)
    except telegram.TelegramChatGone:
        chat = TelegramChat.objects.filter(chat_id=chat_id).first()
        if chat is not None:
            telegram_chat_stop(chat=chat)
    except telegram.TelegramError as error:
        logger.warning("Could not answer Telegram chat: %s", error)


def telegram_unlink(*, registration):
    """The registrant's own "stop Telegram messages" for this registration."""
    Registration.objects.filter(pk=registration.pk).update(telegram_chat=None)


def telegram_chat_for_email(email):
    """A chat whose owner asked for their later registrations with `email` (or None)."""
    if not telegram.bot_configured():
        return None
    return (
        TelegramChat.objects.filter(future_email__iexact=email, stopped_at__isnull=True)
        .order_by("-linked_at")
        .first()
    )
