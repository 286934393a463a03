"""The cost of one registration through the public form, in-process (no HTTP, no load):
N registrations in a row for one event, as a person makes them (GET the form, POST it, GET
the page it leads to), median and p95 per registration, in wall time and in this process's
CPU time (time.process_time: on a shared, loaded machine the CPU time is the steadier figure;
the database's and Redis's own CPU are not in it), and the CPU median of each of the three
steps; PROFILE=1 prints cProfile's top 25 (PROFILE_SORT=tottime to sort by own time).

    DATABASE_URL=postgres://... SECRET_KEY=... ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=0 \\
    REGISTRATION_RATE_LIMIT=100000 python bench/registration_inprocess.py label

Run it against two checkouts to compare a change with main: from inside each checkout (cd
<checkout>; PYTHONPATH=<checkout>), as a library on the path puts the working directory first.
"""

import datetime
import os
import statistics
import sys
import time


def main(label, count):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccc_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from events.models import Event, EventType, Registration

    call_command("migrate", verbosity=0)
    event_type, _created = EventType.objects.get_or_create(
        slug="bench", defaults={"name_en": "Bench", "name_km": "Bench"}
    )
    Registration.objects.filter(event__slug="reg-bench").delete()
    Event.objects.filter(slug="reg-bench").delete()
    now = timezone.now()
    event = Event.objects.create(
        title_en="Registration bench",
        title_km="Registration bench",
        slug="reg-bench",
        event_type=event_type,
        starts_at=now + datetime.timedelta(days=7),
        ends_at=now + datetime.timedelta(days=7, hours=3),
        status="published",
        # 50 seats by default: most of the N registrations join the waiting list (their page
        # has no QR code); CAPACITY=N to measure confirmed registrations only.
        capacity=int(os.environ.get("CAPACITY", "50")),
    )
    client = Client()
    times = []
    cpu_times = []
    step_cpu = {"form": [], "post": [], "page": []}  # each step's CPU, for where it goes

    def step(name, request, *arguments):
        began = time.process_time()
        response = request(*arguments)
        step_cpu[name].append((time.process_time() - began) * 1000)
        return response

    path = f"/km/events/{event.slug}/register/"
    for number in range(count):
        data = {
            "full_name": f"Person {number}",
            "organisation_name": "Village Group",
            "gender": "female",
            "email": f"person{number}@example.org",
            "language": "km",
            "consent": "on",
        }
        started = time.perf_counter()
        cpu_started = time.process_time()
        assert step("form", client.get, path).status_code == 200
        response = step("post", client.post, path, data)
        assert response.status_code == 302, response.status_code
        assert step("page", client.get, response["Location"]).status_code == 200
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
    times.sort()
    cpu_times.sort()
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    print(
        f"{label}: {count} registrations, median {statistics.median(times):.1f} ms, "
        f"p95 {times[int(count * 0.95)]:.1f} ms per registration (CPU median "
        f"{statistics.median(cpu_times):.1f} ms, p95 {cpu_times[int(count * 0.95)]:.1f} ms), "
        f"{confirmed} confirmed"
    )
    steps = ", ".join(f"{name} {statistics.median(cpu):.1f}" for name, cpu in step_cpu.items())
    print(f"{label}: CPU median per step (ms): {steps}")


if __name__ == "__main__":
    arguments = (sys.argv[1] if len(sys.argv) > 1 else "run", int(os.environ.get("N", "150")))
    if os.environ.get("PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(main, *arguments)
        sort = os.environ.get("PROFILE_SORT", "cumulative")
        top = int(os.environ.get("PROFILE_TOP", "25"))
        pstats.Stats(profiler).sort_stats(sort).print_stats(top)
    else:
        main(*arguments)
