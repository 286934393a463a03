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
  on loopback: messages per second and duplicates.

Results: a Markdown table printed and written to bench/results/.
"""

import asyncio
import datetime
import json
import os
import platform
import posixpath
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
GROWTH = float(os.environ.get("BENCH_GROWTH", "10"))
REMINDERS = int(os.environ.get("BENCH_REMINDERS", "100000"))
REGISTRANTS = 50
PAGE_TIMEOUT = 120  # seconds, per page
DEFAULT_DATABASE = "postgres://ccc_portal:ccc_portal@127.0.0.1:5432/ccc_portal_bench"

ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "ccc_portal.settings",
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
    "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12"),
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "BENCH_ENDPOINTS": "1",
    "REGISTRATION_RATE_LIMIT": "1000000",
    "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    "SITE_URL": f"http://{HOST}:{PORT}",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENVIRONMENT)


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def recreate_database():
    """A fresh bench database for each data size: dropping is faster than deleting rows."""
    import psycopg2
    from django.db import connections

    connections.close_all()
    url = urlsplit(ENVIRONMENT["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user="postgres", dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}" OWNER "{url.username}"')
    admin.close()
    manage("migrate", "--noinput", "-v", "0")


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


# --- HTTP on loopback -----------------------------------------------------------------------


async def fetch(path, headers=None, method="GET", body=b""):
    """One request on a fresh connection (gunicorn's sync workers close after each)."""
    began = time.perf_counter()
    reader, writer = await asyncio.open_connection(HOST, PORT)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{PORT}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    data = await reader.read()
    writer.close()
    head, _, payload = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    response_headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        response_headers.setdefault(name.strip().lower(), []).append(value.strip())
    return status, response_headers, payload, time.perf_counter() - began


async def load(path, requests=REQUESTS, concurrency=CONCURRENCY):
    """`requests` GETs with `concurrency` in flight; returns latencies and statuses."""
    latencies, statuses = [], Counter()
    queue = asyncio.Queue()
    for _ in range(requests):
        queue.put_nowait(None)

    async def client():
        while not queue.empty():
            queue.get_nowait()
            status, _headers, _payload, latency = await fetch(path)
            statuses[status] += 1
            latencies.append(latency)

    began = time.perf_counter()
    await asyncio.wait_for(
        asyncio.gather(*(client() for _ in range(concurrency))), timeout=PAGE_TIMEOUT
    )
    return latencies, statuses, time.perf_counter() - began


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def transfer_sizes(path):
    """Bytes a browser fetches for the page: first visit (HTML, CSS, JS, fonts, compressed as
    served) and repeat visit (the HTML only: static files are cached for a year, immutable)."""
    encoding = {"Accept-Encoding": "br, gzip"}
    _status, _headers, html, _ = await fetch(path, encoding)
    text = html.decode("utf-8", "replace")  # Django's HTML is sent uncompressed
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', text)
    total, cache_ok = len(html), True
    for asset in assets:
        _s, headers, payload, _ = await fetch(asset, encoding)
        total += len(payload)
        cache_ok &= "immutable" in ",".join(headers.get("cache-control", []))
        if asset.endswith(".css"):
            plain = (await fetch(asset))[2].decode("utf-8", "replace")
            for font in re.findall(r'url\("?([^")]+\.woff2)"?\)', plain):
                font_path = posixpath.normpath(posixpath.join(posixpath.dirname(asset), font))
                total += len((await fetch(font_path))[2])
    return total, len(html), cache_ok


# --- The portal under gunicorn --------------------------------------------------------------


class Gunicorn:
    def __enter__(self):
        workers = str(int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1)))
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "ccc_portal.wsgi",
                "--bind",
                f"{HOST}:{PORT}",
                "--workers",
                workers,
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, PORT), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def page_paths():
    from networks.models import ProvincialNetwork

    today = datetime.date.today()
    return {
        "floor": "/bench/floor/",
        "home (km)": "/km/",
        "event list": "/en/events/",
        "month calendar": f"/km/events/{today.year}/{today.month}/",
        "event detail": "/en/events/bench-1/",
        "directory": "/en/members/",
        "directory Khmer search": "/km/members/?q=" + quote("សុខភាព"),
        "directory by province": "/en/members/?province=kampot",
        "networks map": "/en/networks/",
        "network page": ProvincialNetwork.objects.order_by("pk").first().get_absolute_url(),
        "iCal feed": "/events/feed.ics",
    }


