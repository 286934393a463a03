"""The Markdown report: printed, and written to bench/results/, beside the figures of an earlier
results file ("before": BENCH_BASELINE, by default the newest with the same page cache)."""

import datetime
import json
import os
import platform
import re
import time
from pathlib import Path

from bench.config import (
    BASELINE,
    CONCURRENCY,
    PAGE_SECONDS,
    REQUESTS,
    RESULTS,
    ROOT,
    log,
    page_cache_seconds,
)

PAGE_COLUMNS = [
    "page", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "p95 / floor", "SQL queries",
    "errors", "before p95 ms", "before p95 / floor",
]  # fmt: skip
RUN_HEADING = re.compile(r"^## (\S+)(?: \([^)]*\))?: (\{.*\})\s*$")
SEARCH_LINE = re.compile(r"^Directory search in-process.*p50 ([\d.]+) ms, p95 ([\d.]+) ms")
REGISTRATION_LINE = re.compile(r"([\d.]+) registrations/s, p95 ([\d.]+) ms")
REMINDERS_LINE = re.compile(r"(\d+) due reminders.*\((\d+)/s\)")
AIOSMTPD_LINE = re.compile(r"The same with (\d+) reminders to aiosmtpd.* (\d+) per second")
THROUGHPUT_LINE = re.compile(r"([\d.]+) per second, duplicates")
TOTAL_LINE = re.compile(r"Total run time: (\d+) s")


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


# --- Before: an earlier results file ----------------------------------------------------------


def baseline_path():
    """The results file to compare with, or None."""
    if BASELINE.lower() == "none":
        return None
    if BASELINE:
        path = Path(BASELINE)
        return path if path.is_absolute() else ROOT / path
    earlier = sorted(RESULTS.glob(f"*-{_cache_label()}.md"))
    return earlier[-1] if earlier else None


