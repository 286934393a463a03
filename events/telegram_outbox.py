"""Telegram notices: the outbox rows (TelegramMessage) that follow a registrant's emails to
their linked chat, their text, and the task that sends them through the Bot API.

A row is written in the same transaction as the email's row (notice_queue, reminders_schedule,
certificates), only for a registration linked to a chat that has not stopped, and only while a
bot token is configured. Sending follows core/outbox.py's claim: each row is sent under one
claim; Telegram's own answers decide what follows a failure (core.telegram): 429 waits
`retry_after`, 5xx, timeouts and answers that are not JSON are tried again with back-off, and
"blocked by the user" unlinks the chat and stops.
"""

import datetime
import logging

from celery import shared_task
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from core import outbox, telegram

from .emails import REMINDER, SUBJECTS, how_soon, registration_links
from .models import Registration, RegistrationNotice, TelegramChat, TelegramMessage

logger = logging.getLogger(__name__)

CERTIFICATE = "certificate"
SURVEY = "survey"


def telegram_queue(*, registration, kind, once_key):
    """Owe `registration`'s linked chat a message of `kind`, once per `once_key`. Call inside
    the transaction that writes the email's row; does nothing without a linked chat or a bot."""
    chat_id = registration.telegram_chat_id
    if not chat_id or not telegram.bot_configured():
        return None
    if TelegramChat.objects.filter(pk=chat_id, stopped_at__isnull=False).exists():
        return None
    message = TelegramMessage(
        registration=registration, chat_id=chat_id, kind=kind, once_key=once_key
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _deliver_soon([message.pk]))
    return message


def telegram_queue_reminders(*, deliveries):
    """The Telegram twins of reminder rows just written (bulk: ignore_conflicts keeps each
    once, however many sweeps run together)."""
    if not telegram.bot_configured() or not deliveries:
        return 0
    stopped = set(
        TelegramChat.objects.filter(
            pk__in={chat_id for _, _, chat_id in deliveries}, stopped_at__isnull=False
        ).values_list("pk", flat=True)
    )
    rows = [
        TelegramMessage(
            registration_id=registration_id,
            chat_id=chat_id,
            kind=REMINDER,
            once_key=f"reminder:{rule_id}",
        )
        for registration_id, rule_id, chat_id in deliveries
        if chat_id not in stopped
    ]
    return len(TelegramMessage.objects.bulk_create(rows, ignore_conflicts=True))


def telegram_queue_event_news(*, registrations, kind, once_key):
    """The Telegram twins of an event's change or cancellation notices (bulk, once each)."""
    return _queue_linked(registrations, kind=kind, once_key=once_key)


def telegram_queue_links(*, kind, once_key, links):
    """Messages whose button leads elsewhere than the registrant's page: `links` maps a
    registration id to its own URL (a survey's answer link, from surveys). Once each."""
    if not links:
        return 0
    registrations = Registration.objects.filter(pk__in=links)
    return _queue_linked(registrations, kind=kind, once_key=once_key, links=links)


def _queue_linked(registrations, *, kind, once_key, links=None):
    """One row for each of `registrations` linked to a chat that has not stopped (bulk; the
    unique key keeps each once)."""
    if not telegram.bot_configured():
        return 0
    linked = registrations.filter(
        telegram_chat__isnull=False, telegram_chat__stopped_at__isnull=True
    ).values_list("pk", "telegram_chat_id")
    rows = [
        TelegramMessage(
            registration_id=pk,
            chat_id=chat_id,
            kind=kind,
            once_key=once_key,
            link_url=links[pk] if links else "",
        )
        for pk, chat_id in linked
    ]
    return len(TelegramMessage.objects.bulk_create(rows, ignore_conflicts=True))


def _deliver_soon(ids):
    try:
        deliver_telegram.delay(ids)
    except Exception:  # broker unreachable: the sweep sends them
        logger.warning("Could not queue Telegram messages %s; the sweep will send them", ids)


