"""A fixed-window rate limit on Django's cache (Redis when several web processes share it)."""

from django.core.cache import cache


def client_address(request):
    # Behind a proxy, configure it to set REMOTE_ADDR (for example gunicorn's
    # --forwarded-allow-ips with the proxy's X-Forwarded-For).
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limited(request, *, scope, limit, window_seconds):
    """Count this request; True when the address went over `limit` in the current window."""
    key = f"ratelimit:{scope}:{client_address(request)}"
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count > limit
