"""Whole-page caching of public pages for anonymous visitors, per URL (and so per language),
dropped as soon as staff or a registrant change anything.

Only safe responses are kept: GET requests without a session or messages cookie, status 200,
no cookie set, no CSRF token used on the page (a form), nothing under /admin/ or the
registrant's own pages. Every save or delete of a portal model bumps a version number that is
part of every key, so the next request renders afresh. Several web processes must share the
cache (REDIS_CACHE_URL) for the bump to reach all of them.
"""

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse

VERSION_KEY = "page-cache-version"
PERSONAL_COOKIES = ("sessionid", "messages")
UNCACHED_PARTS = ("/admin/", "/registrations/", "/register/")


def _cache():
    return caches["default"]


def current_version():
    return _cache().get_or_set(VERSION_KEY, 1, timeout=None)


def invalidate(**kwargs):
    """Drop every cached page (connected to post_save and post_delete of portal models)."""
    cache = _cache()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def _cacheable_request(request):
    return (
        request.method == "GET"
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
        and not any(part in request.path for part in UNCACHED_PARTS)
    )


def _cacheable_response(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
        and "no-cache" not in response.get("Cache-Control", "")
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = settings.PAGE_CACHE_SECONDS

    def __call__(self, request):
        if not self.seconds or not _cacheable_request(request):
            return self.get_response(request)
        key = f"page:{current_version()}:{request.get_full_path()}"
        cached = _cache().get(key)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _cacheable_response(request, response):
            _cache().set(key, (response.content, response["Content-Type"]), self.seconds)
        return response
