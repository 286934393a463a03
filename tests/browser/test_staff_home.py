"""The admin's home in Khmer opens on the staff desk, on a phone and a desktop, and the event
list fits a 1,280-pixel screen."""

from tests.browser.conftest import axe_violations, log_in, screenshot

OVERFLOW = """() => {
    const page = document.documentElement.scrollWidth - window.innerWidth;
    const results = document.querySelector('.results');
    return {page, results: results ? results.scrollWidth - results.clientWidth : 0};
}"""


def sign_in(page, site):
    log_in(site, page, username="boss", superuser=True)


def test_staff_home_in_khmer_stacks_on_a_phone(site, page):
    sign_in(page, site)
    page.goto(f"{site}/km/admin/")
    desk = page.locator(".desk")
    assert desk.locator("section").count() == 5
    assert "ខែ" in desk.locator(".desk-events .desk-when").first.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "staff-home-km")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate(OVERFLOW) == {"page": 0, "results": 0}, width
        # Nothing is set in capitals by CSS.
        assert desk.locator("h2").first.evaluate("h => getComputedStyle(h).textTransform") == (
            "none"
        )
    # On a phone the blocks are one under the other.
    page.set_viewport_size({"width": 375, "height": 900})
    boxes = [desk.locator("section").nth(i).bounding_box() for i in range(2)]
    assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"]


def test_event_list_fits_a_desktop_screen_in_khmer(site, page):
    sign_in(page, site)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/km/admin/events/event/")
    assert page.locator("#result_list tbody tr").count() > 0
    page.screenshot(path="tests/browser/artifacts/event-list-km-desktop.png", full_page=True)
    assert page.evaluate(OVERFLOW) == {"page": 0, "results": 0}


def test_registrations_event_filter_searches_in_khmer(site, page):
    sign_in(page, site)
    page.goto(f"{site}/km/admin/events/registration/?status__exact=confirmed")
    page.fill("#event-filter-q", "ICT")
    page.keyboard.press("Enter")
    page.wait_for_url("**event_q=ICT**")
    assert "status__exact=confirmed" in page.url
    choices = page.locator('details[data-filter-title="ព្រឹត្តិការណ៍"] li a').all_inner_texts()
    assert len(choices) >= 2 and all("ICT" in text or "បច្ចេកវិទ្យា" in text for text in choices[1:])
    screenshot(page, "registration-event-filter-km")
