"""A fixed-window rate limit per client address, counted in the shared cache.

The address: behind a reverse proxy every request comes from the proxy, so the client's
address is taken from X-Forwarded-For, but only when the connecting peer is one of
TRUSTED_PROXIES; anyone else could write that header themselves. django-ipware reads the
header; the proxy appends the address it saw, so the right-most entry is the client.

When the shared cache is down, counting goes on in this process's memory: a limit per
process is weaker, but a rate limit that fails a registration would be worse.
"""

import ipaddress
from functools import cache

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from ipware import get_client_ip

from .cache import CacheUnavailable, guarded_cache

_fallback_counter = LocMemCache("ratelimit-fallback", {"MAX_ENTRIES": 10_000})


@cache
def _trusted_networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted_proxy(address):
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request):
    """The visitor's address: REMOTE_ADDR, or what a trusted proxy says it saw (None when
    the request came from code, not a socket). Also django-axes's AXES_CLIENT_IP_CALLABLE."""
    peer = request.META.get("REMOTE_ADDR") or None  # None for requests made in code
    if not _is_trusted_proxy(peer):
        return peer
    forwarded, _routable = get_client_ip(
        request,
        proxy_count=0,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return forwarded or peer


def _increment(counter, key, window_seconds):
    """One round trip while the window runs (incr), two when it starts (add)."""
    try:
        return counter.incr(key)
    except ValueError:  # no window yet, or it has just ended
        if counter.add(key, 1, timeout=window_seconds):
            return 1
    try:
        return counter.incr(key)  # another request started the window meanwhile
    except ValueError:  # ... and it ended already
        counter.set(key, 1, timeout=window_seconds)
        return 1


def rate_limited(request, *, scope, limit, window_seconds):
    """Count this request; True when the address went over `limit` in the current window."""
    key = f"ratelimit:{scope}:{client_address(request) or 'unknown'}"
    try:
        count = _increment(guarded_cache, key, window_seconds)
    except CacheUnavailable:
        count = _increment(_fallback_counter, key, window_seconds)
    return count > limit
