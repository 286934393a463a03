"""What one reminder costs a worker, in-process: N due reminders claimed and sent in batches
(core.outbox, as a worker does) to an SMTP server in a process of its own, so that this
process's CPU time (time.process_time) is the sender's alone. Prints CPU and wall time per
reminder; PROFILE=1 adds cProfile's top functions.

    N=2000 [PROFILE=1] python bench/reminders_inprocess.py

Uses the bench's database (bench/config.py: BENCH_DATABASE_URL, made by `make bench` or
`python -m bench.throughput`) and adds an event with N registrants to it.
"""

import cProfile
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import config  # noqa: E402  (sets the bench's environment before Django)
from bench.wire import free_port  # noqa: E402

COUNT = int(os.environ.get("N", "2000"))


def main():
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"{config.HOST}:{port}"]
        + ["-c", "aiosmtpd.handlers.Sink"]
    )
    os.environ.update({"EMAIL_HOST": config.HOST, "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0"})
    import django

    django.setup()
    from bench.scenarios import event_with_due_reminders
    from core import outbox
    from events.delivery import BATCH_PREPARE, OUTBOXES
    from events.services import reminders_schedule

    try:
        tag = str(int(time.time()))
        event_with_due_reminders(
            f"inprocess-{tag}",
            "Reminder cost",
            "តម្លៃការរំលឹក",
            COUNT,
            f"i{tag}-{{}}@bench.invalid".format,
        )
        reminders_schedule()
        model, build = OUTBOXES["reminder"]
        profiler = cProfile.Profile() if os.environ.get("PROFILE") else None
        sent = 0
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        while True:
            token, ids = outbox.claim_batch(model)
            if not ids:
                break
            counts = outbox.deliver_claimed(
                model, ids, token, build, prepare=BATCH_PREPARE["reminder"]
            )
            sent += counts["sent"]
        if profiler:
            profiler.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"{sent} reminders: CPU {cpu / max(sent, 1) * 1000:.2f} ms and wall "
            f"{wall / max(sent, 1) * 1000:.2f} ms a reminder (one SMTP connection)"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    finally:
        sink.terminate()
        sink.wait(10)


if __name__ == "__main__":
    main()
