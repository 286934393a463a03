"""The outbox: every email the portal owes is a row in the database (a model built on
core.models.OutboxRow), and Celery only carries the rows out. Nothing here knows what the
emails are about: each app hands in its model and a function that builds a row's email.

- A row is claimed before it is sent: a conditional UPDATE stamped with a fresh token (and
  SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL), so two workers never send the same row.
- A worker renews its claim as it works through a batch. A claim not renewed for
  OUTBOX_CLAIM_TIMEOUT_SECONDS was left by a worker that died, and the next sweep takes it over.
- A batch goes out over SMTP_CONNECTIONS connections at once (threads, each with its share).
  Rows are marked sent a few at a time, in one UPDATE each (at most MARK_SENT_EVERY messages
  per connection, or MARK_SENT_SECONDS after the first unmarked one, and always before the
  batch ends, however it ends): a row is marked sent only once the server has accepted its
  message, and a worker killed outright sends again at most the MARK_SENT_EVERY *
  SMTP_CONNECTIONS (20) messages the server had accepted but it had not yet marked.
- The mail server's answer decides what follows a failed send (RFC 5321, 4.2.1): a temporary
  refusal (4xx) or a connection that fails is tried again later, with a delay that doubles
  (OUTBOX_RETRY_BASE_SECONDS), and the row fails after MAX_ATTEMPTS; a permanent refusal (5xx)
  fails the row at once. The row keeps the server's words for staff, who can send it again.
"""

import contextlib
import datetime
import logging
import smtplib
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from celery.exceptions import SoftTimeLimitExceeded
from django import db
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_ATTEMPTS = 5
# Sent rows are marked in one UPDATE per this many messages of a connection, or once the first
# unmarked one is this old: one UPDATE a row cost as much as the send itself. The trade: a
# worker killed outright (SIGKILL, power lost) sends again at most this many messages per
# connection, instead of one.
MARK_SENT_EVERY = 10
MARK_SENT_SECONDS = 0.2
# A worker's batch goes out over this many SMTP connections at once, each in a thread of its
# own with its share of the rows (deliver): one connection spends most of its time waiting for
# the server's replies. So a worker killed outright sends again at most
# MARK_SENT_EVERY * SMTP_CONNECTIONS messages (20).
SMTP_CONNECTIONS = 2
# A batch renews its claim this many times per claim timeout, so a live worker's claim never
# goes stale even when one message takes a while.
RENEWALS_PER_TIMEOUT = 3
ERROR_MAX_LENGTH = 1000

# What a failed send means for its row.
RETRY = "retry"  # a temporary refusal (4xx): this row is tried again later
REFUSED = "refused"  # a permanent refusal (5xx): this row fails now
CONNECTION = "connection"  # no answer about this message: the rest of the batch waits too


def claim_timeout():
    """How long a claim lasts without renewal (OUTBOX_CLAIM_TIMEOUT_SECONDS, 60 by default)."""
    return datetime.timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)


def retry_delay(attempts):
    """1, 2, 4, 8 … minutes (OUTBOX_RETRY_BASE_SECONDS) after each failed attempt."""
    base = datetime.timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS)
    return base * (2 ** max(attempts - 1, 0))


def claimable_parts(model, now):
    """Rows that may be taken now: claimed by a worker that went away, and pending and due."""
    Status = model.Status
    return [
        Q(status=Status.CLAIMED, claimed_at__lt=now - claim_timeout()),
        Q(status=Status.PENDING, next_attempt_at__lte=now),
    ]


def claimable(model, now):
    """Rows that may be taken now (claimable_parts, either one)."""
    stale, due = claimable_parts(model, now)
    return stale | due


def claimable_exists(model, now=None):
    return model.objects.filter(claimable(model, now or timezone.now())).exists()


