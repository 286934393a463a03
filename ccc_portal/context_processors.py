from django.conf import settings
from django.urls import translate_url


def site(request):
    """The portal's name and, for the language switcher and hreflang links, this page's URL in
    each language."""
    path = request.get_full_path()
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "SITE_URL": settings.SITE_URL,
        "language_alternates": [
            {"code": code, "name": name, "url": translate_url(path, code)}
            for code, name in settings.LANGUAGES
        ],
    }
