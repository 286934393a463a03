"""Reminders and notices through a real Celery worker on Redis into a real SMTP server on
loopback (aiosmtpd): exactly once, under concurrent sweeps, refusals and dead workers."""

import datetime
import socket
import threading
import time
from collections import Counter
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from events import outbox
from events.models import RegistrationNotice, ReminderDelivery, ReminderRule
from events.services import reminders_schedule
from events.tasks import sweep_outbox
from tests.factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
WAIT_SECONDS = 60


class RecordingHandler:
    """An SMTP server's message handler that keeps what it accepts; it can refuse the first
    `refuse_first` messages with a temporary error, as a busy server does."""

    def __init__(self, refuse_first=0):
        self.refuse_first = refuse_first
        self.refused = 0
        self.received = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refused < self.refuse_first:
                self.refused += 1
                return "451 4.3.0 Try again later"
            self.received.extend(envelope.rcpt_tos)
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(settings, handler):
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.OUTBOX_RETRY_BASE_SECONDS = 0  # retry at the next sweep, not a minute later
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker

    from ccc_portal.celery import app

    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30
    ) as running:
        yield running
    # The worker's threads leave their database connections open; close them so that the
    # test database can be dropped at the end of the run.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def wait_until_drained(*models):
    """Wait until the workers have finished what the sweep handed them (no claim in flight)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        busy = sum(model.objects.filter(status="claimed").count() for model in models)
        if busy == 0:
            return
        time.sleep(0.2)
    pytest.fail(f"outbox not drained within {WAIT_SECONDS} s")


def event_with_due_reminders(people):
    start = timezone.now() + datetime.timedelta(hours=1)
    event = EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    ReminderRule.objects.create(event=event, offset=datetime.timedelta(hours=2))
    registrations = [
        RegistrationFactory(event=event, created_at=start - datetime.timedelta(days=2))
        for _ in range(people)
    ]
    return event, registrations


def test_a_due_reminder_arrives_exactly_once(settings, worker):
    _, (registration,) = event_with_due_reminders(1)
    with smtp_server(settings, RecordingHandler()) as handler:
        sweep_outbox.delay().get(timeout=WAIT_SECONDS)
        wait_until_drained(ReminderDelivery)
        sweep_outbox.delay().get(timeout=WAIT_SECONDS)
        wait_until_drained(ReminderDelivery)
    assert handler.received == [registration.email]
    assert ReminderDelivery.objects.get().status == "sent"


def test_two_sweeps_at_the_same_moment_deliver_once(settings, worker):
    _, registrations = event_with_due_reminders(40)
    with smtp_server(settings, RecordingHandler()) as handler:
        results = [sweep_outbox.delay() for _ in range(2)]
        threads = [threading.Thread(target=sweep_outbox) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for result in results:
            result.get(timeout=WAIT_SECONDS)
        wait_until_drained(ReminderDelivery)
    assert Counter(handler.received) == Counter(r.email for r in registrations)
    assert max(Counter(handler.received).values()) == 1


def test_a_server_that_refuses_at_first_delivers_once(settings, worker):
    _, registrations = event_with_due_reminders(3)
    with smtp_server(settings, RecordingHandler(refuse_first=2)) as handler:
        for _ in range(10):  # bounded: each sweep retries what was refused
            sweep_outbox.delay().get(timeout=WAIT_SECONDS)
            wait_until_drained(ReminderDelivery)
            if len(handler.received) == len(registrations):
                break
    assert handler.refused == 2
    assert sorted(handler.received) == sorted(r.email for r in registrations)
    attempts = sorted(ReminderDelivery.objects.values_list("attempts", flat=True))
    assert sum(attempts) == 2 and set(
        ReminderDelivery.objects.values_list("status", flat=True)
    ) == {"sent"}


def test_a_worker_that_dies_mid_batch_loses_nothing(settings, worker):
    _, registrations = event_with_due_reminders(5)
    reminders_schedule()
    # A worker claims a batch and dies before sending: its claim is left behind.
    _, abandoned = outbox.claim_batch(ReminderDelivery)
    assert len(abandoned) == 5
    ReminderDelivery.objects.filter(pk__in=abandoned).update(
        claimed_at=timezone.now() - outbox.CLAIM_TIMEOUT - datetime.timedelta(seconds=1)
    )
    with smtp_server(settings, RecordingHandler()) as handler:
        sweep_outbox.delay().get(timeout=WAIT_SECONDS)
        wait_until_drained(ReminderDelivery)
    assert sorted(handler.received) == sorted(r.email for r in registrations)


def test_failures_after_the_last_try_are_kept_for_staff(settings, worker):
    _, (registration,) = event_with_due_reminders(1)
    with smtp_server(settings, RecordingHandler(refuse_first=outbox.MAX_ATTEMPTS)):
        for _ in range(outbox.MAX_ATTEMPTS + 1):
            sweep_outbox.delay().get(timeout=WAIT_SECONDS)
            wait_until_drained(ReminderDelivery)
    delivery = ReminderDelivery.objects.get()
    assert delivery.status == "failed"
    assert "451" in delivery.error


def test_reminder_throughput_of_one_worker(settings, worker, capsys):
    people = 300
    _, registrations = event_with_due_reminders(people)
    with smtp_server(settings, RecordingHandler()) as handler:
        began = time.perf_counter()
        sweep_outbox.delay().get(timeout=WAIT_SECONDS)
        wait_until_drained(ReminderDelivery)
        elapsed = time.perf_counter() - began
    assert len(handler.received) == people
    with capsys.disabled():
        print(
            f"\n{people} reminders through one worker (2 threads) to loopback SMTP: "
            f"{elapsed:.2f} s, {people / elapsed:.0f} per second, 0 duplicates"
        )


def test_confirmation_owed_while_the_broker_was_down_is_sent_by_the_sweep(settings, worker):
    registration = RegistrationFactory()
    # What a registration leaves behind when the broker cannot take the message.
    RegistrationNotice.objects.create(
        registration=registration, kind="confirmed", once_key="confirmed"
    )
    with smtp_server(settings, RecordingHandler()) as handler:
        sweep_outbox.delay().get(timeout=WAIT_SECONDS)
        wait_until_drained(RegistrationNotice)
    assert handler.received == [registration.email]