def parse(text):
    """The figures of a results file (this module's, or the older ones without profiles):
    {"runs": {label: {"dataset", "pages": {page: {"p95", "ratio"}}, "search"}},
    "registration", "reminders", "throughput", "total"}; what it lacks is missing."""
    found = {"runs": {}}
    run = columns = None
    for line in text.splitlines():
        heading = RUN_HEADING.match(line)
        if heading:
            run = found["runs"][heading[1]] = {"dataset": json.loads(heading[2]), "pages": {}}
            continue
        if line.startswith("## "):
            run = None
        if run is None:
            continue
        if line.startswith("| page |"):
            columns = [cell.strip() for cell in line.strip().strip("|").split("|")]
        elif line.startswith("| ") and columns and not line.startswith("| ---"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            row = dict(zip(columns, cells, strict=False))
            try:
                run["pages"][row["page"]] = {
                    "p95": float(row["p95 ms"]),
                    "ratio": float(row["p95 / floor"]),
                }
            except (KeyError, ValueError):
                continue
        elif search := SEARCH_LINE.match(line):
            run["search"] = {"p50": float(search[1]), "p95": float(search[2])}
    if match := REGISTRATION_LINE.search(text):
        found["registration"] = {"per_second": float(match[1]), "p95": float(match[2])}
    if match := REMINDERS_LINE.search(text):
        found["reminders"] = {"reminders": int(match[1]), "per_second": float(match[2])}
    if match := AIOSMTPD_LINE.search(text):
        found["reminders_aiosmtpd"] = {"reminders": int(match[1]), "per_second": float(match[2])}
    if match := THROUGHPUT_LINE.search(text):
        found["throughput"] = {"per_second": float(match[1])}
    if match := TOTAL_LINE.search(text):
        found["total"] = float(match[1])
    return found


def load_baseline():
    """(path, figures) of the results file to compare with; (None, {}) without one."""
    path = baseline_path()
    if path is None:
        return None, {}
    try:
        return path, parse(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        log(f"no comparison: {path} could not be read ({error})")
        return None, {}


# --- The report -------------------------------------------------------------------------------


def _number(value, digits=1):
    return "–" if value is None else f"{value:.{digits}f}"


def _get(figures, *keys):
    for key in keys:
        if not isinstance(figures, dict) or key not in figures:
            return None
        figures = figures[key]
    return figures


def _before_run(before, label, run):
    """The earlier run of the same label, if it measured a register of the same size (within
    5%: the demo register may have grown); None otherwise."""
    then = _get(before, "runs", label)
    now_count = run["dataset"].get("registrations")
    then_count = _get(then, "dataset", "registrations")
    if not now_count or not then_count or abs(then_count / now_count - 1) > 0.05:
        return None
    return then


def summary(results, before, total):
    """(figure, this run, before) rows: what changed at a glance."""
    rows = []
    for label, run in results["runs"].items():
        rows.append(
            (
                f"{label}: seconds to generate the register",
                run["dataset"].get("seconds to generate"),
                _get(_before_run(before, label, run), "dataset", "seconds to generate"),
                0,
            )
        )
    for label, run in results["runs"].items():
        if "search" in run:
            rows.append(
                (
                    f"{label}: directory search p95, in-process (ms)",
                    run["search"]["p95"],
                    _get(_before_run(before, label, run), "search", "p95"),
                    1,
                )
            )
    sustained = results.get("registration", {}).get("sustained")
    if sustained:
        rows.append(("sustained registrations/s, 50 clients", sustained["per_second"], None, 1))
        rows.append(("sustained registration cycle p95 (ms)", sustained["p95"], None, 0))
    for key, figure, name, digits in [
        ("registration", "per_second", "registration under load (registrations/s)", 1),
        ("registration", "p95", "registration under load p95 (ms)", 0),
        ("reminders", "per_second", "reminders/s, one worker host (2 processes)", 0),
        ("reminders_aiosmtpd", "per_second", "reminders/s, the same, to aiosmtpd", 0),
        ("throughput", "per_second", "reminders/s, one worker of two threads", 0),
    ]:
        if key in results:
            rows.append((name, results[key][figure], _get(before, key, figure), digits))
    rows.append(("total run time (s)", total, before.get("total"), 0))
    return [
        f"| {name} | {_number(now, digits)} | {_number(then, digits)} |"
        for name, now, then, digits in rows
    ]


def markdown(results, baseline=(None, {}), total=None):
    path, before = baseline
    compared = f"`{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}`" if path else "–"
    lines = [
        f"# Benchmark {results['date']}",
        "",
        f"Machine: {results['machine']}. Versions: {results['versions']}.",
        f"Load: {REQUESTS} requests per page (fewer if they take over {PAGE_SECONDS:g} s), "
        f"{CONCURRENCY} at once, gunicorn {results['workers']} sync workers, production "
        f"settings, loopback. Page cache: {page_cache_seconds()} s (PAGE_CACHE_SECONDS; 0 "
        "measures every page rendered afresh). p95 / floor is to the floor measured after the "
        "pages, once every worker is warm (the first floor row, as gunicorn starts, is shown "
        "for reference; earlier runs had only that one). Before: "
        f"{compared}.",
        "",
        "## Summary",
        "",
        "| figure | this run | before |",
        "| --- | ---: | ---: |",
        *summary(results, before, total),
        "",
    ]
    for label, run in results["runs"].items():
        profile = run.get("profile", "stress")
        title = label if profile == label else f"{label} ({profile} profile)"
        lines += [
            f"## {title}: {json.dumps(run['dataset'])}",
            "",
            "| " + " | ".join(PAGE_COLUMNS) + " |",
            "| --- |" + " ---: |" * (len(PAGE_COLUMNS) - 1),
        ]
        before_run = _before_run(before, label, run)
        for name, row in run["pages"].items():
            then = _get(before_run, "pages", name) or {}
            lines.append(
                f"| {name} | {row.get('requests', REQUESTS)} | {row['rps']:.0f} | "
                f"{row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f} | {row['ratio']:.1f} | "
                f"{row['queries']} | {row['errors']} | {_number(then.get('p95'))} | "
                f"{_number(then.get('ratio'))} |"
            )
        transfer = run["transfer"]
        lines += [
            "",
            f"Khmer home page transfer: first visit {transfer['first_visit'] / 1024:.1f} KB, "
            f"repeat visit {transfer['repeat_visit'] / 1024:.1f} KB (static files cached "
            f"immutable: {transfer['immutable']}).",
            "",
        ]
        if "search" in run:
            search = run["search"]
            lines += [
                f"Directory search in-process (bench/search.py: {search['queries']} queries, "
                f"{search['rounds']} rounds, no page cache): p50 {search['p50']:.1f} ms, "
                f"p95 {search['p95']:.1f} ms, max {search['max']:.1f} ms.",
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
        if r.get("sustained"):
            s = r["sustained"]
            lines += [
                f"{s['clients']} clients registering new people one after another (GET the form, "
                f"POST it, GET the page it leads to), {s['seats']} seats: "
                f"{s['registrations']} registrations at {s['per_second']:.1f}/s, whole cycle "
                f"median {s['median']:.0f} ms, p95 {s['p95']:.0f} ms, {s['failed']} failed, "
                f"over capacity: {s['over_capacity']} (target: 100/s, p95 under 500 ms).",
                "",
            ]
    if "reminders" in results:
        r = results["reminders"]
        lines += [
            "## Reminders",
            "",
            f"{r['reminders']} due reminders, one worker host (2 processes) on Redis, SMTP on "
            f"loopback ({_smtp_server(r)}): "
            f"{r['delivered']} delivered in {r['seconds']:.0f} s ({r['per_second']:.0f}/s), "
            f"duplicates: {r['duplicates']}.",
            "",
        ]
    if "reminders_aiosmtpd" in results:
        r = results["reminders_aiosmtpd"]
        lines += [
            f"The same with {r['reminders']} reminders to {_smtp_server(r)}: "
            f"{r['delivered']} delivered in {r['seconds']:.0f} s, {r['per_second']:.0f} per "
            f"second, duplicates: {r['duplicates']}.",
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


def _smtp_server(reminders):
    if reminders.get("smtp") == "aiosmtpd":
        return "aiosmtpd, on the same cores, about 1.4 ms of CPU a message"
    return "a minimal SMTP sink, bench/server.py"


def _cache_label():
    return "cached" if page_cache_seconds() != "0" else "uncached"


def write(results, began):
    """Print the report and write it to bench/results/; returns the file's path."""
    baseline = load_baseline()
    total = time.perf_counter() - began
    report = markdown(results, baseline, total)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{datetime.datetime.now():%Y-%m-%d-%H%M}-{_cache_label()}.md"
    path.write_text(report + f"\nTotal run time: {total:.0f} s.\n")
    print(report)
    log(f"written to {path.relative_to(ROOT)}; total run time {total:.0f} s")
    return path
