"""Registrations through the real form under load, as people make them: each of CLIENTS at once
GETs the form, POSTs it (with the form's CSRF token and cookie) and GETs the page it leads to,
again and again, each time with a new address, until COUNT registrations or SECONDS have
passed. Against a portal already running on loopback (gunicorn, production settings, the
same DATABASE_URL as this script, REGISTRATION_RATE_LIMIT above COUNT: every client comes
from 127.0.0.1), on an event this script makes with CAPACITY seats; at the end it counts the
seats held, which must never exceed the capacity.

    DATABASE_URL=postgres://... SECRET_KEY=... ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 \\
    PORT=8013 CLIENTS=50 COUNT=1000 SECONDS=60 python bench/registration_load.py

The client runs on the same machine (one process, asyncio): on 2 cores it takes a share of the
CPU that the portal would otherwise have, so the figure is a floor.
"""

import asyncio
import datetime
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

# Run as a script: the checkout, not bench/, is where `bench` is found.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.wire import request  # noqa: E402

PORT = int(os.environ.get("PORT", "8013"))
CLIENTS = int(os.environ.get("CLIENTS", "50"))
COUNT = min(int(os.environ.get("COUNT", "1000")), 20_000)
SECONDS = min(float(os.environ.get("SECONDS", "60")), 600)
CAPACITY = int(os.environ.get("CAPACITY", "200"))
SLUG = "reg-load"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


async def fetch(path, method="GET", headers=None, body=b""):
    """(status, headers, body) of one request to the portal at PORT (read at each call: the
    load bench sets it)."""
    status, response_headers, payload, _seconds = await request(PORT, path, headers, method, body)
    return status, response_headers, payload


def _cookie(headers):
    for value in headers.get("set-cookie", []):
        if value.startswith("csrftoken="):
            return value.split(";", 1)[0]
    return ""


async def register_once(number):
    """GET the form, POST it, GET the page it leads to; returns the statuses."""
    path = f"/km/events/{SLUG}/register/"
    status, headers, page = await fetch(path)
    match = TOKEN.search(page)
    if status != 200 or match is None:
        return (status,)
    data = {
        "csrfmiddlewaretoken": match.group(1).decode(),
        "full_name": f"Load Person {number}",
        "organisation_name": "Village Group",
        "gender": "female",
        "email": f"load{number}@bench.invalid",
        "language": "km",
        "consent": "on",
    }
    form_headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": _cookie(headers),
    }
    posted, headers, _ = await fetch(path, "POST", form_headers, urlencode(data).encode())
    if posted != 302:
        return (status, posted)
    location = headers["location"][0]
    landed, _headers, _page = await fetch(location)
    return (status, posted, landed)


async def run():
    numbers = iter(range(COUNT))
    deadline = time.monotonic() + SECONDS
    cycles, failures = [], []

    async def client():
        for number in numbers:
            if time.monotonic() > deadline:
                return
            began = time.perf_counter()
            statuses = await register_once(number)
            if statuses == (200, 302, 200):
                cycles.append(time.perf_counter() - began)
            else:
                failures.append(statuses)

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return cycles, failures, time.perf_counter() - began


def _event():
    from django.utils import timezone

    from events.models import Event, EventType, Registration

    event_type, _created = EventType.objects.get_or_create(
        slug="bench", defaults={"name_en": "Bench", "name_km": "Bench"}
    )
    Registration.objects.filter(event__slug=SLUG).delete()
    Event.objects.filter(slug=SLUG).delete()
    now = timezone.now()
    return Event.objects.create(
        title_en="Registration load",
        title_km="Registration load",
        slug=SLUG,
        event_type=event_type,
        starts_at=now + datetime.timedelta(days=7),
        ends_at=now + datetime.timedelta(days=7, hours=3),
        status="published",
        capacity=CAPACITY,
    )


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccc_portal.settings")
    import django

    django.setup()
    from events.models import Registration

    event = _event()
    cycles, failures, elapsed = asyncio.run(run())
    held = event.registrations.filter(status__in=Registration.SEAT_HOLDING).count()
    cycles.sort()
    if cycles:
        print(
            f"{len(cycles)} registrations in {elapsed:.1f} s with {CLIENTS} clients: "
            f"{len(cycles) / elapsed:.1f}/s; GET+POST+GET median "
            f"{statistics.median(cycles) * 1000:.0f} ms, p95 "
            f"{cycles[int(len(cycles) * 0.95)] * 1000:.0f} ms; {len(failures)} failed "
            f"{sorted(set(failures))[:5]}; seats held {held} of {CAPACITY} "
            f"({'over capacity!' if held > CAPACITY else 'none over capacity'})"
        )
    else:
        print(f"no registration succeeded: {sorted(set(failures))[:5]}")


if __name__ == "__main__":
    main()
