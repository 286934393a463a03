"""One worker's reminder throughput: due reminders swept by a Celery worker of two threads in
this process (on the bench's Redis) into an SMTP server on loopback, timed from the sweep
until the last is sent. Small and quick: the figure the big reminders run is compared with."""

import time
from collections import Counter

from bench.config import THROUGHPUT_REMINDERS
from bench.scenarios import event_with_due_reminders, reminders_owed
from bench.server import loopback_smtp, threaded_worker

THREADS = 2
TIMEOUT = 5 * 60  # seconds


def reminder_throughput(people=THROUGHPUT_REMINDERS):
    from events.tasks import sweep_outbox

    prefix = "throughput"
    event = event_with_due_reminders(
        "bench-throughput",
        "Reminder throughput",
        "ល្បឿនការរំលឹក",
        people,
        f"{prefix}{{}}@bench.invalid".format,
    )
    with loopback_smtp() as (smtp_port, received), threaded_worker(smtp_port, THREADS):
        began = time.perf_counter()
        sweep_outbox.delay()
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            scheduled, owed = reminders_owed(event)
            if scheduled == people and owed == 0:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - began
    counts = Counter({a: n for a, n in received.items() if a.startswith(prefix)})
    delivered = sum(counts.values())
    return {
        "reminders": people,
        "threads": THREADS,
        "delivered": delivered,
        "duplicates": sum(n - 1 for n in counts.values() if n > 1),
        "seconds": elapsed,
        "per_second": delivered / elapsed,
    }


def main():
    """Only the reminders, on a fresh bench register (BENCH_SCALE; 0.1 is enough for them):
    BENCH_REMINDERS through one real worker (its own process, a child per core), then
    THROUGHPUT_REMINDERS through one of threads. `python -m bench.throughput`; the rest of
    `make bench` is not run."""
    import json

    import django

    from bench import config, scenarios, server

    django.setup()
    from bench.dataset import generate

    server.recreate_database()
    generate(scale=config.SCALE)
    results = {}
    if config.REMINDERS:
        config.log(f"{config.REMINDERS} reminders")
        results["reminders"] = scenarios.reminders_run(config.REMINDERS)
    config.log(f"{THROUGHPUT_REMINDERS} reminders through one worker (threads)")
    results["throughput"] = reminder_throughput()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
