"""The cost of one registration through the public form, in-process (no HTTP, no load):
N registrations in a row for one event, median and p95 per registration.

    DATABASE_URL=postgres://... SECRET_KEY=... ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=0 \
    REGISTRATION_RATE_LIMIT=100000 python bench/registration_inprocess.py label

Run it against two checkouts (PYTHONPATH=<checkout>) to compare a change with main.
"""

import datetime
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccc_portal.settings")
import django

django.setup()
from django.core.management import call_command

call_command("migrate", verbosity=0)
from django.test import Client
from django.utils import timezone

from events.models import Event, EventType, Registration

et, _ = EventType.objects.get_or_create(
    slug="bench", defaults={"name_en": "Bench", "name_km": "Bench"}
)
Registration.objects.all().delete()
Event.objects.filter(slug="reg-bench").delete()
now = timezone.now()
ev = Event.objects.create(
    title_en="Reg bench",
    title_km="Reg bench",
    slug="reg-bench",
    event_type=et,
    starts_at=now + datetime.timedelta(days=7),
    ends_at=now + datetime.timedelta(days=7, hours=3),
    status="published",
    capacity=50,
)
client = Client()
times = []
for n in range(int(os.environ.get("N", "150"))):
    data = {
        "full_name": f"Person {n}",
        "organisation_name": "Village Group",
        "position": "",
        "gender": "female",
        "email": f"p{n}@example.org",
        "phone": "",
        "language": "km",
        "accessibility_needs": "",
        "consent": "on",
        "website": "",
    }
    t = time.perf_counter()
    r = client.post(
        f"/km/events/{ev.slug}/register/", data, REMOTE_ADDR=f"10.0.{n // 250}.{n % 250}"
    )
    times.append((time.perf_counter() - t) * 1000)
    assert r.status_code == 302, (r.status_code, r.content[:300])
times.sort()
print(
    f"{sys.argv[1]}: n={len(times)} median {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95)]:.1f} ms, confirmed {ev.registrations.filter(status='confirmed').count()}"
)
