"""The outbox: emails owed to registrants are rows in the database, and Celery only carries
them out. A row is claimed before it is sent, so two workers never send the same one; a claim
left behind by a worker that died is taken over after CLAIM_TIMEOUT; a failed send is tried
again later with a growing delay, and after MAX_ATTEMPTS it is marked failed with the reason.

Used by ReminderDelivery (reminders) and RegistrationNotice (confirmations, waiting-list and
promotion notices, change and cancellation notices) alike.
"""

import datetime
import logging
import smtplib
import uuid

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_ATTEMPTS = 5
# Longer than a batch can take, so a live worker's claim is never taken over.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
# Errors about one message (a refused recipient, a 4xx/5xx to DATA): that row is tried again
# later; errors about the connection are raised for the task to retry the whole batch.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException)


def retry_delay(attempts):
    """1, 2, 4, 8 … minutes (OUTBOX_RETRY_BASE_SECONDS) after each failed attempt."""
    base = datetime.timedelta(seconds=getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 60))
    return base * (2 ** max(attempts - 1, 0))


def claimable(model, now):
    """Rows that may be taken now: pending and due, or claimed by a worker that went away."""
    Status = model.Status
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.CLAIMED, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def claimable_exists(model, now=None):
    return model.objects.filter(claimable(model, now or timezone.now())).exists()


def claim_batch(model, *, now=None, limit=BATCH_SIZE, queryset=None):
    """Claim up to `limit` rows for this caller and return their ids.

    On PostgreSQL, concurrent callers skip each other's locked rows; everywhere, the claim is
    a conditional UPDATE stamped with a fresh token, so a row can only be claimed by one caller
    even where row locks do not exist (SQLite).
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    rows = (queryset if queryset is not None else model.objects.all()).filter(claimable(model, now))
    with transaction.atomic():
        ids = list(
            rows.select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return token, []
        model.objects.filter(claimable(model, now), pk__in=ids).update(
            status=model.Status.CLAIMED, claimed_at=now, claim_token=token
        )
    claimed = list(model.objects.filter(claim_token=token).values_list("pk", flat=True))
    return token, claimed


def refresh_claim(model, ids, token):
    """Renew a claim before working on it again (a retried task); returns the ids still ours."""
    model.objects.filter(pk__in=ids, claim_token=token, status=model.Status.CLAIMED).update(
        claimed_at=timezone.now()
    )
    return list(
        model.objects.filter(
            pk__in=ids, claim_token=token, status=model.Status.CLAIMED
        ).values_list("pk", flat=True)
    )


def fail_claimed(model, ids, token, error):
    """After the last retry: what is still claimed is marked failed, with the reason."""
    return model.objects.filter(pk__in=ids, claim_token=token, status=model.Status.CLAIMED).update(
        status=model.Status.FAILED, error=str(error)[:1000]
    )


def mark_sent(model, pk, token):
    return model.objects.filter(pk=pk, claim_token=token, status=model.Status.CLAIMED).update(
        status=model.Status.SENT, sent_at=timezone.now(), error=""
    )


def mark_failed_attempt(model, row, token, error):
    """Count a failed attempt: back to pending with a delay, or failed for good."""
    attempts = row.attempts + 1
    now = timezone.now()
    if attempts >= MAX_ATTEMPTS:
        changes = {"status": model.Status.FAILED, "attempts": attempts, "error": str(error)}
    else:
        changes = {
            "status": model.Status.PENDING,
            "attempts": attempts,
            "error": str(error),
            "next_attempt_at": now + retry_delay(attempts),
        }
    model.objects.filter(pk=row.pk, claim_token=token).update(**changes)
    return changes["status"]


def deliver_claimed(model, ids, token, build_message):
    """Send the claimed rows over one SMTP connection; returns (sent, failed) counts.

    `build_message(row)` returns an EmailMessage, or None when the email is no longer owed
    (a registration cancelled since, an event that has started): such rows are closed unsent.
    A connection error is raised, leaving the rows not yet sent claimed for the retry.
    """
    rows = model.objects.for_delivery().filter(
        pk__in=ids, claim_token=token, status=model.Status.CLAIMED
    )
    sent = failed = 0
    with get_connection() as connection:
        for row in rows:
            message = build_message(row)
            if message is None:
                model.objects.filter(pk=row.pk, claim_token=token).update(
                    status=model.Status.SKIPPED, error=""
                )
                continue
            message.connection = connection
            try:
                message.send()
            except MESSAGE_ERRORS as error:
                logger.warning("Sending %s %s failed: %s", model.__name__, row.pk, error)
                mark_failed_attempt(model, row, token, error)
                failed += 1
                continue
            mark_sent(model, row.pk, token)
            sent += 1
    return sent, failed
