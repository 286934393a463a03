"""The demo forum's public report, its series' "events and results" page and the staff preview,
in Khmer and English, at phone and desktop widths: photos load lazily with their text
alternative, no serious accessibility problem, no registrant's name."""

import mimetypes
from pathlib import Path

import pytest
from django.conf import settings

from core.roles import EVENT_COORDINATORS
from events.models import EventReport, Registration
from tests.browser.conftest import axe_violations, log_in, screenshot

EVENT_PATH = "events/cbo-learning-forum-2023-09/"
SERIES_PATH = "events/series/cbo-learning-forum/events/"


@pytest.fixture
def report_site(settings, tmp_path, transactional_db, live_server):
    """The demo, with its photos and their web copies under a folder of this test's own."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    from demo.loader import load_demo

    load_demo()
    return live_server.url


def serve_media(page):
    """The web server serves MEDIA_ROOT in production; the test server does not (DEBUG off)."""

    def fulfil(route):
        name = route.request.url.split("/media/", 1)[1]
        path = Path(settings.MEDIA_ROOT) / name
        if not path.is_file():
            route.fulfill(status=404, body="")
            return
        route.fulfill(
            status=200, body=path.read_bytes(), content_type=mimetypes.guess_type(path.name)[0]
        )

    page.route("**/media/**", fulfil)


def photos_loaded(page):
    images = page.locator("section[aria-labelledby=report-heading] img")
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('section[aria-labelledby=report-heading] img')]"
        ".every(image => image.complete && image.naturalWidth > 0)"
    )
    return images


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_report_on_the_event_page(report_site, page, language):
    serve_media(page)
    page.goto(f"{report_site}/{language}/{EVENT_PATH}")
    assert page.locator("#report-heading").is_visible()
    images = photos_loaded(page)
    assert images.count() == 3
    for index in range(3):
        image = images.nth(index)
        assert image.get_attribute("loading") == "lazy"
        assert image.get_attribute("alt")
        assert int(image.get_attribute("width")) <= 480
    content = page.content()
    for name in Registration.objects.values_list("full_name", flat=True):
        assert name not in content
    assert "@example.org" not in page.content()
    assert axe_violations(page) == []
    assert page.outside_requests == []
    screenshot(page, f"report-event-{language}")


def test_the_series_page_and_the_staff_preview(report_site, page):
    page.goto(f"{report_site}/km/{SERIES_PATH}")
    assert page.locator("h1").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "report-series-km")
    page.goto(f"{report_site}/en/{SERIES_PATH}")
    page.get_by_role("link", name="Minutes of the meetings").click()
    page.get_by_role("link", name="Events and results").click()
    assert SERIES_PATH in page.url

    report = EventReport.objects.get()
    log_in(report_site, page, group=EVENT_COORDINATORS)
    serve_media(page)
    page.goto(f"{report_site}/en/admin/events/eventreport/{report.pk}/change/")
    screenshot(page, "report-admin-en")
    page.get_by_role("link", name="See the report as the public will see it").click()
    photos_loaded(page)
    assert "This report is shown on the event's public page." in page.content()
    assert axe_violations(page) == []
    screenshot(page, "report-preview-en")