def queries_per_page(paths):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts = {}
    # Rendered afresh, not from the page cache: what a page costs when it must be built.
    with override_settings(PAGE_CACHE_SECONDS=0):
        client = Client(HTTP_HOST=HOST)
        for name, path in paths.items():
            client.get(path)
            with CaptureQueriesContext(connection) as context:
                client.get(path)
            counts[name] = len(context)
    return counts


def measure_pages(label):
    paths = page_paths()
    queries = queries_per_page(paths)
    rows = {}
    with Gunicorn():
        for name, path in paths.items():
            asyncio.run(load(path, requests=20, concurrency=2))  # warm up
            latencies, statuses, elapsed = asyncio.run(load(path))
            rows[name] = {
                "rps": len(latencies) / elapsed,
                "p50": percentile(latencies, 0.50) * 1000,
                "p95": percentile(latencies, 0.95) * 1000,
                "p99": percentile(latencies, 0.99) * 1000,
                "queries": queries[name],
                "errors": sum(n for status, n in statuses.items() if status >= 400),
            }
            log(f"{label} {name}: {rows[name]['rps']:.0f} req/s, p95 {rows[name]['p95']:.1f} ms")
        first, html, cache_ok = asyncio.run(transfer_sizes(paths["home (km)"]))
    floor = rows["floor"]["p95"]
    for row in rows.values():
        row["ratio"] = row["p95"] / floor if floor else 0
    return rows, {"first_visit": first, "repeat_visit": html, "immutable": cache_ok}


# --- Registration under load ----------------------------------------------------------------


async def register_once(path, index):
    status, headers, page, _ = await fetch(path)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    cookie = next(
        c.split(";")[0] for c in headers.get("set-cookie", []) if c.startswith("csrftoken")
    )
    body = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "full_name": f"Load Test {index}",
            "organisation_name": "Load test NGO",
            "gender": "female",
            "email": f"load{index}-{secrets.token_hex(3)}@bench.invalid",
            "language": "km",
            "consent": "on",
        }
    ).encode()
    status, _h, _p, latency = await fetch(
        path,
        {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{HOST}:{PORT}{path}",
        },
        method="POST",
        body=body,
    )
    return status, latency


def bench_event(slug, title_en, title_km, *, starts_at, capacity):
    """A published event of the bench's own, emptied of registrations."""
    from events.models import Event

    event, _ = Event.objects.update_or_create(
        slug=slug,
        defaults={
            "title_en": title_en,
            "title_km": title_km,
            "event_type_id": Event.objects.filter(slug__startswith="bench-").first().event_type_id,
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=2),
            "status": "published",
            "capacity": capacity,
        },
    )
    event.registrations.all().delete()
    return event


def registration_load():
    from django.utils import timezone

    from events.models import Registration

    seats = 10
    event = bench_event(
        "bench-load-registration",
        "Load test forum",
        "វេទិកាសាកល្បង",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        capacity=seats,
    )
    path = f"/en/events/{event.slug}/register/"

    async def everyone():
        return await asyncio.wait_for(
            asyncio.gather(*(register_once(path, i) for i in range(REGISTRANTS))),
            timeout=PAGE_TIMEOUT,
        )

    with Gunicorn():
        began = time.perf_counter()
        results = asyncio.run(everyone())
        elapsed = time.perf_counter() - began
    latencies = [latency for _status, latency in results]
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    return {
        "clients": REGISTRANTS,
        "seats": seats,
        "per_second": REGISTRANTS / elapsed,
        "p95": percentile(latencies, 0.95) * 1000,
        "redirects": sum(1 for status, _ in results if status == 302),
        "confirmed": confirmed,
        "waiting": event.registrations.filter(status=Registration.Status.WAITING).count(),
        "over_capacity": max(confirmed - seats, 0),
    }


# --- Reminders ------------------------------------------------------------------------------


