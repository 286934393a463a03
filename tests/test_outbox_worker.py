"""Reminders and notices through a real Celery worker on Redis into a real SMTP server on
loopback (aiosmtpd): exactly once, under concurrent sweeps, refusals and dead workers."""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from core import outbox
from events.models import RegistrationNotice, ReminderDelivery, ReminderRule
from events.services import reminders_schedule
from events.tasks import sweep_outbox
from tests.factories import EventFactory, RegistrationFactory
from tests.smtp import TRY_LATER, ProgrammableHandler
from tests.smtp import smtp_server as loopback_smtp_server
from tests.telegram_fixtures import fake_telegram_fixture  # noqa: F401

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
WAIT_SECONDS = 60
BASE_DIR = Path(__file__).resolve().parent.parent


def smtp_server(settings, handler):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0  # retry at the next sweep, not a minute later
    return loopback_smtp_server(settings, handler)


@pytest.fixture
def worker():
    """A Celery worker in this process (threads), on the test run's Redis."""
    from celery.contrib.testing.worker import start_worker

    from ccc_portal.celery import app

    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30
    ) as running:
        yield running
    close_other_connections()


def close_other_connections():
    """Workers leave their database connections open; close them so that the test database
    can be dropped at the end of the run."""
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
    with smtp_server(settings, ProgrammableHandler()) as handler:
        sweep_outbox.delay().get(timeout=WAIT_SECONDS)
        wait_until_drained(ReminderDelivery)
        sweep_outbox.delay().get(timeout=WAIT_SECONDS)
        wait_until_drained(ReminderDelivery)
    assert handler.received == [registration.email]
    assert ReminderDelivery.objects.get().status == "sent"


def test_two_sweeps_at_the_same_moment_deliver_once(settings, worker):
    _, registrations = event_with_due_reminders(40)
    with smtp_server(settings, ProgrammableHandler()) as handler:
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
    with smtp_server(settings, ProgrammableHandler(answers=[TRY_LATER] * 2)) as handler:
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
        claimed_at=timezone.now() - outbox.claim_timeout() - datetime.timedelta(seconds=1)
    )
    with smtp_server(settings, ProgrammableHandler()) as handler:
        sweep_outbox.delay().get(timeout=WAIT_SECONDS)
        wait_until_drained(ReminderDelivery)
    assert sorted(handler.received) == sorted(r.email for r in registrations)


def test_failures_after_the_last_try_are_kept_for_staff(settings, worker):
    _, (registration,) = event_with_due_reminders(1)
    with smtp_server(settings, ProgrammableHandler(answers=[TRY_LATER] * outbox.MAX_ATTEMPTS)):
        for _ in range(outbox.MAX_ATTEMPTS + 1):
            sweep_outbox.delay().get(timeout=WAIT_SECONDS)
            wait_until_drained(ReminderDelivery)
    delivery = ReminderDelivery.objects.get()
    assert delivery.status == "failed"
    assert "451" in delivery.error


def test_confirmation_owed_while_the_broker_was_down_is_sent_by_the_sweep(settings, worker):
    registration = RegistrationFactory()
    # What a registration leaves behind when the broker cannot take the message.
    RegistrationNotice.objects.create(
        registration=registration, kind="confirmed", once_key="confirmed"
    )
    with smtp_server(settings, ProgrammableHandler()) as handler:
        sweep_outbox.delay().get(timeout=WAIT_SECONDS)
        wait_until_drained(RegistrationNotice)
    assert handler.received == [registration.email]


