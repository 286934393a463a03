"""The Khmer admin's counts stay in Khmer digits as staff tick rows (Django's script writes
them)."""

from tests.browser.conftest import log_in

KHMER_DIGITS = set("០១២៣៤៥៦៧៨៩")


def test_ticking_rows_keeps_the_counter_in_khmer_digits(site, page):
    log_in(site, page, username="boss", superuser=True)
    page.goto(f"{site}/km/admin/members/province/")
    counter = page.locator(".action-counter")
    assert not any(
        character.isascii() and character.isdigit() for character in counter.inner_text()
    )
    page.locator("input.action-select").nth(0).check()
    page.locator("input.action-select").nth(1).check()
    page.wait_for_function(
        "() => document.querySelector('.action-counter').textContent.includes('២')"
    )
    text = counter.inner_text()
    assert KHMER_DIGITS & set(text)
    assert not any(character.isascii() and character.isdigit() for character in text)
