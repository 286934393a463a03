"""What the bench measures against: a fresh database, the portal under gunicorn, Celery
workers (a real one in its own process, or one of threads in this process) and an SMTP server
on loopback that counts what it is given."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from bench.config import ENVIRONMENT, HOST, PORT, ROOT, gunicorn_workers

BIN = Path(sys.executable).parent


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


# Template databases migrated in this run: each bench database is a copy of one.
_migrated_templates = set()


def recreate_database():
    """A fresh bench database for each data size: dropping is faster than deleting rows, and
    copying a database migrated once per run (its template) faster than migrating again."""
    import psycopg2
    from django.db import connections

    connections.close_all()
    url = urlsplit(ENVIRONMENT["DATABASE_URL"])
    name = url.path.lstrip("/")
    template = f"{name}_template"
    admin = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user="postgres", dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        # A machine where only PostgreSQL runs (no .ci/run before): make the bench's own role.
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [url.username])
        if cursor.fetchone() is None:
            cursor.execute(
                f'CREATE ROLE "{url.username}" LOGIN CREATEDB PASSWORD %s', [url.password or ""]
            )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if template not in _migrated_templates:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{template}" OWNER "{url.username}"')
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                cwd=ROOT,
                check=True,
                env={**os.environ, "DATABASE_URL": url._replace(path=f"/{template}").geturl()},
            )
            _migrated_templates.add(template)
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" OWNER "{url.username}"')
    admin.close()
    # A new register under the old cache is no real site's state: the directory search's plans
    # (kept ten minutes) were those of the size before, and fragments and pages its data.
    from django.core.cache import cache

    cache.clear()


def checkpoint():
    """Write out what generating a register left in PostgreSQL's buffers (a CHECKPOINT, as
    the server's own would within minutes), so that the writes of the data just made do not
    compete with the pages measured next (the first floor of a run's 10x part was 12 ms
    against 4.6 after the pages)."""
    import psycopg2

    url = urlsplit(ENVIRONMENT["DATABASE_URL"])
    admin = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user="postgres", dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    admin.close()


class Gunicorn:
    """The portal on HOST:PORT with production settings, for the length of a `with`."""

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "ccc_portal.wsgi",
                "--bind",
                f"{HOST}:{PORT}",
                "--workers",
                str(gunicorn_workers()),
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


@contextmanager
def loopback_smtp():
    """An SMTP server on a free loopback port that accepts everything; yields (port, a Counter
    of messages per recipient)."""
    from aiosmtpd.controller import Controller

    received = Counter()
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with lock:
                received.update(envelope.rcpt_tos)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        smtp_port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname=HOST, port=smtp_port)
    controller.start()
    try:
        yield smtp_port, received
    finally:
        controller.stop()


@contextmanager
def celery_worker(smtp_port):
    """One real Celery worker (its own process, a child per core) sending to `smtp_port`."""
    smtp = {"EMAIL_HOST": HOST, "EMAIL_PORT": str(smtp_port), "EMAIL_USE_TLS": "0"}
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "ccc_portal",
            "worker",
            "--concurrency",
            str(os.cpu_count() or 1),
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, **smtp},
    )
    try:
        yield worker
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)


@contextmanager
def threaded_worker(smtp_port, threads=2):
    """A Celery worker in this process (a pool of `threads`) sending to `smtp_port`."""
    from celery.contrib.testing.worker import start_worker
    from django.test.utils import override_settings

    from ccc_portal.celery import app

    smtp = override_settings(
        EMAIL_BACKEND="core.mail.SMTPBackend",
        EMAIL_HOST=HOST,
        EMAIL_PORT=smtp_port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=10,
    )
    # Tasks left on the broker by an earlier phase (a "keep the pipeline full" delivery, a
    # sweep) would run here first, against that phase's rows: each phase starts clean.
    app.control.purge()
    with (
        smtp,
        start_worker(
            app, pool="threads", concurrency=threads, perform_ping_check=False, shutdown_timeout=30
        ) as running,
    ):
        yield running
