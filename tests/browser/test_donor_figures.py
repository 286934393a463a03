"""The figures for donor reports, seen in a browser: tables and charts at phone and desktop
widths (screenshots under tests/browser/artifacts/)."""

import datetime

from django.utils import timezone

from tests.browser.conftest import ARTIFACTS, axe_violations, log_in, screenshot


def test_donor_figures_page(site, page):
    log_in(site, page, username="boss", superuser=True)
    today = timezone.localdate()
    end = today + datetime.timedelta(days=120)
    page.goto(
        f"{site}/km/admin/events/event/donor-figures/"
        f"?start={today.replace(day=1).isoformat()}&end={end.isoformat()}&grouping=month"
    )
    assert page.locator("svg[role=img]").count() == 6
    screenshot(page, "donor-figures-km")
    # Django's own breadcrumbs (on every admin page) are the only link-in-text finding.
    violations = axe_violations(page)
    assert [v for v in violations if ".breadcrumbs" not in v] == []


def test_sign_in_sheet_prints_on_a4_with_its_headings_on_every_page(site, page):
    """Chromium's own print of the page (what staff get from the Print button) for 40 people:
    several A4 pages, each starting with the column headings. Saved as
    tests/browser/artifacts/sign-in-sheet-print-km.pdf to look at."""
    from events.models import Event
    from tests.factories import RegistrationFactory

    event = Event.objects.get(slug="cbo-learning-forum-next")
    for number in range(37):
        RegistrationFactory(
            event=event,
            full_name=f"សុខ ដារ៉ា {number}",
            email=f"door{number}@example.org",
            phone="012 345 678",
        )
    log_in(site, page, username="boss", superuser=True)
    page.goto(f"{site}/km/admin/events/event/{event.pk}/sign-in-sheet/")
    assert page.locator("tbody tr").count() == 45  # 40 people and 5 blank rows
    row_height = page.locator("tbody tr").first.bounding_box()["height"]
    assert row_height >= 12 * 96 / 25.4 - 1  # at least 12 mm on screen too
    pdf = page.pdf(prefer_css_page_size=True)
    (ARTIFACTS / "sign-in-sheet-print-km.pdf").write_bytes(pdf)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages >= 3
