"""The Markdown report: printed, and written to bench/results/."""

import datetime
import json
import os
import platform
import time

from bench.config import CONCURRENCY, REQUESTS, RESULTS, ROOT, log, page_cache_seconds


def header():
    """Date, machine and versions: the report's first lines."""
    import celery
    import django

    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"{platform.platform()}",
        "versions": f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"Celery {celery.__version__}",
        "workers": os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1),
    }


def markdown(results):
    lines = [
        f"# Benchmark {results['date']}",
        "",
        f"Machine: {results['machine']}. Versions: {results['versions']}.",
        f"Load: {REQUESTS} requests per page, {CONCURRENCY} at once, gunicorn "
        f"{results['workers']} sync workers, production settings, loopback. Page cache: "
        f"{page_cache_seconds()} s (PAGE_CACHE_SECONDS; 0 measures every "
        "page rendered afresh).",
        "",
    ]
    for label, run in results["runs"].items():
        lines += [
            f"## {label}: {json.dumps(run['dataset'])}",
            "",
            "| page | req/s | p50 ms | p95 ms | p99 ms | p95 / floor | SQL queries | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, row in run["pages"].items():
            lines.append(
                f"| {name} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p95']:.1f} | "
                f"{row['p99']:.1f} | {row['ratio']:.1f} | {row['queries']} | {row['errors']} |"
            )
        transfer = run["transfer"]
        lines += [
            "",
            f"Khmer home page transfer: first visit {transfer['first_visit'] / 1024:.1f} KB, "
            f"repeat visit {transfer['repeat_visit'] / 1024:.1f} KB (static files cached "
            f"immutable: {transfer['immutable']}).",
            "",
        ]
    if "registration" in results:
        r = results["registration"]
        lines += [
            "## Registration under load",
            "",
            f"{r['clients']} clients at once for {r['seats']} seats through the form: "
            f"{r['per_second']:.1f} registrations/s, p95 {r['p95']:.0f} ms, "
            f"{r['redirects']} succeeded, {r['confirmed']} confirmed, {r['waiting']} waiting, "
            f"over capacity: {r['over_capacity']}.",
            "",
        ]
    if "reminders" in results:
        r = results["reminders"]
        lines += [
            "## Reminders",
            "",
            f"{r['reminders']} due reminders, one worker on Redis, SMTP on loopback: "
            f"{r['delivered']} delivered in {r['seconds']:.0f} s ({r['per_second']:.0f}/s), "
            f"duplicates: {r['duplicates']}.",
            "",
        ]
    if "throughput" in results:
        t = results["throughput"]
        lines += [
            f"{t['reminders']} reminders through one worker ({t['threads']} threads) to "
            f"loopback SMTP: {t['delivered']} delivered in {t['seconds']:.2f} s, "
            f"{t['per_second']:.0f} per second, duplicates: {t['duplicates']}.",
            "",
        ]
    return "\n".join(lines)


def write(results, began):
    """Print the report and write it to bench/results/; returns the file's path."""
    report = markdown(results)
    RESULTS.mkdir(exist_ok=True)
    cache = "cached" if page_cache_seconds() != "0" else "uncached"
    path = RESULTS / f"{datetime.datetime.now():%Y-%m-%d-%H%M}-{cache}.md"
    path.write_text(report + f"\nTotal run time: {time.perf_counter() - began:.0f} s.\n")
    print(report)
    log(f"written to {path.relative_to(ROOT)} in {time.perf_counter() - began:.0f} s")
    return path
