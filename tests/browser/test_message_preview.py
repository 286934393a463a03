"""CCC staff, in the Khmer admin, write to an event's registrants in both languages and see,
before anything is sent, how many people it goes to and how each language's email looks."""

from django.db.models import Count, Q
from playwright.sync_api import expect

from ccc_portal.permissions import CCC_STAFF
from events.models import Event, EventMessage
from tests.browser.conftest import axe_violations, log_in, screenshot

KHMER_DIGITS = set("០១២៣៤៥៦៧៨៩")
KHMER_SUBJECT = "ការផ្លាស់ប្តូរបន្ទប់ប្រជុំ"
KHMER_BODY = "សូមជម្រាបថា កិច្ចប្រជុំនឹងធ្វើនៅបន្ទប់លេខ ២ ជាន់ទី ១ វិញ។ សូមអរគុណ។"
ENGLISH_BODY = "Please note that the meeting moves to room 2 on the first floor."


def test_staff_see_the_count_and_the_preview_before_sending(site, page):
    log_in(site, page, username="sokha", group=CCC_STAFF, first_name="Sokha")
    event = (
        Event.objects.annotate(
            active=Count("registrations", filter=~Q(registrations__status="cancelled"))
        )
        .filter(active__gt=0)
        .order_by("-active")
        .first()
    )
    page.goto(f"{site}/km/admin/events/event/{event.pk}/message/")
    page.locator("input[name=recipients][value=active]").check()
    page.fill("#id_subject_km", KHMER_SUBJECT)
    page.fill("#id_body_km", KHMER_BODY)
    page.fill("#id_subject_en", "Meeting room change")
    page.fill("#id_body_en", ENGLISH_BODY)
    screenshot(page, "message-write-km")
    page.locator("button[value=review]").click()

    count = page.locator(".message-count")
    text = count.inner_text()
    assert KHMER_DIGITS & set(text)
    assert not any(character.isascii() and character.isdigit() for character in text)
    khmer_preview = page.frame_locator("iframe").first.locator("body")
    expect(khmer_preview).to_contain_text(KHMER_BODY)
    expect(khmer_preview).to_contain_text("Sokha")
    expect(page.frame_locator("iframe").nth(1).locator("body")).to_contain_text(ENGLISH_BODY)
    assert page.locator("button[value=send]").is_visible()
    assert axe_violations(page) == []
    assert page.outside_requests == []
    screenshot(page, "message-preview-km")
    assert not EventMessage.objects.exists()  # nothing sent by looking

    page.locator("button[value=send]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert EventMessage.objects.get().deliveries.count() == event.active
