"""What the bench runs with: its BENCH_* variables and the production-like environment it gives
Django, gunicorn and the Celery worker. Importing this module sets that environment, so it is
imported before Django is set up."""

import os
import secrets
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
GROWTH = float(os.environ.get("BENCH_GROWTH", "10"))
# The 100,000 (issue 18): about three minutes at 600 a second. Then a few to the
# library's SMTP server (BENCH_SMTP, bench/server.py), for comparison.
REMINDERS = int(os.environ.get("BENCH_REMINDERS", "100000"))
REMINDERS_AIOSMTPD = int(os.environ.get("BENCH_REMINDERS_AIOSMTPD", "20000"))
# The registers measured (bench/dataset.py): stress (at SCALE, and SCALE x GROWTH), ccc-year.
PROFILES = [p.strip() for p in os.environ.get("BENCH_PROFILE", "stress,ccc-year").split(",")]
# A page is loaded REQUESTS times or for this many seconds, whichever ends first.
PAGE_SECONDS = float(os.environ.get("BENCH_PAGE_SECONDS", "20"))
# The results file the report compares with ("before"): by default the newest one before this
# run with the same page cache; "none" for no comparison.
BASELINE = os.environ.get("BENCH_BASELINE", "")
REGISTRANTS = 50
THROUGHPUT_REMINDERS = 300  # through one worker of two threads, in this process
PAGE_TIMEOUT = 120  # seconds, per page (or scenario): a hung run fails rather than waits
DEFAULT_DATABASE = "postgres://ccc_portal:ccc_portal@127.0.0.1:5432/ccc_portal_bench"

ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "ccc_portal.settings",
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
    "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12"),
    "DEBUG": "0",
    # As .env.example has it for production: a new PostgreSQL connection per request cost the
    # registration path about a third of its time.
    "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
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


def gunicorn_workers():
    return int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1))


def page_cache_seconds():
    return os.environ.get("PAGE_CACHE_SECONDS", "60")


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)
