"""Sent rows marked a few at a time, and reminder batches that ask "still owed?" once: what a
worker killed mid-batch sends again (at most outbox.MARK_SENT_EVERY), that no row is marked
sent unless the server accepted its message, and that a batch no longer costs a query a row.
A real SMTP server on loopback, in this process (no Redis, no worker)."""

import datetime
import email
import re
import threading
import time
from email import policy

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import signing
from django.core.mail.backends.smtp import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from core import outbox
from events.delivery import BATCH_PREPARE, OUTBOXES
from events.emails import MARKERS, REMINDER, ReminderFrame, notice_email, registration_email
from events.models import Registration, RegistrationNotice, ReminderDelivery, ReminderRule
from events.services import reminders_schedule
from tests.factories import EventFactory, RegistrationFactory
from tests.smtp import NO_SUCH_USER, TRY_LATER, smtp_server

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs in the dead worker (see `killed_after`)."""


@pytest.fixture
def smtp(settings):
    with smtp_server(settings) as handler:
        yield handler


def confirmations(count):
    notices = [
        RegistrationNotice.objects.create(registration=RegistrationFactory(), kind="confirmed")
        for _ in range(count)
    ]
    return notices, [notice.registration.email for notice in notices]


def statuses(model=RegistrationNotice):
    return dict(model.objects.values_list("registration__email", "status"))


def killed_after(sends, monkeypatch):
    """A build function whose worker dies outright as it builds message `sends` + 1: from then
    on nothing of the dead worker runs, not even its pending marks (a real SIGKILL skips the
    `finally` that marks them)."""
    built = []
    dead = []
    flush = outbox.SentMarks.flush

    def flush_unless_dead(self):
        if not dead:
            flush(self)

    monkeypatch.setattr(outbox.SentMarks, "flush", flush_unless_dead)

    def build(notice):
        if len(built) == sends:
            dead.append(True)
            raise WorkerKilled
        built.append(notice.pk)
        return notice_email(notice)

    return build


@pytest.mark.parametrize("sends", [1, outbox.MARK_SENT_EVERY - 1, outbox.MARK_SENT_EVERY + 7])
def test_a_worker_killed_mid_batch_sends_again_at_most_mark_sent_every(
    smtp, monkeypatch, settings, sends
):
    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 60
    notices, emails = confirmations(outbox.MARK_SENT_EVERY + 10)
    with pytest.raises(WorkerKilled):
        outbox.deliver(RegistrationNotice, killed_after(sends, monkeypatch))
    monkeypatch.undo()
    accepted = set(smtp.counts)
    assert len(accepted) == sends
    # No row is marked sent whose message the server did not accept.
    marked = {email for email, status in statuses().items() if status == "sent"}
    assert marked <= accepted
    assert len(accepted - marked) <= outbox.MARK_SENT_EVERY
    # The dead worker's claim goes stale; the next worker sends what is not marked.
    later = timezone.now() + outbox.claim_timeout() + datetime.timedelta(seconds=1)
    token, ids = outbox.claim_batch(RegistrationNotice, now=later)
    outbox.deliver(RegistrationNotice, notice_email, ids=ids, token=token)
    assert set(statuses().values()) == {"sent"}
    counts = smtp.counts
    assert set(counts) == set(emails)  # none lost
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates == len(accepted - marked) <= outbox.MARK_SENT_EVERY


def test_only_messages_the_server_accepted_are_marked_sent(smtp):
    notices, emails = confirmations(30)
    smtp.refuse = {emails[3]: NO_SUCH_USER, emails[17]: NO_SUCH_USER}
    smtp.answers = ["250 OK"] * 5 + [TRY_LATER]  # the 6th message that reaches DATA waits
    counts = outbox.deliver(RegistrationNotice, notice_email)
    assert counts == {"sent": 27, "retry": 1, "failed": 2, "skipped": 0}
    rows = statuses()
    assert {e for e, s in rows.items() if s == "sent"} == set(smtp.counts)
    assert rows[emails[3]] == rows[emails[17]] == "failed"
    assert list(rows.values()).count("pending") == 1


def test_a_batch_stopped_by_its_time_limit_marks_what_was_accepted(smtp):
    notices, emails = confirmations(12)
    built = []

    def build(notice):
        if len(built) == 7:
            raise SoftTimeLimitExceeded
        built.append(notice.pk)
        return notice_email(notice)

    with pytest.raises(SoftTimeLimitExceeded):
        outbox.deliver(RegistrationNotice, build)
    rows = statuses()
    assert {e for e, s in rows.items() if s == "sent"} == set(smtp.counts) == set(emails[:7])
    assert list(rows.values()).count("claimed") == 5  # taken over once the claim is stale


def test_marks_wait_no_longer_than_mark_sent_seconds(smtp, monkeypatch):
    monkeypatch.setattr(outbox, "MARK_SENT_SECONDS", 0)  # every send's mark is due at once
    confirmations(5)
    updates = []
    mark_sent_many = outbox.mark_sent_many
    monkeypatch.setattr(
        outbox, "mark_sent_many", lambda *a: updates.append(len(a[1])) or mark_sent_many(*a)
    )
    outbox.deliver(RegistrationNotice, notice_email)
    assert updates == [1, 1, 1, 1, 1]


def due_reminders(count):
    """`count` confirmed registrants of an event in an hour, their two-hour reminder due."""
    now = timezone.now()
    event = EventFactory(starts_at=now + datetime.timedelta(hours=1))
    ReminderRule.objects.create(event=event, offset=datetime.timedelta(hours=2))
    registrations = RegistrationFactory.create_batch(
        count, event=event, status="confirmed", created_at=now - datetime.timedelta(days=3)
    )
    assert reminders_schedule() == count
    return event, registrations


def deliver_reminders():
    model, build = OUTBOXES["reminder"]
    return outbox.deliver(model, build, prepare=BATCH_PREPARE["reminder"])


def test_a_reminder_batch_costs_a_few_queries_not_some_a_reminder(smtp):
    _event, registrations = due_reminders(60)
    with CaptureQueriesContext(connection) as queries:
        counts = deliver_reminders()
    assert counts["sent"] == 60
    assert smtp.counts == {r.email: 1 for r in registrations}
    # Claim (stale claims, then due rows), load, one "still owed?" and an UPDATE per
    # MARK_SENT_EVERY: not 2 a reminder.
    assert len(queries) <= 8 + 60 // outbox.MARK_SENT_EVERY
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_reminder_batch_closes_those_no_longer_owed_and_sends_the_rest(smtp):
    _event, registrations = due_reminders(4)
    cancelled = registrations[1]
    cancelled.status = "cancelled"
    cancelled.save()
    counts = deliver_reminders()
    assert counts == {"sent": 3, "retry": 0, "failed": 0, "skipped": 1}
    assert cancelled.email not in smtp.counts
    assert ReminderDelivery.objects.get(registration=cancelled).status == "skipped"


def test_reminders_of_an_event_that_has_started_are_not_sent(smtp):
    event, _registrations = due_reminders(3)
    event.starts_at = timezone.now() - datetime.timedelta(minutes=1)
    event.save(update_fields=["starts_at"])
    assert deliver_reminders()["skipped"] == 3
    assert smtp.received == []


@pytest.mark.parametrize("language", ["km", "en"])
def test_a_reminder_rendered_once_per_group_reads_as_if_rendered_for_each(language, monkeypatch):
    """The batch's shortcut (ReminderFrame) gives each reader the very email rendered for them
    alone: their name (escaped in the HTML) and their own links, in their language."""
    # Links are signed with the second they are made in: both renderings sign in the same one,
    # so that a second turning between them does not tell them apart.
    second = signing.b62_encode(int(time.time()))
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda signer: second)
    now = timezone.now()
    event = EventFactory(starts_at=now + datetime.timedelta(hours=1), online_url="https://x.test/j")
    names = ["Sok & <Dara>", 'Chan "Vicheka"', "សុខ ចាន់ថា", "O'Neil"]
    registrations = [
        RegistrationFactory(event=event, status="confirmed", language=language, full_name=name)
        for name in names
    ]
    frame = ReminderFrame(registrations[0], now)
    for registration in registrations:
        batched = frame.email_for(registration)
        alone = registration_email(registration, REMINDER, now)
        assert (batched.subject, batched.from_email, batched.to) == (
            alone.subject,
            alone.from_email,
            alone.to,
        )
        assert batched.body == alone.body
        assert batched.alternatives == alone.alternatives
        assert not any(marker in batched.body for marker in MARKERS.values())
        assert registration.full_name in batched.body
        assert escape(registration.full_name) in batched.alternatives[0][0]
        # What the SMTP backend sends: the frame's bytes with this reader's values put in.
        assert batched.prepared is not None
        assert readable(batched.prepared.data) == readable(alone.message().as_bytes())


def readable(data):
    """What a mail app shows of a message: its headers but those of each message (and the
    MIME boundary), and its decoded text and HTML."""
    message = email.message_from_bytes(data, policy=policy.default)
    own = {"Date", "Message-ID", "Content-Type"}
    return {
        "type": message.get_content_type(),
        "headers": [(k, v) for k, v in message.items() if k not in own],
        "text": message.get_body(("plain",)).get_content().replace("\r\n", "\n"),
        "html": message.get_body(("html",)).get_content().replace("\r\n", "\n"),
    }


def test_reminders_go_out_as_each_reader_s_own_email(smtp, monkeypatch):
    """Through the outbox and a real SMTP server, from the frame's bytes (Django builds none of
    them): each reminder goes once to its reader, names them, in their language, with their
    own links in the text and the HTML, and no marker is left."""
    built_by_django = []
    monkeypatch.setattr(
        EmailBackend, "_send", lambda backend, message: built_by_django.append(message)
    )
    _event, registrations = due_reminders(6)
    for index, registration in enumerate(registrations):
        registration.language = "km" if index % 2 else "en"
        registration.full_name = f"សុខ & Dara {index}"
        registration.save()
    assert deliver_reminders()["sent"] == 6
    assert built_by_django == []
    assert smtp.counts == {registration.email: 1 for registration in registrations}
    by_reader = {}
    for recipients, data in zip(smtp.received, smtp.contents, strict=True):
        message = email.message_from_bytes(data, policy=policy.default)
        assert message["To"] == recipients  # the envelope's recipient is the header's
        by_reader[message["To"]] = readable(data)
    for registration in registrations:
        got = by_reader[registration.email]
        assert f"{registration.full_name}" in got["text"]
        assert escape(registration.full_name) in got["html"]
        for part in ("text", "html"):
            links = rf"/{registration.language}/registrations/([^/]+)/"
            tokens = re.findall(links, got[part])
            assert len(tokens) == 2  # the registrant's page and the cancel link
            assert {Registration.public_id_from_token(token) for token in tokens} == {
                registration.public_id
            }
        assert "@@ccc-" not in got["text"] + got["html"]


@pytest.mark.django_db(transaction=True)
def test_a_batch_shared_among_connections_sends_each_once_and_marks_all(smtp):
    notices, emails = confirmations(outbox.BATCH_SIZE)
    threads = set()

    def build(notice):
        threads.add(threading.get_ident())
        return notice_email(notice)

    counts = outbox.deliver(RegistrationNotice, build, connections=outbox.SMTP_CONNECTIONS)
    assert counts == {"sent": outbox.BATCH_SIZE, "retry": 0, "failed": 0, "skipped": 0}
    assert len(threads) == outbox.SMTP_CONNECTIONS  # each share in a thread of its own
    assert smtp.counts == dict.fromkeys(emails, 1)
    assert set(statuses().values()) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_a_shared_batch_marks_what_each_connection_sent_when_one_fails(smtp):
    notices, emails = confirmations(60)
    smtp.refuse = {emails[10]: NO_SUCH_USER}
    smtp.answers = ["250 OK"] * 30 + ["421 4.3.2 Shutting down"]
    counts = outbox.deliver(RegistrationNotice, notice_email, connections=2)
    rows = statuses()
    assert {e for e, s in rows.items() if s == "sent"} == set(smtp.counts)
    # The connection told 421 holds the rest of its share; the other sends all of its own.
    assert 30 <= counts["sent"] == len(smtp.counts) < 60 - 1
    assert rows[emails[10]] == "failed"
    assert counts["retry"] == list(rows.values()).count("pending") == 60 - counts["sent"] - 1
    assert max(smtp.counts.values()) == 1


def test_inside_a_transaction_a_batch_goes_out_in_this_thread(smtp):
    """Threads' own database connections would not see rows this transaction wrote."""
    _notices, emails = confirmations(50)
    counts = outbox.deliver(RegistrationNotice, notice_email, connections=2)
    assert counts["sent"] == 50
    assert smtp.counts == dict.fromkeys(emails, 1)
