"""The certificate's public page, found and not found, and the staff's certificates page in
the Khmer admin: readable at phone and desktop widths, no serious accessibility problem."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ccc_portal.permissions import EVENT_COORDINATORS, sync_staff_groups
from events.certificates import certificate_code
from events.models import Registration
from tests.browser.conftest import axe_violations, screenshot


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
    user = get_user_model().objects.create_user(
        "dara", "dara@example.org", "a-long-password-1", is_staff=True
    )
    sync_staff_groups(apps)  # a transactional test before this one may have emptied the table
    user.groups.add(Group.objects.get(name=EVENT_COORDINATORS))
    page.goto(f"{site}/km/admin/login/")
    page.fill("#id_username", "dara")
    page.fill("#id_password", "a-long-password-1")
    page.locator("input[type=submit]").click()
    page.goto(f"{site}/km/admin/events/event/{registration.event_id}/certificates/")
    assert registration.full_name in page.locator("#content").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "certificates-admin-km")
    page.goto(f"{site}/km/admin/events/event/{registration.event_id}/certificates-send/")
    assert axe_violations(page) == []
    screenshot(page, "certificates-send-km")
