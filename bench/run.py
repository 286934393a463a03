"""The benchmark and load harness: `make bench`.

Generates a register (BENCH_SCALE, default 1: 5,000 organisations, 10,000 events, 100,000
registrations) in PostgreSQL, serves it with gunicorn on production settings, and measures
from this process, on loopback only, with bounded requests and time:

- each page: requests per second, p50/p95/p99 latency, SQL queries per request, p95 against
  a floor view served by the same gunicorn, and the bytes a browser transfers on a first and
  a repeat visit;
- the same at 10x the data (BENCH_GROWTH, default 10; 0 skips it);
- 50 clients registering at once through the real form;
- BENCH_REMINDERS due reminders swept by one real Celery worker on Redis into an SMTP server
  on loopback: messages per second and duplicates; then 300 through one worker of two threads
  (one worker's throughput).

Results: a Markdown table printed and written to bench/results/.

The parts: config.py (BENCH_* variables, the environment), client.py (HTTP and timing),
load.py (concurrent requests, percentiles), server.py (database, gunicorn, Celery, SMTP),
scenarios.py (what is measured), throughput.py (one worker's reminders per second),
dataset.py (the register), report.py (the Markdown).
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import config, report, scenarios, server  # noqa: E402  (after the path above)


def main():
    began = time.perf_counter()
    server.manage("collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()

    from bench.dataset import generate
    from bench.throughput import reminder_throughput

    results = {**report.header(), "runs": {}}
    scales = [("1x", config.SCALE)]
    if config.GROWTH:
        scales.append((f"{config.GROWTH:g}x", config.SCALE * config.GROWTH))
    for label, scale in scales:
        config.log(f"generating {label} (scale {scale})")
        server.recreate_database()
        generated = time.perf_counter()
        dataset = generate(scale=scale)
        dataset["seconds to generate"] = round(time.perf_counter() - generated)
        pages, transfer = scenarios.measure_pages(label)
        results["runs"][label] = {"dataset": dataset, "pages": pages, "transfer": transfer}
        if label == "1x":
            config.log("registration under load")
            results["registration"] = scenarios.registration_load()
    if config.REMINDERS:
        config.log(f"{config.REMINDERS} reminders")
        results["reminders"] = scenarios.reminders_run(config.REMINDERS)
        config.log(f"{config.THROUGHPUT_REMINDERS} reminders through one worker (threads)")
        results["throughput"] = reminder_throughput()
    report.write(results, began)


if __name__ == "__main__":
    main()
