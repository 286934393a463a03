from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache

from core.cache import cache_is_up
from events import public
from events.models import Event
from members.models import Organisation, Province
from networks.models import ProvincialNetwork

from .celery import app as celery_app


def home(request):
    upcoming = public.upcoming(Event.objects.published()).values_list("pk", flat=True)
    context = {
        "upcoming_events": public.event_cards(list(upcoming[:4])),
        "active_member_count": Organisation.objects.active_members().count(),
        "network_count": ProvincialNetwork.objects.count(),
        "provinces_without_network": Province.objects.filter(networks__isnull=True).count(),
    }
    return render(request, "home.html", context)


def about(request):
    return render(request, "about.html")


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "down" to a load balancer
        return False
    return True


def _broker_ok():
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception:
        return False
    return True


@never_cache
def health(request):
    """Liveness for load balancers and monitoring: 200 when the database, the broker and the
    shared cache answer, 503 with the same JSON when one does not (never a 500)."""
    checks = {"database": _database_ok(), "broker": _broker_ok(), "cache": cache_is_up()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error"}
    body.update({name: "ok" if ok else "down" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)


def robots_txt(request):
    lines = [
        "User-agent: *",
        *(f"Disallow: /{code}/admin/" for code, _name in settings.LANGUAGES),
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@cache_control(public=True, max_age=86400)
def favicon_ico(request):
    """/favicon.ico, which browsers ask for on every page whatever the page links."""
    path = finders.find("img/favicon.ico")  # static/img/, from the source tree
    if path is None:
        raise Http404
    # FileResponse closes the file.
    return FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115


def bench_floor(request):
    """The benchmark's floor: the least a Django view served by the same gunicorn can cost."""
    return HttpResponse(b"ok", content_type="text/plain")
