"""Check-in on a phone (375 px): tap people in, lose the connection, keep tapping, and see the
taps kept on the phone and sent when the connection returns."""

import re

from django.utils import translation
from django.utils.translation import gettext

from ccc_portal.permissions import CCC_STAFF
from events.checkin_codes import checkin_url
from events.models import Event, Registration
from tests.browser.conftest import axe_violations, log_in, screenshot
from tests.factories import RegistrationFactory

KHMER_DIGITS = set("០១២៣៤៥៦៧៨៩")


def log_in_as_staff(page, site, next_path):
    log_in(site, page, username="door", group=CCC_STAFF, next_path=next_path)
    page.wait_for_url(re.compile(re.escape(next_path) + "$"))


def row(page, registration):
    return page.locator(f"#r{registration.pk}")


def status_of(*registrations):
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def test_check_in_on_a_phone_through_a_dropped_connection(site, page):
    page.set_viewport_size({"width": 375, "height": 800})
    event = Event.objects.get(slug="cbo-learning-forum-next")
    sokha, dara, vanna = [
        RegistrationFactory(event=event, email=f"door{n}@example.org", **fields)
        for n, fields in enumerate(
            [
                {"full_name": "សុខា ចាន់", "phone": "+85512345678"},
                {"full_name": "ដារ៉ា គឹម", "organisation_name": "ក្រុមភូមិ"},
                {"full_name": "វណ្ណា សុខ"},
            ]
        )
    ]
    path = f"/km/staff/events/{event.pk}/check-in/"
    log_in_as_staff(page, site, path)
    assert axe_violations(page) == []
    assert page.locator(".checkin-bar").evaluate("el => getComputedStyle(el).position") == (
        "sticky"
    )
    # A thumb-sized target.
    box = row(page, sokha).get_by_role("button").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 100

    # The search filters the list as it is typed, in Khmer or by phone.
    page.fill("#checkin-q", "ដារ៉ា")
    assert row(page, dara).is_visible() and not row(page, sokha).is_visible()
    page.fill("#checkin-q", "០១២ ៣៤៥")
    assert row(page, sokha).is_visible() and not row(page, dara).is_visible()
    page.fill("#checkin-q", "")

    # Online: one tap, and the server has it.
    row(page, sokha).get_by_role("button").click()
    page.wait_for_selector(f"#r{sokha.pk}.is-attended:not(.is-pending)")
    page.wait_for_function(
        "() => document.querySelector('[data-count=checked_in]').textContent == '១'"
    )
    assert status_of(sokha) == ["attended"]

    # Offline: two more taps stay on the phone, counted in Khmer digits.
    page.context.set_offline(True)
    row(page, dara).get_by_role("button").click()
    row(page, vanna).get_by_role("button").click()
    queue = page.locator("[data-queue]")
    with translation.override("km"):
        expected = gettext("%(count)s waiting to send") % {"count": "២"}
    queue.wait_for(state="visible")
    assert queue.inner_text() == expected
    assert not re.search(r"[0-9]", queue.inner_text())
    assert set(row(page, dara).get_attribute("class").split()) == {
        "checkin-person",
        "is-attended",
        "is-pending",
    }
    assert status_of(dara, vanna) == ["confirmed", "confirmed"]
    stored = page.evaluate(f"() => localStorage.getItem('ccc-checkin-queue:{event.pk}')")
    assert f'"id":"{dara.pk}"' in stored and f'"id":"{vanna.pk}"' in stored
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, "checkin-km")

    # Back online: the queue drains, in order, and the server has both.
    page.context.set_offline(False)
    queue.wait_for(state="hidden", timeout=15000)
    assert status_of(sokha, dara, vanna) == ["attended", "attended", "attended"]
    page.wait_for_function(
        "() => document.querySelector('[data-count=checked_in]').textContent == '៣'"
    )
    assert page.evaluate(f"() => localStorage.getItem('ccc-checkin-queue:{event.pk}')") == "[]"

    # One tap undoes; a reload shows the server's state.
    row(page, vanna).get_by_role("button").click()
    page.wait_for_selector(f"#r{vanna.pk}:not(.is-attended):not(.is-pending)")
    assert status_of(vanna) == ["confirmed"]
    page.reload()
    assert "is-attended" in row(page, dara).get_attribute("class")
    assert "is-attended" not in row(page, vanna).get_attribute("class")
    assert page.outside_requests == []


def test_the_qr_code_opens_the_card_for_staff(site, page):
    """The registrant's page shows the code; staff who open its URL get the card and check
    the person in with one tap."""
    page.set_viewport_size({"width": 375, "height": 800})
    event = Event.objects.get(slug="cbo-learning-forum-next")
    person = RegistrationFactory(
        event=event,
        email="qr@example.org",
        full_name="សុខា ចាន់",
        phone="+85512345678",
        accessibility_needs="Wheelchair access",
    )
    page.goto(f"{site}/km/registrations/{person.cancel_token}/")
    qr = page.locator("figure.checkin-qr svg")
    assert qr.get_attribute("role") == "img"
    assert qr.bounding_box()["width"] >= 150
    assert axe_violations(page) == []
    screenshot(page, "checkin-registrant-qr-km")

    card = checkin_url(person).removeprefix("http://testserver")
    log_in_as_staff(page, site, card)
    assert page.get_by_role("heading", level=1).inner_text() == "សុខា ចាន់"
    assert "012 345 678" in page.content()
    assert axe_violations(page) == []
    page.locator(".checkin-card").get_by_role("button").click()
    page.wait_for_selector(".checkin-card.is-attended:not(.is-pending)")
    assert status_of(person) == ["attended"]
    screenshot(page, "checkin-card-km")

    page.goto(f"{site}/km/staff/events/{event.pk}/check-in/walk-in/")
    assert axe_violations(page) == []
    screenshot(page, "checkin-walk-in-km")


def test_check_in_without_javascript_is_a_form_post(site, browser):
    """Progressive enhancement: the same page with the script off still checks people in."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        event = Event.objects.get(slug="cbo-learning-forum-next")
        person = RegistrationFactory(event=event, full_name="Plain Post", email="plain@example.org")
        path = f"/en/staff/events/{event.pk}/check-in/"
        log_in_as_staff(page, site, path)
        row(page, person).get_by_role("button").click()
        page.wait_for_url(re.compile(rf"#r{person.pk}$"))
        assert "Checked in: Plain Post." in page.content()
        assert status_of(person) == ["attended"]
    finally:
        context.close()