def reminders_run(count):
    from aiosmtpd.controller import Controller
    from django.utils import timezone

    from events.models import Registration, ReminderDelivery, ReminderRule
    from events.tasks import sweep_outbox

    received = Counter()
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with lock:
                received.update(envelope.rcpt_tos)
            return "250 OK"

    start = timezone.now() + datetime.timedelta(hours=1)
    event = bench_event(
        "bench-reminders", "Reminder load", "ការរំលឹកសាកល្បង", starts_at=start, capacity=None
    )
    ReminderRule.objects.get_or_create(event=event, offset=datetime.timedelta(hours=2))
    registered = start - datetime.timedelta(days=3)
    Registration.objects.bulk_create(
        [
            Registration(
                event=event,
                full_name=f"Reminder {i}",
                email=f"r{i}@bench.invalid",
                gender="female",
                organisation_name="Bench NGO",
                language="km" if i % 2 else "en",
                created_at=registered,
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        smtp_port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname=HOST, port=smtp_port)
    controller.start()
    worker_env = {**os.environ, "EMAIL_HOST": HOST, "EMAIL_PORT": str(smtp_port),
                  "EMAIL_USE_TLS": "0"}  # fmt: skip
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "ccc_portal",
            "worker",
            "--concurrency",
            str(os.cpu_count() or 1),
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=worker_env,
    )
    try:
        time.sleep(3)
        began = time.perf_counter()
        deadline = time.monotonic() + 30 * 60
        while time.monotonic() < deadline:
            sweep_outbox.delay()
            time.sleep(2)
            owed = (
                ReminderDelivery.objects.filter(registration__event=event)
                .exclude(status__in=["sent", "failed", "skipped"])
                .count()
            )
            scheduled = ReminderDelivery.objects.filter(registration__event=event).count()
            if scheduled == count and owed == 0:
                break
        elapsed = time.perf_counter() - began
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        controller.stop()
    # Only the reminders' recipients (the worker also sends what else was owed, such as the
    # confirmations of the registration load test).
    reminders = {address: n for address, n in received.items() if address.startswith("r")}
    delivered = sum(reminders.values())
    return {
        "reminders": count,
        "delivered": delivered,
        "duplicates": sum(n - 1 for n in reminders.values() if n > 1),
        "per_second": delivered / elapsed,
        "seconds": elapsed,
    }


# --- Report -----------------------------------------------------------------------------------


def markdown(results):
    lines = [
        f"# Benchmark {results['date']}",
        "",
        f"Machine: {results['machine']}. Versions: {results['versions']}.",
        f"Load: {REQUESTS} requests per page, {CONCURRENCY} at once, gunicorn "
        f"{results['workers']} sync workers, production settings, loopback. Page cache: "
        f"{os.environ.get('PAGE_CACHE_SECONDS', '60')} s (PAGE_CACHE_SECONDS; 0 measures every "
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
    return "\n".join(lines)


def main():
    began = time.perf_counter()
    manage("collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()
    import celery

    from bench.dataset import generate

    results = {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"{platform.platform()}",
        "versions": f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"Celery {celery.__version__}",
        "workers": os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1),
        "runs": {},
    }
    scales = [("1x", SCALE)] + ([(f"{GROWTH:g}x", SCALE * GROWTH)] if GROWTH else [])
    for label, scale in scales:
        log(f"generating {label} (scale {scale})")
        recreate_database()
        generated = time.perf_counter()
        dataset = generate(scale=scale)
        dataset["seconds to generate"] = round(time.perf_counter() - generated)
        pages, transfer = measure_pages(label)
        results["runs"][label] = {"dataset": dataset, "pages": pages, "transfer": transfer}
        if label == "1x":
            log("registration under load")
            results["registration"] = registration_load()
    if REMINDERS:
        log(f"{REMINDERS} reminders")
        results["reminders"] = reminders_run(REMINDERS)
    report = markdown(results)
    RESULTS.mkdir(exist_ok=True)
    cache = "cached" if os.environ.get("PAGE_CACHE_SECONDS", "60") != "0" else "uncached"
    path = RESULTS / f"{datetime.datetime.now():%Y-%m-%d-%H%M}-{cache}.md"
    path.write_text(report + f"\nTotal run time: {time.perf_counter() - began:.0f} s.\n")
    print(report)
    log(f"written to {path.relative_to(ROOT)} in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