def database_url():
    """The test database (pytest-django's "test_" + name) as a URL, for a worker process."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker_process(settings, name, log_folder):
    """`celery -A ccc_portal worker` as a process of its own, on this run's database, broker
    and SMTP server, with the settings under test passed through its environment."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_HOST": settings.EMAIL_HOST,
        "EMAIL_PORT": str(settings.EMAIL_PORT),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "EMAIL_TIMEOUT": "10",
        "OUTBOX_CLAIM_TIMEOUT_SECONDS": str(settings.OUTBOX_CLAIM_TIMEOUT_SECONDS),
        "OUTBOX_RETRY_BASE_SECONDS": str(settings.OUTBOX_RETRY_BASE_SECONDS),
    }
    log = open(log_folder / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
    command = [
        sys.executable, "-m", "celery", "-A", "ccc_portal", "worker", "--pool=solo",
        "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO",
        f"--hostname={name}@%h",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    process.log = log
    return process


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    process.log.close()


def wait_for(condition, what, every=0.05):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    pytest.fail(f"{what} not within {WAIT_SECONDS} s")


def test_a_killed_workers_emails_are_taken_over_within_two_minutes(
    settings, postgresql, tmp_path, capsys
):
    """A worker SIGKILLed in the middle of a batch: the emails it had claimed are sent by
    another worker once its claim, no longer renewed, times out (5 s here; 90 s by default),
    each exactly once."""
    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 5
    _, registrations = event_with_due_reminders(6)
    handler = ProgrammableHandler(delay=1.0)  # a slow server: the batch takes six seconds
    workers = []
    try:
        with smtp_server(settings, handler):
            workers.append(start_worker_process(settings, "doomed", tmp_path))
            sweep_outbox.apply()  # claims the six reminders and hands them to that worker
            wait_for(lambda: handler.in_data >= 3, "the worker's third email")
            os.killpg(workers[0].pid, signal.SIGKILL)  # while the server holds the third
            killed_at = time.monotonic()
            workers[0].wait()
            assert sorted(handler.counts.values()) == [1, 1]
            # Its claim was renewed as it worked: nobody may take the rest yet.
            assert ReminderDelivery.objects.filter(status="claimed").count() == 4
            assert not outbox.claimable_exists(ReminderDelivery)

            handler.delay = 0
            workers.append(start_worker_process(settings, "successor", tmp_path))

            def all_sent():
                sweep_outbox.apply()  # the minute sweep, more often
                return not ReminderDelivery.objects.exclude(status="sent").exists()

            wait_for(all_sent, "the takeover", every=0.5)
            takeover = time.monotonic() - killed_at
    finally:
        for process in workers:
            stop(process)
        close_other_connections()
    logs = {p.log.name: Path(p.log.name).read_text(errors="replace")[-2000:] for p in workers}
    assert handler.counts == Counter(r.email for r in registrations), logs
    assert takeover < 120, logs
    assert takeover >= settings.OUTBOX_CLAIM_TIMEOUT_SECONDS - 2  # the claim was respected
    with capsys.disabled():
        print(f"\nworker SIGKILLed mid-batch: its 4 claimed emails sent {takeover:.1f} s later")


def test_a_reminder_reaches_telegram_exactly_once_through_a_real_worker(
    settings, worker, fake_telegram
):
    """Issue 17: the same sweep hands the Telegram twin to a real worker, which sends it to the
    fake Bot API once; sweeping again sends nothing more."""
    from events.models import TelegramChat, TelegramMessage

    event, (registration,) = event_with_due_reminders(1)
    chat = TelegramChat.objects.create(chat_id=90210)
    registration.telegram_chat = chat
    registration.save(update_fields=["telegram_chat"])
    fake_telegram.fail_next("sendMessage", "500")  # the first try fails: retried, not lost
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    with smtp_server(settings, ProgrammableHandler()) as handler:
        for _ in range(4):
            sweep_outbox.delay().get(timeout=WAIT_SECONDS)
            wait_until_drained(ReminderDelivery, TelegramMessage)
    reminders = [p for p in fake_telegram.sent() if p["chat_id"] == 90210]
    assert len(reminders) == 1 and event.title_km in reminders[0]["text"]
    assert handler.received == [registration.email]
    message = TelegramMessage.objects.get()
    assert (message.status, message.attempts) == ("sent", 1)
    print(
        f"\nTelegram through a real worker: {len(fake_telegram.calls_of('sendMessage'))} "
        f"sendMessage calls (1 refused with 500, then {len(reminders)} delivered) over 4 sweeps"
    )
