"""The portal's URLs plus views that fail, for the error-page tests (pytest.mark.urls)."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from ccc_portal.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def broken(request):
    raise RuntimeError("a bug in a view")


def denied(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("a malformed request")


failing = [
    path("broken/", broken),
    path("denied/", denied),
    path("suspicious/", suspicious),
]

urlpatterns = [*urlpatterns, *failing, *i18n_patterns(*failing)]