def claim_batch(model, *, now=None, limit=BATCH_SIZE, queryset=None):
    """Claim up to `limit` rows for this caller; returns (token, ids).

    On PostgreSQL, concurrent callers skip each other's locked rows; everywhere, the claim is
    a conditional UPDATE stamped with a fresh token, so a row can only be claimed by one caller
    even where row locks do not exist (SQLite).
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    rows = queryset if queryset is not None else model.objects.all()
    with transaction.atomic():
        ids = []
        # One query a part, each read in order from the (status, next_attempt_at) index and
        # stopped at the limit. With the parts ORed, or a tie-break on pk (a sweep writes a
        # whole event's reminders with one next_attempt_at), PostgreSQL read and sorted every
        # pending row for each batch (17 ms a claim with 13,000 owed, more with more).
        for part in claimable_parts(model, now):
            if len(ids) < limit:
                ids += (
                    rows.filter(part)
                    .select_for_update(skip_locked=True)
                    .order_by("next_attempt_at")
                    .values_list("pk", flat=True)[: limit - len(ids)]
                )
        if not ids:
            return token, []
        model.objects.filter(claimable(model, now), pk__in=ids).update(
            status=model.Status.CLAIMED, claimed_at=now, claim_token=token
        )
    # pk__in first: claim_token has no index, and the table keeps every row ever sent.
    claimed = list(model.objects.filter(pk__in=ids, claim_token=token).values_list("pk", flat=True))
    return token, claimed


def refresh_claim(model, ids, token):
    """Renew a claim (a worker still at work); returns the ids that are still ours."""
    still_ours = model.objects.filter(pk__in=ids, claim_token=token, status=model.Status.CLAIMED)
    still_ours.update(claimed_at=timezone.now())
    return list(still_ours.values_list("pk", flat=True))


def mark_sent(model, pk, token):
    return mark_sent_many(model, [pk], token)


def mark_sent_many(model, pks, token):
    """Mark rows whose messages the server accepted as sent, in one UPDATE; rows taken over by
    another worker meanwhile are left alone. Returns how many were marked."""
    return model.objects.filter(pk__in=pks, claim_token=token, status=model.Status.CLAIMED).update(
        status=model.Status.SENT, sent_at=timezone.now(), error=""
    )


class SentMarks:
    """The rows of a batch whose messages the server accepted, marked sent a few at a time
    (MARK_SENT_EVERY, MARK_SENT_SECONDS): `add` after each accepted message, `flush` before
    the batch ends. Never holds more than MARK_SENT_EVERY unmarked rows."""

    def __init__(self, model, token):
        self.model, self.token = model, token
        self.pks = []
        self.since = None

    def add(self, pk):
        self.pks.append(pk)
        if self.since is None:
            self.since = time.monotonic()
        if len(self.pks) >= MARK_SENT_EVERY:
            self.flush()

    def flush_if_due(self):
        """Before a send that may take a while: mark what has waited MARK_SENT_SECONDS."""
        if self.pks and time.monotonic() - self.since >= MARK_SENT_SECONDS:
            self.flush()

    def flush(self):
        if self.pks:
            mark_sent_many(self.model, self.pks, self.token)
        self.pks, self.since = [], None


def mark_skipped(model, pk, token):
    return model.objects.filter(pk=pk, claim_token=token, status=model.Status.CLAIMED).update(
        status=model.Status.SKIPPED, error=""
    )


def mark_failed_attempt(model, row, token, error, *, permanent=False):
    """Count a failed attempt: back to pending with a delay, or failed for good (a permanent
    refusal, or the last attempt). Returns the row's new status."""
    attempts = row.attempts + 1
    changes = {"attempts": attempts, "error": str(error)[:ERROR_MAX_LENGTH]}
    if permanent or attempts >= MAX_ATTEMPTS:
        changes["status"] = model.Status.FAILED
    else:
        changes["status"] = model.Status.PENDING
        changes["next_attempt_at"] = timezone.now() + retry_delay(attempts)
    model.objects.filter(pk=row.pk, claim_token=token, status=model.Status.CLAIMED).update(
        **changes
    )
    return changes["status"]


def resend(rows) -> int:
    """Staff send emails again (failed ones, usually): back to pending, attempts reset, for
    the next sweep. Rows still pending or being sent are left alone. Returns how many."""
    Status = rows.model.Status
    return rows.exclude(status__in=[Status.PENDING, Status.CLAIMED]).update(
        status=Status.PENDING,
        attempts=0,
        error="",
        next_attempt_at=timezone.now(),
        claim_token=None,
    )


def _words(text):
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)


