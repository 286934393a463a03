"""The Permissions-Policy header: which browser features our pages may use.

Django has no setting for it (Content-Security-Policy comes from django-csp, Referrer-Policy
from SecurityMiddleware). Every feature is denied, except the camera on the staff check-in
pages (`checkin` URL namespace), which a scanner on the door phone may use.
"""

from django.conf import settings

CAMERA_NAMESPACES = ("checkin",)


def _header(features):
    return ", ".join(f"{feature}=({allow})" for feature, allow in features.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        features = dict(settings.PERMISSIONS_POLICY)
        self.default = _header(features)
        self.with_camera = _header({**features, "camera": "self"})

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        header = (
            self.with_camera
            if match is not None and match.namespace in CAMERA_NAMESPACES
            else self.default
        )
        response.headers.setdefault("Permissions-Policy", header)
        return response


def allow_style_attributes(response):
    """Let this one response's page use style="" attributes (CSP style-src-attr).

    For pages that show our HTML emails in an <iframe srcdoc>: the frame inherits the page's
    Content-Security-Policy, and emails are styled with style attributes (mail clients ignore
    style sheets). Scripts and <style> elements stay forbidden. Returns the response.
    """
    update = {"style-src-attr": ["'unsafe-inline'"]}
    response._csp_update = update  # what csp.decorators.csp_update sets
    response._csp_update_ro = update
    return response
