"""Error pages with DEBUG off: in the visitor's language, in the site's layout, with a way home.

New strings reach the Khmer catalogue later, so expected text is the msgid's translation under
translation.override (what a Khmer visitor will read once it is translated), never hard-coded.
"""

import pytest
from django.conf import settings as django_settings
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from ccc_portal import errors, urls
from events.models import Registration
from tests.factories import EventFactory

FAILING_URLS = pytest.mark.urls("tests.error_urls")


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def translated(msgid, language):
    with translation.override(language):
        return escape(gettext(msgid))


def assert_site_page(response, language, *msgids):
    """The site's layout in `language`, the page's own words, and a link home."""
    text = response.text
    assert f'<html lang="{language}">' in text
    assert 'class="site-header"' in text and 'class="site-footer' in text
    assert translated("Events", language) in text  # the navigation, in that language
    for msgid in msgids:
        assert translated(msgid, language) in text
    assert f'class="btn btn-primary" href="/{language}/"' in text
    assert translated("Go to the home page", language) in text
    assert response["Content-Language"] == language


def test_handlers_and_csrf_failure_view_are_ours():
    assert urls.handler400 == "ccc_portal.errors.bad_request"
    assert urls.handler403 == "ccc_portal.errors.permission_denied"
    assert urls.handler404 == "ccc_portal.errors.page_not_found"
    assert urls.handler500 == "ccc_portal.errors.server_error"
    assert django_settings.CSRF_FAILURE_VIEW == "ccc_portal.errors.csrf_failure"


@pytest.mark.parametrize("language", ["km", "en"])
def test_404_follows_the_url_prefix(client, db, language):
    response = client.get(f"/{language}/no-such-page/", headers={"accept-language": "fr"})
    assert response.status_code == 404
    assert_site_page(response, language, "Page not found")
    assert "<h1>Not Found</h1>" not in response.text  # Django's bare page
    other = {"km": "en", "en": "km"}[language]
    assert f'href="/{other}/no-such-page/" hreflang="{other}"' in response.text


def test_khmer_404_is_in_khmer():
    # "Page not found" is already in the Khmer catalogue (Django's own msgid).
    assert translated("Page not found", "km") == "រកមិនឃើញទំព័រ"


def test_404_raised_by_a_view_uses_the_layout_too(client, db):
    response = client.get("/km/events/no-such-event/")
    assert response.status_code == 404
    assert_site_page(response, "km", "Page not found")


@pytest.mark.parametrize(
    ("accept", "language"), [("en-GB,en;q=0.9", "en"), ("km,en;q=0.5", "km"), ("", "km")]
)
@pytest.mark.parametrize("path", ["/no-such-page/", "/healthz"])
def test_paths_without_a_prefix_follow_the_browser(client, db, accept, language, path):
    response = client.get(path, headers={"accept-language": accept})
    assert response.status_code == 404
    assert_site_page(response, language, "Page not found")
    assert "Accept-Language" in response["Vary"]


@FAILING_URLS
@pytest.mark.parametrize("language", ["km", "en"])
def test_403(client, db, language):
    response = client.get(f"/{language}/denied/")
    assert response.status_code == 403
    assert_site_page(response, language, "Access denied")


@FAILING_URLS
@pytest.mark.parametrize("language", ["km", "en"])
def test_400(client, db, language):
    response = client.get(f"/{language}/suspicious/")
    assert response.status_code == 400
    assert_site_page(response, language, "Bad request")
    assert "malformed" not in response.text


@pytest.mark.parametrize("language", ["km", "en"])
def test_csrf_failure_is_explained_in_the_visitors_language(db, language):
    event = EventFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/{language}/events/{event.slug}/register/",
        {"full_name": "Sok Dara", "email": "dara@example.org", "gender": "female"},
    )
    assert response.status_code == 403
    assert_site_page(response, language, "The form could not be sent")
    text = response.text
    for english in ["Forbidden", "CSRF verification failed", "Request aborted"]:
        assert english not in text
        assert translated(english, language) not in text
    assert REASON_NO_CSRF_COOKIE not in text and "CSRF" not in text
    assert not Registration.objects.exists()


@FAILING_URLS
@pytest.mark.parametrize("language", ["km", "en"])
def test_500_in_the_urls_language(db, language):
    client = Client(raise_request_exception=False)
    response = client.get(f"/{language}/broken/")
    assert response.status_code == 500
    assert_site_page(response, language, "Server error")
    assert "a bug in a view" not in response.text


@FAILING_URLS
def test_500_without_a_prefix_follows_the_browser(db):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/", headers={"accept-language": "en-US,en;q=0.8"})
    assert response.status_code == 500
    assert_site_page(response, "en", "Server error")


@FAILING_URLS
def test_500_page_needs_no_database():
    """No `db` fixture: any query (a session read for flash messages, say) would fail the page
    over to the bare fallback, which has no site header."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-the-page-must-not-load"
    response = client.get("/km/broken/")
    assert response.status_code == 500
    assert_site_page(response, "km", "Server error")


@FAILING_URLS
def test_500_falls_back_to_a_bare_page_when_the_template_fails(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the template could not be rendered")

    monkeypatch.setattr(errors.loader, "render_to_string", fail)
    client = Client(raise_request_exception=False)
    response = client.get("/km/broken/")
    assert response.status_code == 500
    assert '<html lang="km">' in response.text
    assert translated("Server error", "km") in response.text
    assert 'href="/km/"' in response.text
