"""The directory search at 50,000 organisations, uncached: `python bench/search.py`.

Creates (or reuses) a PostgreSQL database (BENCH_SEARCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ccc_bench_search), migrates it, loads the demo register and
adds generated organisations (bench/dataset.py's names) up to BENCH_SEARCH_ORGANISATIONS
(default 50,000) with their search index; then calls the directory view in-process (no page
cache, no HTTP) for 16 queries x 12 rounds in Khmer and prints p50/p95 of the whole view
(search, paginator count, page, template) and the slowest queries.

BENCH_SEARCH_PATH chooses the search the view pages with: "search" (default) members.search's
SearchResults and CappedPaginator (one query for a page and its count), "view" whatever
members/views.py has, "both" the two in turn, query by query (the same machine load for both).
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATABASE_URL = os.environ.get(
    "BENCH_SEARCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ccc_bench_search"
)
ORGANISATIONS = int(os.environ.get("BENCH_SEARCH_ORGANISATIONS", "50000"))
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "12"))
PATHS = {"both": ["view", "search"]}.get(
    os.environ.get("BENCH_SEARCH_PATH", "search"), [os.environ.get("BENCH_SEARCH_PATH", "search")]
)
QUERIES = [
    # common words (thousands of names), rare combinations, prefixes, Latin, acronyms
    "អភិវឌ្ឍន៍",
    "សហគមន៍",
    "កសិករ ស្ត្រី",
    "យុវជន កុមារ",
    "សុខភាព",
    "អប់រំ បរិស្ថាន",
    "សិទ្ធិ",
    "ព្រៃឈើ ទឹក",
    "សន្តិភាព ប្រជាធិបតេយ្យ",
    "អង្គការ",
    "ជនបទ ធនធាន",
    "Development",
    "women youth",
    "Health Education",
    "B123",
    "Organisation 4711",
]


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
    from django.db import transaction

    from bench.dataset import BATCH, _name
    from demo.loader import load_demo
    from members.models import Organisation, Province
    from members.services import organisations_reindex

    call_command("migrate", "--noinput", verbosity=0)
    if not Province.objects.exists():
        load_demo()
    missing = ORGANISATIONS - Organisation.objects.count()
    if missing <= 0:
        _vacuum()
        return
    start = Organisation.objects.filter(slug__startswith="bench-").count()
    rng = random.Random(2026 + start)
    provinces = list(Province.objects.all())
    with transaction.atomic():
        organisations = []
        for index in range(start, start + missing):
            name_km, name_en = _name(rng, index)
            organisation = Organisation(
                slug=f"bench-{index}",
                name_km=name_km,
                name_en=name_en,
                acronym=f"B{index}",
                kind=rng.choice(Organisation.Kind.values),
                membership_status=rng.choice(["active"] * 4 + ["lapsed", "applicant"]),
                head_office_province=rng.choice(provinces),
            )
            organisation.search_text = organisation.build_search_text()
            organisations.append(organisation)
        Organisation.objects.bulk_create(organisations, batch_size=BATCH)
        organisations_reindex(organisations=Organisation.objects.filter(slug__startswith="bench-"))
    _vacuum()


def _vacuum():
    # Index-only scans of the search index need its visibility map, as in production.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _views(paths):
    """The directory view for each path measured (see BENCH_SEARCH_PATH)."""
    from members import search, views

    found = {}
    for path in paths:
        if path == "view":
            found[path] = views.OrganisationListView.as_view()
        elif path == "search":
            found[path] = views.OrganisationListView.as_view(paginator_class=search.CappedPaginator)
        else:
            raise SystemExit(f"BENCH_SEARCH_PATH: unknown path {path!r}")
    return found


def _call(view, request, path):
    from members import search, views

    if path != "search":
        return view(request)
    # The view makes views.SearchResults; members.search's is the one to measure.
    original, views.SearchResults = views.SearchResults, search.SearchResults
    try:
        return view(request)
    finally:
        views.SearchResults = original


def measure(paths=PATHS, rounds=ROUNDS):
    """Prints the figures; returns {path: {"p50": ms, "p95": ms, "max": ms}} (bench/run.py
    calls it on the bench's register)."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection, reset_queries
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from members.models import Organisation

    views = _views(paths)
    factory = RequestFactory()
    timings = {(path, query): [] for path in paths for query in QUERIES}
    found = {}
    with translation.override("km"):
        for _round in range(rounds):
            for query in QUERIES:
                for path, view in views.items():
                    request = factory.get("/km/members/", {"q": query})
                    request.user = AnonymousUser()
                    began = time.perf_counter()
                    with CaptureQueriesContext(connection) as queries:
                        response = _call(view, request, path)
                        response.render()
                    timings[path, query].append((time.perf_counter() - began) * 1000)
                    paginator = response.context_data["paginator"]
                    page = [
                        organisation.pk for organisation in response.context_data["organisations"]
                    ]
                    found[path, query] = (paginator.count, len(queries), page)
                    reset_queries()
    print(f"organisations: {Organisation.objects.count()}, {len(QUERIES)} queries x {rounds}")
    figures = {}
    for path in paths:
        every = sorted(t for (p, _), values in timings.items() if p == path for t in values)
        p50 = statistics.median(every)
        p95 = every[int(len(every) * 0.95) - 1]
        figures[path] = {"p50": p50, "p95": p95, "max": every[-1]}
        print(f"{path}: p50 {p50:.1f} ms   p95 {p95:.1f} ms   max {every[-1]:.1f} ms")
        mine = {query: values for (p, query), values in timings.items() if p == path}
        for query, values in sorted(mine.items(), key=lambda item: -statistics.median(item[1])):
            count, sql, _page = found[path, query]
            print(f"  {statistics.median(values):7.1f} ms  {count:>6} found  {sql} SQL  {query}")
    if len(paths) > 1:
        # The paths must show the same page: the same count and organisations in the same order.
        for query in QUERIES:
            if len({repr(found[path, query][::2]) for path in paths}) > 1:
                print(f"  the pages differ for {query}")
    return figures


def main():
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccc_portal.settings")
    os.environ.setdefault("DEBUG", "1")
    _create_database()
    import django

    django.setup()
    _fill()
    measure()


if __name__ == "__main__":
    main()
