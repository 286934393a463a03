"""The certificate's public page, found and not found, and the staff's certificates page in
the Khmer admin: readable at phone and desktop widths, no serious accessibility problem."""

from ccc_portal.permissions import EVENT_COORDINATORS
from events.certificates import certificate_code
from events.models import Registration
from tests.browser.conftest import axe_violations, log_in, screenshot


def _attendee():
    registration = Registration.objects.filter(status="confirmed").select_related("event").first()
    registration.status = "attended"
    registration.save()
    return registration


def test_the_public_page_confirms_a_certificate(site, page):
    registration = _attendee()
    response = page.goto(f"{site}/km/certificates/{certificate_code(registration)}/")
    assert response.status == 200
    assert registration.full_name in page.locator("main").inner_text()
    assert registration.email not in page.content()
    assert axe_violations(page) == []
    assert page.outside_requests == []
    screenshot(page, "certificate-verify-km")

    response = page.goto(f"{site}/en/certificates/1-AAAAAAAAAAAA/")
    assert response.status == 404
    assert axe_violations(page) == []
    screenshot(page, "certificate-not-found-en")


def test_staff_see_the_attendees_and_how_many_will_be_emailed(site, page):
    registration = _attendee()
    log_in(site, page, username="dara", group=EVENT_COORDINATORS)
    page.goto(f"{site}/km/admin/events/event/{registration.event_id}/certificates/")
    assert registration.full_name in page.locator("#content").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "certificates-admin-km")
    page.goto(f"{site}/km/admin/events/event/{registration.event_id}/certificates-send/")
    assert axe_violations(page) == []
    screenshot(page, "certificates-send-km")
