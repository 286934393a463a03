"""Whole-page caching of public pages for anonymous visitors, per URL (and so per language),
dropped as soon as data that public pages show changes.

The whole response is kept (Django's cache pickles it, headers included), so a page served
from the cache carries the same headers as the page it was cached from. Keys are versioned
with Django's cache versions: a change to a watched model bumps one shared version number, so
every web process sharing the cache (Redis) renders afresh on its next request. Outbox,
delivery and job rows are not watched: sending 1,000 reminders drops nothing.

Registrations come many a minute when a forum opens, and only the events' pages show them (seats
left, participation): they bump a version of their own (REGISTRATIONS_SCOPE), which the pages
in REGISTRATION_FREE_SECTIONS (the directory, the networks, about) do not read, so those stay
cached meanwhile. Every other page reads both: a new page is safe until it is listed there.

Only safe responses are kept: GET requests without a session or messages cookie, status 200,
no cookie set, no CSRF token used on the page (a form), nothing under /admin/ or the
registrant's own pages. When the cache is down, pages are served uncached.
"""

import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .cache import cache_call_or

VERSION_KEY = "page-cache-version"
# What a change drops: every page (ALL_SCOPE), or the pages that may show registrations.
ALL_SCOPE = "all"
REGISTRATIONS_SCOPE = "registrations"
SCOPE_KEYS = {ALL_SCOPE: VERSION_KEY, REGISTRATIONS_SCOPE: f"{VERSION_KEY}:{REGISTRATIONS_SCOPE}"}
# Sections of the site that show nothing of registrations (after the language: /km/members/).
REGISTRATION_FREE_SECTIONS = ("members", "networks", "about")
PERSONAL_COOKIES = ("sessionid", "messages")
UNCACHED_PARTS = ("/admin/", "/registrations/", "/register/", "/account/")


def current_version(scope=ALL_SCOPE):
    return cache_call_or(None, "get_or_set", SCOPE_KEYS[scope], 1, timeout=None)


def invalidate(scope=ALL_SCOPE):
    """Drop the cached pages of `scope`: the next request in any web process renders afresh.
    Inside a transaction, again once it commits: a page rendered in between (in another
    process) read the data from before the change and was cached under the new version."""
    _bump_version(scope)
    transaction.on_commit(lambda: _bump_version(scope))


def _bump_version(scope=ALL_SCOPE):
    key = SCOPE_KEYS[scope]
    try:
        cache_call_or(None, "incr", key)
    except ValueError:  # no version yet: the first change, or the cache was emptied
        if not cache_call_or(None, "add", key, 2, timeout=None):
            cache_call_or(None, "incr", key)  # another process made it meanwhile


def drop_cached_pages_on_change(*models, scope=ALL_SCOPE):
    """Watch `models`: any save, delete or many-to-many change of theirs drops the cached pages
    of `scope` (every page, or REGISTRATIONS_SCOPE: those that may show registrations).

    Each app calls this in ready() for the models its public pages show. Writes through
    QuerySet.update() send no signal: a service that changes public data that way calls
    invalidate() itself.
    """

    def receiver(**kwargs):
        invalidate(scope)

    for model in models:
        uid = f"page-cache-{model._meta.label}"
        # weak=False: the receiver is a closure that nothing else holds.
        post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                receiver, sender=field.remote_field.through, dispatch_uid=uid, weak=False
            )


def _request_version(request):
    """The version the request's page is kept under: the version of every page, and for a page
    that may show registrations that of registrations too; None when the cache is down."""
    general = current_version()
    if general is None or _shows_no_registrations(request.path):
        return general
    registrations = current_version(REGISTRATIONS_SCOPE)
    if registrations is None:
        return None
    return f"{general}.{registrations}"


def _shows_no_registrations(path):
    # /km/members/... -> ["", "km", "members", ...]; an event named "about" is not "about".
    parts = path.split("/")
    languages = {code for code, _name in settings.LANGUAGES}
    return len(parts) > 2 and parts[1] in languages and parts[2] in REGISTRATION_FREE_SECTIONS


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


def _key(request):
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{digest}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not _cacheable_request(request):
            return self.get_response(request)
        version = _request_version(request)
        if version is None:  # the cache is down: serve the page as it is
            return self.get_response(request)
        key = _key(request)
        cached = cache_call_or(None, "get", key, version=version)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if _cacheable_response(request, response):
            cache_call_or(None, "set", key, response, seconds, version=version)
        return response
