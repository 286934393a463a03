"""Materials on the public event page, the registrant's page and a series' minutes page, and
the materials inline in the event's admin: readable at phone and desktop widths, no serious
accessibility problem, and never a link to a stored file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.roles import EVENT_COORDINATORS
from events.models import Event, EventMaterial
from tests.browser.conftest import axe_violations, log_in, screenshot

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def event_with_materials(site, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    event = (
        Event.objects.filter(series__isnull=False, registrations__status="confirmed")
        .distinct()
        .first()
    )
    for order, (kind, km, en, visibility) in enumerate(
        [
            ("agenda", "របៀបវារៈ", "Agenda", "public"),
            ("minutes", "កំណត់ហេតុប្រជុំ", "Minutes of the meeting", "public"),
            ("presentation", "បទបង្ហាញ", "Presentation slides", "registrants"),
        ]
    ):
        EventMaterial.objects.create(
            event=event,
            kind=kind,
            title_km=km,
            title_en=en,
            visibility=visibility,
            order=order,
            file=SimpleUploadedFile(f"{kind}.pdf", PDF_BYTES),
        )
    return event


def test_materials_on_the_public_registrant_series_and_admin_pages(
    site, page, event_with_materials
):
    event = event_with_materials
    page.goto(f"{site}/km/events/{event.slug}/")
    assert page.get_by_role("link", name="របៀបវារៈ").count() == 1
    assert "បទបង្ហាញ" not in page.content()
    assert axe_violations(page) == []
    screenshot(page, "materials-event-km")

    registration = event.registrations.filter(status="confirmed").first()
    with translation.override("en"):
        path = reverse("registrations:detail", kwargs={"token": registration.cancel_token})
    page.goto(f"{site}{path}")
    link = page.get_by_role("link", name="Presentation slides")
    assert "/registrations/materials/" in link.get_attribute("href")
    assert axe_violations(page) == []
    screenshot(page, "materials-registrant-en")

    page.goto(f"{site}/km/events/series/{event.series.slug}/minutes/")
    assert page.get_by_role("link", name="កំណត់ហេតុប្រជុំ").count() == 1
    assert axe_violations(page) == []
    screenshot(page, "materials-series-minutes-km")

    log_in(site, page, group=EVENT_COORDINATORS)
    page.goto(f"{site}/km/admin/events/event/{event.pk}/change/")
    assert "/media/" not in page.content()
    page.locator("#materials-group").scroll_into_view_if_needed()
    screenshot(page, "materials-admin-inline-km")
