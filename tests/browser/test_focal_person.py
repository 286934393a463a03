"""A member organisation's focal person, in a browser, in Khmer (issue 16): sign in with the
emailed one-time link, propose a change to the directory entry, register two colleagues for a
forum and find them on the organisation's page."""

import re

from django.core import mail

from accounts.models import ProfileChange
from events.models import Registration
from tests.browser.conftest import axe_violations, screenshot
from tests.factories import EventFactory

FOCAL_EMAIL = "focal.person@health.example.org"  # the demo's (demo/accounts.py)


def test_a_focal_person_signs_in_proposes_a_change_and_registers_colleagues_in_khmer(
    site, page, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the sign-in link is sent by a task
    event = EventFactory(
        slug="forum-for-colleagues",
        title_km="វេទិកាសិក្សាសម្រាប់សហការី",
        title_en="Learning forum for colleagues",
        capacity=1,
    )

    # 1. Ask for a link; it comes by email, in Khmer.
    page.goto(f"{site}/km/account/sign-in/")
    assert axe_violations(page) == []
    page.locator("#id_email").fill(FOCAL_EMAIL)
    screenshot(page, "focal-sign-in-km")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    (message,) = [m for m in mail.outbox if m.to == [FOCAL_EMAIL]]
    link = re.search(r"https?://\S+/km/account/sign-in/link/\?sesame=\S+", message.body).group(0)

    # 2. The link shows a button (opening it signs nobody in); pressing it does.
    page.goto(site + "/km/" + link.split("/km/", 1)[1])
    screenshot(page, "focal-sign-in-confirm-km")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/km/account/$"))
    assert "អង្គការសុខភាពសហគមន៍ (គំរូ)" in page.content()
    assert axe_violations(page) == []

    # 3. Propose a new English description: it waits for staff.
    page.goto(f"{site}/km/account/profile/")
    page.locator("#id_description_en").fill("We coordinate NGOs' work on land and forests.")
    screenshot(page, "focal-profile-change-km")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    change = ProfileChange.objects.get()
    assert change.status == ProfileChange.Status.PENDING
    assert change.after["description_en"].startswith("We coordinate")

    # 4. Register two colleagues: one seat, so the second waits; the page says which.
    page.goto(f"{site}/km/account/register/{event.slug}/")
    assert axe_violations(page) == []
    for index, (name, email) in enumerate(
        [("សុខ ដារ៉ា", "dara@health.example.org"), ("ចាន់ វណ្ណា", "vanna@health.example.org")]
    ):
        page.locator(f"#id_people-{index}-full_name").fill(name)
        page.locator(f"#id_people-{index}-email").fill(email)
        page.locator(f"#id_people-{index}-gender").select_option("female")
    page.locator("#id_consent").check()
    screenshot(page, "focal-group-register-km")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/done/$"))
    screenshot(page, "focal-group-done-km")
    statuses = dict(Registration.objects.filter(event=event).values_list("full_name", "status"))
    assert statuses == {"សុខ ដារ៉ា": "confirmed", "ចាន់ វណ្ណា": "waiting"}

    # 5. Both are on the organisation's page.
    page.goto(f"{site}/km/account/")
    content = page.content()
    assert "សុខ ដារ៉ា" in content and "ចាន់ វណ្ណា" in content
    assert axe_violations(page) == []
    screenshot(page, "focal-organisation-km")