def telegram_text(message: TelegramMessage, now=None):
    """The message's text in the registrant's language, or None when it is no longer owed (as
    its email would not be)."""
    registration = message.registration
    kind = message.kind
    if kind == REMINDER:
        if not Registration.objects.owed_reminders(now).filter(pk=registration.pk).exists():
            return None
    elif kind == SURVEY:
        if registration.status != Registration.Status.ATTENDED:
            return None
    elif kind != CERTIFICATE:
        twin = RegistrationNotice(registration=registration, kind=kind)
        if not twin.is_owed(now):
            return None
    with translation.override(registration.language):
        event = registration.event
        soon = how_soon(event.starts_at, now) if kind == REMINDER else ""
        context = {
            "registration": registration,
            "event": event,
            "kind": kind,
            "how_soon": soon,
            "position": registration.waiting_position(),
            "subject": _subject(kind, event, soon),
            "decision_reason": registration.decision_reason if registration.decided_at else "",
        }
        return render_to_string("telegram/notice.txt", context).strip()


def _subject(kind, event, soon):
    if kind == CERTIFICATE:
        return gettext("Your certificate of attendance: %(title)s") % {"title": event.title}
    if kind == SURVEY:
        return gettext("What did you think of it? %(title)s") % {"title": event.title}
    return str(SUBJECTS[kind] % {"title": event.title, "when": soon})


def _link_label(kind):
    return gettext("Answer the survey") if kind == SURVEY else gettext("Your registration")


@shared_task(acks_late=True)
def deliver_telegram(ids=None, token=None):
    """Send claimed Telegram rows (or claim up to a batch of those in `ids`, or any owed)."""
    model = TelegramMessage
    if token is None:
        queryset = model.objects.filter(pk__in=ids) if ids else None
        token, ids = outbox.claim_batch(model, queryset=queryset)
    else:
        ids = outbox.refresh_claim(model, ids, token)
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    rows = model.objects.select_related("registration__event", "chat").filter(
        pk__in=ids, claim_token=token, status=model.Status.CLAIMED
    )
    for row in rows.order_by("pk"):
        counts[_send_one(row, token)] += 1
    if counts["sent"] and outbox.claimable_exists(model):
        deliver_telegram.delay()
    return counts


def _send_one(row, token):
    model = TelegramMessage
    if row.chat.stopped_at is not None:
        outbox.mark_skipped(model, row.pk, token)
        return "skipped"
    try:
        text = telegram_text(row)
    except Exception as error:
        logger.exception("Building Telegram message %s failed", row.pk)
        return _failed(row, token, f"{type(error).__name__}: {error}")
    if text is None:
        outbox.mark_skipped(model, row.pk, token)
        return "skipped"
    with translation.override(row.registration.language):
        link = row.link_url or registration_links(row.registration)["status_url"]
        label = _link_label(row.kind)
    try:
        telegram.send_message(row.chat.chat_id, text, link_url=link, link_label=label)
    except telegram.TelegramRetryLater as error:
        # Telegram said when: wait that long, without counting it as a failed attempt.
        model.objects.filter(pk=row.pk, claim_token=token, status=model.Status.CLAIMED).update(
            status=model.Status.PENDING,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=error.retry_after),
            error=str(error)[: outbox.ERROR_MAX_LENGTH],
        )
        return "retry"
    except telegram.TelegramChatGone as error:
        telegram_chat_stop(chat=row.chat)
        model.objects.filter(pk=row.pk, claim_token=token).update(
            status=model.Status.SKIPPED, error=str(error)[: outbox.ERROR_MAX_LENGTH]
        )
        return "skipped"
    except telegram.TelegramRefused as error:
        return _failed(row, token, error, permanent=True)
    except telegram.TelegramError as error:  # temporary: 5xx, timeout, not JSON
        logger.warning("Telegram message %s not sent: %s", row.pk, error)
        return _failed(row, token, error)
    outbox.mark_sent(model, row.pk, token)
    return "sent"


def _failed(row, token, error, permanent=False):
    status = outbox.mark_failed_attempt(TelegramMessage, row, token, error, permanent=permanent)
    return "failed" if status == TelegramMessage.Status.FAILED else "retry"


def telegram_chat_stop(*, chat):
    """The person blocked the bot or said /stop: unlink every registration, forget the address
    for later registrations, and close what is still owed to the chat."""
    with transaction.atomic():
        TelegramChat.objects.filter(pk=chat.pk).update(stopped_at=timezone.now(), future_email="")
        chat.registrations.update(telegram_chat=None)
        chat.messages.filter(status=TelegramMessage.Status.PENDING).update(
            status=TelegramMessage.Status.SKIPPED
        )
