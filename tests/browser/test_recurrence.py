"""Staff, in Khmer, generate the next bi-monthly members meeting from its series and find the
draft in the event list."""

import datetime
import re

from django.utils import timezone

from core.localization import format_date
from core.roles import CCC_STAFF
from events.models import Event, EventSeries
from events.recurrence import series_next_dates
from tests.browser.conftest import axe_violations, log_in, screenshot


def log_in_as_staff(site, page):
    log_in(site, page, group=CCC_STAFF)


def test_staff_generate_the_next_members_meeting_in_khmer(site, page):
    series = EventSeries.objects.get(slug="bi-monthly-members-meeting")
    (next_start,) = series_next_dates(series, timezone.now(), 1)
    # The demo's upcoming meeting is on the rule already: the next one to make is after it.
    assert series.events.filter(starts_at=next_start).exists()
    (to_make,) = series_next_dates(series, next_start, 1)

    log_in_as_staff(site, page)
    page.goto(f"{site}/km/admin/events/eventseries/")
    page.get_by_role("link", name="កិច្ចប្រជុំសមាជិកប្រចាំពីរខែម្តង").first.click()
    page.locator(f"a[href$='/eventseries/{series.pk}/generate/']").click()

    page.wait_for_url(re.compile(r"/generate/"))
    assert page.locator("html").get_attribute("lang") == "km"
    rows = page.locator("#occurrences tbody tr")
    assert rows.count() == 2  # the upcoming meeting, and the next one to make
    assert format_date(next_start, "date", language="km") in rows.nth(0).inner_text()
    assert format_date(to_make, "date", language="km") in rows.nth(1).inner_text()
    assert not re.search(r"[0-9]", page.locator("#occurrences").inner_text())  # Khmer digits
    assert axe_violations(page) == []
    screenshot(page, "series-generate-km")

    page.locator("form[method=post] input[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/events/event/\?"))
    draft = Event.objects.get(series=series, starts_at=to_make)
    assert draft.status == Event.Status.DRAFT
    row = page.locator("#result_list tbody tr").filter(has_text=draft.title_km)
    assert row.count() == 1
    assert page.locator(".messagelist .success").count() == 1
    screenshot(page, "series-generate-km-drafts")


def test_staff_duplicate_an_event_in_khmer(site, page):
    event = Event.objects.get(slug="proposal-writing-training-next")
    log_in_as_staff(site, page)
    page.goto(f"{site}/km/admin/events/event/{event.pk}/change/")
    page.locator(f"a[href$='/event/{event.pk}/duplicate/']").click()
    page.wait_for_url(re.compile(r"/duplicate/"))
    # A day in the past is refused on the page, in a form error.
    page.locator("#id_starts_at_0").fill("២០២០-០១-០៧")
    page.locator("#id_starts_at_1").fill("០៨:៣០")
    with page.expect_navigation():
        page.locator("form[method=post] input[type=submit]").click()
    assert page.locator(".errorlist").count() == 1
    # Django's own "Now | clock" shortcuts beside a time box are not ours to restyle.
    assert [v for v in axe_violations(page) if ".datetimeshortcuts" not in v] == []
    screenshot(page, "event-duplicate-km")
    day = timezone.localdate() + datetime.timedelta(days=90)
    page.locator("#id_starts_at_0").fill(day.isoformat())
    page.locator("#id_starts_at_1").fill("14:00")
    page.locator("form[method=post] input[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/events/event/\d+/change/"))
    copy = Event.objects.exclude(pk=event.pk).get(title_en=event.title_en)
    assert copy.status == Event.Status.DRAFT
    assert f"/event/{copy.pk}/change/" in page.url
    assert timezone.localtime(copy.starts_at).date() == day