def smtp_verdict(error):
    """What an error from sending one message means for its row, and the words to keep:
    (RETRY, REFUSED or CONNECTION, "550 5.1.1 No such user")."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [
            (code, address, _words(text)) for address, (code, text) in error.recipients.items()
        ]
        code = min(code for code, _address, _text in answers)  # one temporary: worth a retry
        if len(answers) == 1:
            words = f"{answers[0][0]} {answers[0][2]}"
        else:
            words = "; ".join(f"{address}: {code} {text}" for code, address, text in answers)
    elif isinstance(error, smtplib.SMTPResponseException):
        code, words = error.smtp_code, f"{error.smtp_code} {_words(error.smtp_error)}"
    else:  # refused connection, timeout, dropped connection: no answer about this message
        return CONNECTION, f"{type(error).__name__}: {error}"
    connection_answers = (smtplib.SMTPConnectError, smtplib.SMTPHeloError)
    # 421: the server is closing the connection, so the next messages would fail as well.
    if code == 421 or isinstance(error, connection_answers):
        return CONNECTION, words
    return (REFUSED if 500 <= code <= 599 else RETRY), words


def deliver_claimed(model, ids, token, build_message, *, prepare=None):
    """Send the claimed rows over one SMTP connection; returns counts by outcome
    ({"sent", "retry", "failed", "skipped"}).

    `build_message(row)` returns an EmailMessage, or None when the email is no longer owed
    (a registration cancelled since, an event that has started): such rows are closed unsent.
    `prepare(rows)`, when given, returns the `build_message` for this batch, having loaded
    once what its rows share (which are still owed, the parts that are the same for all).
    The claim is renewed as the batch goes on; a row taken over meanwhile is left to its new
    owner. When the connection fails, every row not yet sent counts a failed attempt. Sent
    rows are marked a few at a time (SentMarks), and all of them before this returns or raises.
    """
    counts = dict.fromkeys(("sent", RETRY, "failed", "skipped"), 0)
    rows = list(
        model.objects.for_delivery()
        .filter(pk__in=ids, claim_token=token, status=model.Status.CLAIMED)
        .order_by("pk")
    )

    def failed_attempt(row, error, permanent=False):
        status = mark_failed_attempt(model, row, token, error, permanent=permanent)
        counts["failed" if status == model.Status.FAILED else RETRY] += 1

    if not rows:
        return counts
    if prepare is not None:
        build_message = prepare(rows)
    connection = get_connection()
    try:
        connection.open()
    except OSError as error:  # smtplib's errors are OSErrors too
        _verdict, words = smtp_verdict(error)
        logger.warning("Mail server unreachable for %s %s: %s", model.__name__, ids, words)
        for row in rows:
            failed_attempt(row, words)
        return counts
    renew_every = claim_timeout().total_seconds() / RENEWALS_PER_TIMEOUT
    renewed_at = time.monotonic()
    ours = {row.pk for row in rows}
    marks = SentMarks(model, token)
    try:
        for index, row in enumerate(rows):
            marks.flush_if_due()
            if time.monotonic() - renewed_at >= renew_every:
                ours = set(refresh_claim(model, [r.pk for r in rows[index:]], token))
                renewed_at = time.monotonic()
            if row.pk not in ours:
                continue  # taken over while this worker was stuck: the new owner sends it
            try:
                message = build_message(row)
            except SoftTimeLimitExceeded:
                raise
            except Exception as error:  # a row that cannot be built must not block the rest
                logger.exception("Building %s %s failed", model.__name__, row.pk)
                failed_attempt(row, f"{type(error).__name__}: {error}")
                continue
            if message is None:
                mark_skipped(model, row.pk, token)
                counts["skipped"] += 1
                continue
            message.connection = connection
            try:
                message.send()
            except OSError as error:
                verdict, words = smtp_verdict(error)
                logger.warning("Sending %s %s failed: %s", model.__name__, row.pk, words)
                if verdict == CONNECTION:
                    for waiting in rows[index:]:
                        if waiting.pk in ours:
                            failed_attempt(waiting, words)
                    break
                failed_attempt(row, words, permanent=verdict == REFUSED)
                continue
            marks.add(row.pk)
            counts["sent"] += 1
    finally:
        # Whatever ended the batch (the end, a time limit, an error), what the server accepted
        # is marked now; only a worker killed outright leaves some unmarked (MARK_SENT_EVERY).
        try:
            marks.flush()
        finally:
            with contextlib.suppress(OSError):  # the outcome of every row is recorded
                connection.close()
    return counts


def deliver(model, build_message, *, ids=None, token=None, prepare=None, connections=1):
    """Send owed rows of `model`; returns counts by outcome (see deliver_claimed, and there
    for `prepare`).

    With `connections` above 1, a batch big enough is shared among that many SMTP
    connections, each in its own thread (deliver_shared).

    With `token`, the rows in `ids` were claimed for this caller (by a sweep): what is still
    ours is renewed and sent. Without it, up to BATCH_SIZE rows are claimed here: those in
    `ids`, or any that are owed. Safe to run twice: a row is sent under one claim only.
    """
    if token is None:
        queryset = model.objects.filter(pk__in=ids) if ids else None
        token, ids = claim_batch(model, queryset=queryset)
    else:
        ids = refresh_claim(model, ids, token)
    if connections > 1 and len(ids) >= 2 * MARK_SENT_EVERY:
        return deliver_shared(model, ids, token, build_message, prepare, connections)
    return deliver_claimed(model, ids, token, build_message, prepare=prepare)


def deliver_shared(model, ids, token, build_message, prepare, connections):
    """deliver_claimed for `connections` shares of the claimed rows at once, one thread and
    one SMTP connection each: while one waits for the server, another renders or sends.
    Each share is marked, renewed and failed on its own, under the same claim; the call
    returns (or raises) once every share is done, so all that was sent is marked by then.

    Threads have database connections of their own, which cannot see rows written by a
    transaction still open here: inside one (a test), the rows go out in this thread."""
    if transaction.get_connection().in_atomic_block:
        return deliver_claimed(model, ids, token, build_message, prepare=prepare)

    def send_share(share):
        try:
            return deliver_claimed(model, share, token, build_message, prepare=prepare)
        finally:
            db.connection.close()  # this thread's own

    shares = [ids[index::connections] for index in range(connections)]
    with ThreadPoolExecutor(max_workers=connections) as pool:
        outcomes = list(pool.map(send_share, shares))
    return {outcome: sum(counts[outcome] for counts in outcomes) for outcome in outcomes[0]}
