"""The deep link that opts a registrant into Telegram notices (read by events.telegram_bot)."""

from django.conf import settings

from core import telegram

LINK_PURPOSE = "events.registration.telegram-link"
# A link from a confirmation email is good for this long (the email may be read late).
LINK_DAYS = 30


def telegram_deep_link(registration):
    """The t.me link that links `registration` to the chat where it is opened, or None when no
    bot is configured (the option is then hidden) or the registration is already linked."""
    if not telegram.bot_configured() or not settings.TELEGRAM_BOT_USERNAME:
        return None
    if registration.telegram_chat_id or not registration.is_active:
        return None
    return telegram.deep_link(telegram.start_token_make(LINK_PURPOSE, registration.pk))
