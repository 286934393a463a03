"""What the bench measures against: a fresh database, the portal under gunicorn, Celery
workers (a real one in its own process, or one of threads in this process) and an SMTP server
on loopback that counts what it is given."""

import asyncio
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
from bench.wire import free_port

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


# Which SMTP server the reminders go to (BENCH_SMTP): "lean", a minimal one whose CPU per
# message is a fraction of the portal's, or "aiosmtpd", the library's (as the tests use), which
# costs about 1.4 ms of CPU a message: on this bench's 2 cores, as much as the worker itself.
SMTP_SERVER = os.environ.get("BENCH_SMTP", "lean")


@contextmanager
def loopback_smtp(kind=None):
    """An SMTP server on a free loopback port, in a thread of this process, that accepts
    everything; yields (port, a Counter of messages per recipient)."""
    received = Counter()
    lock = threading.Lock()
    smtp_port = free_port()
    kind = kind or SMTP_SERVER
    server = _aiosmtpd_server if kind == "aiosmtpd" else _lean_server
    with server(smtp_port, received, lock):
        yield smtp_port, received


@contextmanager
def _aiosmtpd_server(port, received, lock):
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with lock:
                received.update(envelope.rcpt_tos)
            return "250 OK"

    controller = Controller(Handler(), hostname=HOST, port=port)
    controller.start()
    try:
        yield
    finally:
        controller.stop()


class _LeanSMTP(asyncio.Protocol):
    """Just enough SMTP for smtplib (RFC 5321's EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
    reading each message as whole chunks up to its end (CRLF.CRLF) instead of line by line:
    a sink for measuring the sender, never a mail server."""

    def __init__(self, received, lock):
        self.received, self.lock = received, lock
        self.buffer = b""
        self.in_data = False
        self.recipients = []

    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"220 bench ESMTP\r\n")

    def data_received(self, data):
        self.buffer += data
        while self.buffer:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                with self.lock:
                    self.received.update(self.recipients)
                self.recipients = []
                self.transport.write(b"250 OK\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
            self.command(line.decode("ascii", "replace"))

    def command(self, line):
        verb = line[:4].upper()
        if verb in ("EHLO", "HELO"):
            reply = "250 bench"
        elif verb == "RCPT":
            self.recipients.append(line.partition("<")[2].partition(">")[0])
            reply = "250 OK"
        elif verb == "DATA":
            # A message that ends at once ("DATA", then ".") still ends with CRLF.CRLF.
            self.in_data, self.buffer = True, b"\r\n" + self.buffer
            reply = "354 End data with <CR><LF>.<CR><LF>"
        elif verb == "RSET":
            self.recipients = []
            reply = "250 OK"
        elif verb in ("MAIL", "NOOP"):
            reply = "250 OK"
        elif verb == "QUIT":
            self.transport.write(b"221 Bye\r\n")
            self.transport.close()
            return
        else:
            reply = "502 Command not implemented"
        self.transport.write(reply.encode() + b"\r\n")


@contextmanager
def _lean_server(port, received, lock):
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(
            loop.create_server(lambda: _LeanSMTP(received, lock), HOST, port)
        )
        started.set()
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("the SMTP sink did not start")
    try:
        yield
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


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
