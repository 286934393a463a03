"""The benchmark and load harness: `make bench`.

Generates each register (bench/dataset.py, written with PostgreSQL's COPY) in turn, serves it
with gunicorn on production settings, and measures from this process, on loopback only, with
bounded requests and time:

- the stress register at BENCH_SCALE (default 1: 5,000 organisations, 10,000 events, 100,000
  registrations) and at BENCH_GROWTH times that (default 10; 0 skips it), then the ccc-year
  register (CCC's own year: 300 members, 30 events a month, about 5,000 registrations);
  BENCH_PROFILE=stress or ccc-year measures one of them only;
- for each, each page: requests per second, p50/p95/p99 latency, SQL queries per request, p95
  against a floor view served by the same gunicorn, and the bytes a browser transfers on a
  first and a repeat visit; for the stress registers, the directory search in-process
  (bench/search.py);
- 50 clients registering at once through the real form (on the first register);
- BENCH_REMINDERS due reminders swept by one real Celery worker on Redis into an SMTP server
  on loopback: messages per second and duplicates; then 300 through one worker of two threads
  (one worker's throughput). On the last stress register.

Results: a Markdown table printed and written to bench/results/, beside an earlier results
file's figures (BENCH_BASELINE; see report.py).

The parts: config.py (BENCH_* variables, the environment), client.py (HTTP and timing),
load.py (concurrent requests, percentiles), server.py (database, gunicorn, Celery, SMTP),
scenarios.py (what is measured), throughput.py (one worker's reminders per second),
dataset.py (the registers), search.py (the directory search in-process), report.py (the
Markdown).
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import config, report, scenarios, server  # noqa: E402  (after the path above)


def plan():
    """The registers measured, in order: (label, profile, scale)."""
    from bench.dataset import PROFILES

    runs = []
    for profile in config.PROFILES:
        if profile not in PROFILES:
            raise SystemExit(f"BENCH_PROFILE: unknown profile {profile!r} (of {PROFILES})")
        if profile == "stress":
            runs.append(("1x", profile, config.SCALE))
            if config.GROWTH:
                runs.append((f"{config.GROWTH:g}x", profile, config.SCALE * config.GROWTH))
        else:
            runs.append((profile, profile, 1))
    return runs


def main():
    began = time.perf_counter()
    server.manage("collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()

    from bench import search
    from bench.dataset import generate
    from bench.throughput import reminder_throughput

    results = {**report.header(), "runs": {}}
    runs = plan()
    stress = [number for number, run in enumerate(runs) if run[1] == "stress"]
    reminders_after = stress[-1] if stress else len(runs) - 1
    for number, (label, profile, scale) in enumerate(runs):
        config.log(f"generating {label} ({profile}, scale {scale:g})")
        server.recreate_database()
        dataset = generate(scale=scale, profile=profile, log=config.log)
        server.checkpoint()
        config.log(f"{label}: {dataset}")
        pages, transfer = scenarios.measure_pages(label)
        run = {"profile": profile, "dataset": dataset, "pages": pages, "transfer": transfer}
        results["runs"][label] = run
        if profile == "stress":
            config.log(f"{label} directory search in-process")
            figures = search.measure(paths=["view"])["view"]
            run["search"] = {**figures, "queries": len(search.QUERIES), "rounds": search.ROUNDS}
        if number == 0:
            config.log("registration under load")
            results["registration"] = scenarios.registration_load()
        if number == reminders_after and config.REMINDERS:
            config.log(f"{config.REMINDERS} reminders")
            results["reminders"] = scenarios.reminders_run(config.REMINDERS)
            if config.REMINDERS_AIOSMTPD and results["reminders"]["smtp"] != "aiosmtpd":
                config.log(f"{config.REMINDERS_AIOSMTPD} reminders to aiosmtpd")
                results["reminders_aiosmtpd"] = scenarios.reminders_run(
                    config.REMINDERS_AIOSMTPD, smtp="aiosmtpd"
                )
            config.log(f"{config.THROUGHPUT_REMINDERS} reminders through one worker (threads)")
            results["throughput"] = reminder_throughput()
    report.write(results, began)


if __name__ == "__main__":
    main()
