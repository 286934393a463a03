"""Register in a browser, see the confirmation, and cancel from the link in the email."""

import re

from django.core import mail

from events.models import Registration
from tests.browser.conftest import axe_violations, screenshot


def test_register_confirm_and_cancel_from_the_email(site, page, tasks_inline):
    page.goto(f"{site}/km/events/cbo-learning-forum-next/")
    page.get_by_role("link", name="ចុះឈ្មោះ").first.click()
    assert axe_violations(page) == []
    page.get_by_label("ឈ្មោះពេញ").fill("សុខ ដារ៉ា")
    page.locator("#id_organisation_name").fill("ក្រុមគាំទ្រភូមិ")
    page.get_by_label("ភេទ").select_option("female")
    page.get_by_label("អ៊ីមែល").fill("dara@example.org")
    page.get_by_label("លេខទូរស័ព្ទ").fill("012 345 678")
    page.get_by_role("checkbox").check()
    screenshot(page, "register-form-km")
    page.get_by_role("button", name="ចុះឈ្មោះ").click()

    page.wait_for_url(re.compile(r"/km/registrations/"))
    assert page.get_by_role("status").first.is_visible()
    screenshot(page, "register-done-km")
    registration = Registration.objects.get(email="dara@example.org")
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.phone == "+85512345678"

    (message,) = [m for m in mail.outbox if m.to == ["dara@example.org"]]
    cancel_link = re.search(r"https?://\S+/cancel/", message.body).group(0)
    path = cancel_link.split("/km/", 1)[1]
    page.goto(f"{site}/km/{path}")
    assert axe_violations(page) == []
    page.get_by_role("button").filter(has_text="បោះបង់").first.click()
    page.wait_for_url(re.compile(r"/km/registrations/[^/]+/$"))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
