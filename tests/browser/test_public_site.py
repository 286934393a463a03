"""A visitor's walk through the public site in a real browser, in Khmer and English."""

import re

from tests.browser.conftest import axe_violations, screenshot

MAX_MONTH_STEPS = 240  # bounded walk back through the calendar


def khmer_font_in_use(page):
    """True when the Khmer text of the page is drawn with our own web font."""
    return page.evaluate(
        """async () => {
            await document.fonts.ready;
            const faces = [...document.fonts].filter(f => f.family.includes('Kantumruy Pro'));
            return faces.some(f => f.status === 'loaded')
                && document.fonts.check('16px "Kantumruy Pro"', 'ខ្មែរ');
        }"""
    )


def assert_accessible(page):
    assert axe_violations(page) == []


def test_home_in_khmer_then_english_and_back(site, page):
    page.goto(f"{site}/km/")
    assert page.locator("html").get_attribute("lang") == "km"
    assert page.get_by_role("heading", level=2, name="ព្រឹត្តិការណ៍ខាងមុខ").is_visible()
    assert khmer_font_in_use(page)
    screenshot(page, "home-km")
    assert_accessible(page)

    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{site}/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Upcoming events").is_visible()
    screenshot(page, "home-en")

    page.get_by_role("link", name="ខ្មែរ").click()
    page.wait_for_url(f"{site}/km/")
    assert page.outside_requests == []


def test_walk_the_calendar_to_october_2023_and_open_the_members_meeting(site, page):
    page.goto(f"{site}/en/events/")
    assert_accessible(page)
    page.get_by_role("link", name="Month calendar").click()
    for _ in range(MAX_MONTH_STEPS):
        if page.get_by_role("heading", level=1).inner_text().endswith("October 2023"):
            break
        page.get_by_role("link", name=re.compile("Previous month")).click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("October 2023")
    screenshot(page, "calendar-2023-10-en")
    assert_accessible(page)

    page.get_by_role("link", name="BI-MONTHLY MEMBERS MEETING").click()
    assert page.get_by_role("heading", level=1).inner_text() == "BI-MONTHLY MEMBERS MEETING"
    assert "Tuesday 3 October 2023" in page.content()
    assert_accessible(page)

    page.goto(f"{site}/km/events/2023/10/")
    assert "ខែតុលា ឆ្នាំ២០២៣" in page.get_by_role("heading", level=1).inner_text()
    screenshot(page, "calendar-2023-10-km")
    assert_accessible(page)


def test_search_the_directory_with_a_khmer_fragment(site, page):
    page.goto(f"{site}/km/members/")
    page.get_by_label("ឈ្មោះ ឬអក្សរកាត់").fill("ជនពិការ")
    page.get_by_label("ឈ្មោះ ឬអក្សរកាត់").press("Enter")
    page.wait_for_url(re.compile(r"q="))
    assert page.get_by_role("link", name="អង្គការជនពិការកម្ពុជា").is_visible()
    screenshot(page, "directory-search-km")
    assert_accessible(page)
    page.get_by_role("link", name="អង្គការជនពិការកម្ពុជា").click()
    assert "CDPO" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)


def test_open_the_map_and_a_network(site, page):
    page.goto(f"{site}/en/networks/")
    assert page.locator("svg path[id^='KH-']").count() == 25
    screenshot(page, "networks-en")
    assert_accessible(page)
    page.get_by_role("link", name="Ratanakiri NGOs Network").first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Ratanakiri NGOs Network")
    assert_accessible(page)
    page.goto(f"{site}/km/networks/")
    screenshot(page, "networks-km")
    assert khmer_font_in_use(page)


def test_keyboard_reaches_the_main_content_first(site, page):
    page.goto(f"{site}/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
