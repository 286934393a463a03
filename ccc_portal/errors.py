"""Error pages (400, 403, CSRF failure, 404, 500) in the visitor's language and the site's
layout, each with a link back to the home page in that language.

The language is the URL's prefix (/km/..., /en/...); a path without one (/no-such-page/,
/healthz) gets the browser's choice (the language cookie, then Accept-Language), as
LocaleMiddleware would choose it.

Pages are rendered without the request's context processors, from the few values base.html
needs (the request itself, the portal's name, the language links): an error page must not use
up the visitor's flash messages, and the 500 page must not read the database (messages and
sessions live there) nor lean on anything else that may be what failed. If even that fails,
the 500 page falls back to a bare page written here.
"""

import logging
from html import escape

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def error_language(request):
    """The URL's language prefix, else the browser's language, else the site's default."""
    try:
        language = translation.get_language_from_path(request.path_info)
        return language or translation.get_language_from_request(request)
    except Exception:  # a request too broken to read: the error page must still be shown
        return settings.LANGUAGE_CODE


def _path_in(language, path):
    """`path` under `language`'s prefix: the same error page in another language."""
    if translation.get_language_from_path(path):
        path = "/" + path.lstrip("/").partition("/")[2]
    return f"/{language}{path}"


def _home_url(language):
    with translation.override(language):
        try:
            return reverse("home")
        except NoReverseMatch:
            return f"/{language}/"


def _render(request, template_name, status):
    language = error_language(request)
    path = request.path_info
    with translation.override(language):
        context = {
            # The header reads request.resolver_match (None for a 404): an attribute, no query.
            "request": request,
            "PORTAL_NAME": settings.PORTAL_NAME,
            "SITE_URL": settings.SITE_URL,
            "language_alternates": [
                {"code": code, "name": name, "url": _path_in(code, path)}
                for code, name in settings.LANGUAGES
            ],
            "home_url": _home_url(language),
            "status_code": status,
        }
        content = loader.render_to_string(template_name, context)
    response = HttpResponse(content, status=status)
    response["Content-Language"] = language
    if not translation.get_language_from_path(path):
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def bad_request(request, exception):
    return _render(request, "400.html", 400)


def permission_denied(request, exception):
    return _render(request, "403.html", 403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW. Django's `reason` is for the log (the middleware logs it), never for
    the visitor: it is technical and in English."""
    return _render(request, "403_csrf.html", 403)


def page_not_found(request, exception):
    return _render(request, "404.html", 404)


def server_error(request):
    try:
        return _render(request, "500.html", 500)
    except Exception:
        logger.exception("The 500 page could not be rendered; sending the bare one")
        return _bare_server_error(error_language(request))


def _bare_server_error(language):
    with translation.override(language):
        title = escape(_("Server error"))
        text = escape(_("Something went wrong on our side. Please try again in a few minutes."))
        home = escape(_("Go to the home page"))
    content = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p>"
        f'<p><a href="/{language}/">{home}</a></p></body></html>'
    )
    response = HttpResponse(content, status=500)
    response["Content-Language"] = language
    return response
