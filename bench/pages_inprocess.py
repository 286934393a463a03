"""The public pages rendered afresh, in-process: `python bench/pages_inprocess.py [label]`.

Each page of the load bench (bench/scenarios.py page_paths) through Django's test Client, with
the whole middleware and production settings (DEBUG off, no page cache), N times after a few
warm-ups: p50/p95 of the wall time and of the CPU time of this process (time.process_time, which
the other work on a shared machine inflates less), the median time spent waiting for SQL,
and the SQL queries of one request.

BENCH_PAGES_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ccc_bench_pages) is
created, migrated and filled with bench/dataset.py's register at BENCH_PAGES_SCALE (default 1)
when it has no organisations; later runs reuse it. The cache is REDIS_CACHE_URL's (as under
gunicorn; unset: this process's memory).

    N=30 PAGES="home (km),directory" PROFILE=1 python bench/pages_inprocess.py before

PROFILE=1 prints pyinstrument's call tree of each page's renders (cProfile's top functions when
pyinstrument is not installed).
"""

import datetime
import gc
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

# BENCH_PAGES_ROOT: another checkout to measure (a copy of main before a change, say); run it
# from that directory (Celery's Django fixup puts the working directory first on sys.path).
ROOT = Path(os.environ.get("BENCH_PAGES_ROOT", Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_PAGES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ccc_bench_pages"
)
SCALE = float(os.environ.get("BENCH_PAGES_SCALE", "1"))
COUNT = int(os.environ.get("N", "30"))
WARM_UPS = 3
PROFILE = bool(os.environ.get("PROFILE"))
PROFILE_LINES = int(os.environ.get("PROFILE_LINES", "45"))
SHOW_SQL = int(os.environ.get("SQL", "0"))  # SQL=300: each query's time and first 300 characters
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "ccc_portal.settings",
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "BENCH_ENDPOINTS": "1",
    "PAGE_CACHE_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
    "STATIC_ROOT": str(ROOT / "var" / "bench-pages-static"),
}


def page_paths():
    """What bench/scenarios.py loads, from the same data."""
    from networks.models import ProvincialNetwork

    today = datetime.date.today()
    return {
        "floor": "/bench/floor/",
        "about": "/km/about/",
        "home (km)": "/km/",
        "event list": "/en/events/",
        "event list (km)": "/km/events/",
        "month calendar": f"/km/events/{today.year}/{today.month}/",
        "event detail": "/en/events/bench-1/",
        "directory": "/en/members/",
        "directory (km)": "/km/members/",
        "directory Khmer search": "/km/members/?q=" + quote("សុខភាព"),
        "directory by province": "/en/members/?province=kampot",
        "networks map": "/en/networks/",
        "network page": ProvincialNetwork.objects.order_by("pk").first().get_absolute_url(),
        "iCal feed": "/events/feed.ics",
    }


def _create_database():
    import psycopg2

    base, _, name = DATABASE_URL.rpartition("/")
    connection = psycopg2.connect(f"{base}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def _fill():
    from django.core.management import call_command
    from django.db import connection

    from members.models import Organisation

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # the manifest the pages link by
    if Organisation.objects.exists():
        return
    from bench.dataset import generate

    began = time.perf_counter()
    print(f"generating scale {SCALE:g}: {generate(scale=SCALE)}", flush=True)
    print(f"  in {time.perf_counter() - began:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


def _profiler():
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile

        return cProfile.Profile(), "cProfile"
    return Profiler(interval=0.0005), "pyinstrument"


def _print_profile(profiler, kind):
    if kind == "pyinstrument":
        tree = profiler.output_text(unicode=True, color=False)
        print("\n".join(line for line in tree.splitlines()[:PROFILE_LINES] if line.strip()))
        flat = profiler.output_text(unicode=True, color=False, flat=True)
        print("\n".join(line for line in flat.splitlines()[:PROFILE_LINES] if line.strip()))
    else:
        import pstats

        order = os.environ.get("PROFILE_SORT", "cumulative")  # tottime: by own time
        pstats.Stats(profiler).sort_stats(order).print_stats(PROFILE_LINES)


def measure(label):
    from django.db import connection
    from django.test import Client

    client = Client()
    wanted = [name.strip() for name in os.environ.get("PAGES", "").split(",") if name.strip()]
    paths = {name: path for name, path in page_paths().items() if not wanted or name in wanted}
    import events.views

    print(f"{label}: {COUNT} renders per page, {_sizes()}, code in {events.views.__file__}")
    print(
        f"{'page':<24} {'wall p50':>9} {'wall p95':>9} {'cpu p50':>8} {'cpu p95':>8} "
        f"{'sql p50':>8} {'SQL':>4}"
    )
    for name, path in paths.items():
        for _ in range(WARM_UPS):
            response = client.get(path)
            assert response.status_code == 200, (name, path, response.status_code)
        # As a gunicorn worker does once Django is loaded (gunicorn.conf.py): what lives as long
        # as the process is out of the collector's sight, which otherwise walks it in the pages.
        gc.freeze()
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(((time.perf_counter() - began) * 1000, sql))

        with connection.execute_wrapper(count):
            client.get(path)
        profiler, kind = _profiler() if PROFILE else (None, None)
        walls, cpus, sqls = [], [], []

        def timed(execute, sql, params, many, context, sqls=sqls):
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                sqls[-1] += (time.perf_counter() - began) * 1000

        for _ in range(COUNT):
            if profiler is not None:
                profiler.enable() if kind == "cProfile" else profiler.start()
            sqls.append(0.0)
            wall, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(timed):
                client.get(path)
            cpus.append((time.process_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
            if profiler is not None:
                profiler.disable() if kind == "cProfile" else profiler.stop()
        print(
            f"{name:<24} {statistics.median(walls):9.1f} {_percentile(walls, 0.95):9.1f} "
            f"{statistics.median(cpus):8.1f} {_percentile(cpus, 0.95):8.1f} "
            f"{statistics.median(sqls):8.1f} {len(queries):>4}",
            flush=True,
        )
        if SHOW_SQL:
            for milliseconds, sql in queries:
                print(f"  {milliseconds:6.1f} ms  {sql[:SHOW_SQL]}")
        if profiler is not None:
            _print_profile(profiler, kind)


def _sizes():
    from events.models import Event, Registration
    from members.models import Organisation

    return (
        f"{Organisation.objects.count()} organisations, {Event.objects.count()} events, "
        f"{Registration.objects.count()} registrations"
    )


def main():
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ["DATABASE_URL"] = DATABASE_URL
    _create_database()
    import django

    django.setup()
    _fill()
    measure(sys.argv[1] if len(sys.argv) > 1 else "run")


if __name__ == "__main__":
    main()
