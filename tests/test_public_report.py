"""The public report of a past event: shown only when published and the event has ended, with
counts and never a person (small groups counted together), only the organisations the
directory lists, web copies of the public photos (resized, upright, no EXIF, lazy-loaded, with
their text alternative), a series' "events and results" page linked with its minutes page, the
sitemap, and the staff screens per role."""

import datetime
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from events.models import EventMaterial, EventPhoto, EventReport, Registration
from events.photos import LARGE_PIXELS, THUMBNAIL_PIXELS, event_photos_refresh
from events.public_report import MIN_GROUP_SIZE, SMALLER_GROUPS, protect_small_groups
from members.models import Organisation
from tests.factories import (
    EventFactory,
    EventSeriesFactory,
    OrganisationFactory,
    ProvinceFactory,
    RegistrationFactory,
)
from tests.helpers import event_form_data

pytestmark = pytest.mark.django_db

NARRATIVE_EN = "The forum agreed on a peer-learning group."
NARRATIVE_KM = "វេទិកាបានឯកភាពបង្កើតក្រុមសិក្សាពីគ្នាទៅវិញទៅមក។"


@pytest.fixture(autouse=True)
def media_roots(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def past_event(**fields):
    starts_at = timezone.now() - datetime.timedelta(days=30)
    fields.setdefault("title_en", "CBO learning forum")
    fields.setdefault("title_km", "វេទិកាសិក្សាអំពីអង្គការសហគមន៍មូលដ្ឋាន")
    return EventFactory(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3), **fields
    )


def listed_organisation(name, **fields):
    fields.setdefault("membership_status", Organisation.MembershipStatus.ACTIVE)
    fields.setdefault("is_public", True)
    return OrganisationFactory(name_en=name, name_km=f"{name} (km)", **fields)


def report(event, **fields):
    fields.setdefault("narrative_en", NARRATIVE_EN)
    fields.setdefault("narrative_km", NARRATIVE_KM)
    fields.setdefault("is_published", True)
    return EventReport.objects.create(event=event, **fields)


def jpeg(size=(2000, 1000), *, orientation=None, colour="red"):
    """A JPEG whose EXIF names a camera (and, with `orientation`, says how to turn it)."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Maker"  # Make
    exif[0x0131] = "Location-Revealing-Software"  # Software
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def photo(event, *, visibility=EventMaterial.Visibility.PUBLIC, content=None, **fields):
    fields.setdefault("title_en", "Participants in small groups")
    fields.setdefault("title_km", "អ្នកចូលរួមជាក្រុមតូចៗ")
    return EventMaterial.objects.create(
        event=event,
        kind=EventMaterial.Kind.PHOTO,
        visibility=visibility,
        file=SimpleUploadedFile("photo.jpg", content or jpeg(), content_type="image/jpeg"),
        **fields,
    )


@pytest.fixture
def forum():
    """A past forum: attendees from listed and unlisted organisations, a no-show and a
    cancellation from organisations nobody attended from, one attendee of another gender."""
    kratie = ProvinceFactory(code="KH-0", name_en="Kratie", name_km="ក្រចេះ")
    event = past_event(series=EventSeriesFactory(slug="cbo", name_en="CBO learning forum"))
    listed = listed_organisation("Rural Development Association")
    unlisted = OrganisationFactory(name_en="Quiet Organisation", is_public=False)
    absent = listed_organisation("Absent Association")
    for number in range(6):
        RegistrationFactory(
            event=event, organisation=listed, organisation_name="", status="attended",
            full_name=f"Attendee Listed {number}", email=f"listed{number}@example.org",
            gender="female" if number % 2 else "male", phone="012 345 678",
            position="Programme manager",
        )  # fmt: skip
    RegistrationFactory(
        event=event, organisation=unlisted, organisation_name="", status="attended",
        full_name="Chantha Only One", email="chantha@example.org", gender="other",
    )  # fmt: skip
    small = OrganisationFactory(
        name_en="Kratie Group", head_office_province=kratie, is_public=False
    )
    RegistrationFactory(
        event=event, organisation=small, organisation_name="", status="attended",
        full_name="Kratie Person", email="kratie@example.org", gender="female",
    )  # fmt: skip
    RegistrationFactory(
        event=event, organisation=absent, organisation_name="", status="confirmed",
        full_name="No Show", email="noshow@example.org",
    )  # fmt: skip
    RegistrationFactory(
        event=event, organisation=absent, organisation_name="", status="cancelled",
        full_name="Cancelled Person", email="cancelled@example.org",
    )  # fmt: skip
    return event


def report_section(html):
    start = html.index('id="report-heading"')
    return html[start : html.index("</section>", start)]


# --- Small groups ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("f", 10), ("m", 8)], [("f", 10, False), ("m", 8, False)]),
        # One small group: the smallest shown one joins it, or the total would give it away.
        ([("f", 10), ("m", 8), ("o", 1)], [("f", 10, False), (SMALLER_GROUPS, 9, True)]),
        # Two small groups that reach the minimum together.
        (
            [("f", 10), ("m", 8), ("o", 1), ("u", 2)],
            [("f", 10, False), ("m", 8, False), (SMALLER_GROUPS, 3, True)],
        ),
        # Two small groups under the minimum together: the smallest shown one joins them.
        (
            [("f", 10), ("m", 4), ("o", 1), ("u", 1)],
            [("f", 10, False), (SMALLER_GROUPS, 6, True)],
        ),
        ([("f", 2), ("m", 1)], [(SMALLER_GROUPS, 3, True)]),
        ([("f", 5), ("m", 0)], [("f", 5, False)]),
    ],
)
def test_small_groups_are_counted_together(rows, expected):
    assert [(row.label, row.count, row.grouped) for row in protect_small_groups(rows)] == expected


def test_no_small_group_can_be_seen_or_worked_out_from_the_total():
    draw = random.Random(15)
    for _attempt in range(2000):
        rows = [
            (f"group {n}", draw.choice([0, 1, 1, 2, 3, 4, 9])) for n in range(draw.randint(1, 6))
        ]
        total = sum(count for _label, count in rows)
        protected = protect_small_groups(rows)
        assert sum(row.count for row in protected) == total
        for row in protected:
            if not row.grouped:
                assert row.count >= MIN_GROUP_SIZE
        grouped = [row for row in protected if row.grouped]
        if grouped and total >= MIN_GROUP_SIZE:
            assert grouped[0].count >= MIN_GROUP_SIZE
            # At least two groups inside: the one row does not name a single group's count.
            small_labels = {label for label, count in rows if count > 0}
            shown_labels = {row.label for row in protected if not row.grouped}
            assert len(small_labels - shown_labels) >= 2


# --- The public page ----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "km"])
def test_a_published_report_of_a_past_event_shows_counts_and_listed_organisations(
    client, forum, language
):
    report(forum)
    response = client.get(f"/{language}/events/{forum.slug}/")
    assert response.status_code == 200
    section = report_section(response.text)
    assert (NARRATIVE_EN if language == "en" else NARRATIVE_KM) in section
    if language == "en":
        assert "People who attended" in section
        assert '<dd class="col-sm-7 col-lg-8">8</dd>' in section
        # 6 from the listed organisation, 1 + 1 from two the directory does not list.
        assert "Rural Development Association" in section
        assert "And 2 other organisations." in section
    else:
        assert "៨" in section
    for hidden in ("Quiet Organisation", "Kratie Group", "Absent Association"):
        assert hidden not in section


def test_no_registrant_data_on_the_public_pages(client, forum):
    report(forum)
    photo(forum)
    event_photos_refresh(event=forum)
    pages = [client.get(f"/{language}/events/{forum.slug}/").text for language in ("en", "km")] + [
        client.get(f"/en/events/series/{forum.series.slug}/events/").text
    ]
    for registration in Registration.objects.filter(event=forum):
        for page in pages:
            assert registration.full_name not in page
            assert registration.email not in page
            assert registration.phone not in page or not registration.phone
            assert registration.position not in page or not registration.position


def test_one_person_of_another_gender_or_from_one_province_is_not_singled_out(client, forum):
    report(forum)
    section = report_section(client.get(f"/en/events/{forum.slug}/").text)
    assert "Another gender" not in section
    assert "Kratie" not in section
    assert str(SMALLER_GROUPS) in section
    assert "Groups of fewer than 3 people are counted together" in section


def test_with_fewer_than_three_attendees_only_the_total_is_shown(client):
    event = past_event()
    RegistrationFactory(event=event, status="attended", gender="other")
    report(event)
    section = report_section(client.get(f"/en/events/{event.slug}/").text)
    assert "People who attended" in section
    assert "By gender" not in section
    assert "Another gender" not in section


@pytest.mark.parametrize("case", ["unpublished", "not_ended", "cancelled", "no_report"], ids=str)
def test_the_report_is_shown_only_when_published_and_the_event_has_ended(client, case):
    event = past_event()
    if case == "not_ended":
        event.ends_at = timezone.now() + datetime.timedelta(hours=1)
        event.save()
    if case == "cancelled":
        event.status = "cancelled"
        event.save()
    if case != "no_report":
        report(event, is_published=case != "unpublished")
    response = client.get(f"/en/events/{event.slug}/")
    assert response.status_code == 200
    assert 'id="report-heading"' not in response.text
    assert NARRATIVE_EN not in response.text


def test_a_draft_events_report_is_not_found(client):
    event = past_event(status="draft")
    report(event)
    assert client.get(f"/en/events/{event.slug}/").status_code == 404


def test_publishing_needs_the_narrative_in_both_languages():
    from django.core.exceptions import ValidationError

    event = past_event()
    with pytest.raises(ValidationError, match="Khmer and in English"):
        EventReport(event=event, narrative_en="Only English", is_published=True).full_clean()
    EventReport(event=event, narrative_en="A draft", is_published=False).full_clean()


# --- Photos -------------------------------------------------------------------------------


def test_public_photos_get_upright_web_copies_without_exif(client, media_roots):
    event = past_event()
    report(event)
    material = photo(event, content=jpeg((2400, 1200), orientation=6))  # turned 90° on display
    assert event_photos_refresh(event=event) == []
    copy = EventPhoto.objects.get(material=material)
    # Upright: the 2400×1200 picture is shown 1200×2400, so at most 800×1600.
    assert (copy.large_width, copy.large_height) == (LARGE_PIXELS // 2, LARGE_PIXELS)
    assert max(copy.thumbnail_width, copy.thumbnail_height) == THUMBNAIL_PIXELS
    for stored in (copy.large, copy.thumbnail):
        path = media_roots.MEDIA_ROOT / stored.name
        assert path.exists()
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert (image.width, image.height) in {
                (copy.large_width, copy.large_height),
                (copy.thumbnail_width, copy.thumbnail_height),
            }
            assert not image.getexif()
            assert b"Secret Camera Maker" not in path.read_bytes()
    # The original stays private, as uploaded.
    assert (media_roots.PRIVATE_MEDIA_ROOT / material.file.name).exists()
    assert not (media_roots.MEDIA_ROOT / material.file.name).exists()
    html = report_section(client.get(f"/en/events/{event.slug}/").text)
    assert (
        f'<img src="/media/{copy.thumbnail.name}" width="{copy.thumbnail_width}" '
        f'height="{copy.thumbnail_height}" alt="Participants in small groups" loading="lazy"'
    ) in html
    km = report_section(client.get(f"/km/events/{event.slug}/").text)
    assert 'alt="អ្នកចូលរួមជាក្រុមតូចៗ"' in km


def test_the_public_link_to_a_photo_never_serves_its_exif(client, media_roots):
    """The "Documents" list links each public material; for a photo (or any image) the public
    gets the web copy, or a copy made then, never the original with its camera data."""
    event = past_event()
    with_copy = photo(event)
    without_copy = photo(event, title_en="Not copied yet")
    event_photos_refresh(event=event)
    EventPhoto.objects.filter(material=without_copy).delete()
    response = client.get(f"/en/events/materials/{with_copy.pk}/")
    assert response.status_code == 302
    assert response["Location"] == EventPhoto.objects.get(material=with_copy).large.url
    response = client.get(f"/en/events/materials/{without_copy.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"Secret Camera Maker" not in response.content
    with Image.open(io.BytesIO(response.content)) as image:
        assert not image.getexif()


def test_small_photos_are_not_enlarged():
    event = past_event()
    material = photo(event, content=jpeg((300, 200)))
    event_photos_refresh(event=event)
    copy = material.web_photo
    assert (copy.large_width, copy.large_height) == (300, 200)
    assert (copy.thumbnail_width, copy.thumbnail_height) == (300, 200)


def test_photos_that_stop_being_public_lose_their_public_copies(
    client, media_roots, django_capture_on_commit_callbacks
):
    event = past_event()
    report(event)
    private = photo(event, visibility=EventMaterial.Visibility.REGISTRANTS, title_en="Private")
    shown = photo(event, content=jpeg(colour="blue"))
    deleted = photo(event, content=jpeg(colour="green"))
    event_photos_refresh(event=event)
    assert not EventPhoto.objects.filter(material=private).exists()
    copies = {EventPhoto.objects.get(material=m).large.name for m in (shown, deleted)}
    assert all((media_roots.MEDIA_ROOT / name).exists() for name in copies)

    shown.visibility = EventMaterial.Visibility.REGISTRANTS
    shown.save()
    deleted.delete()
    # Files leave storage once the change commits (run here: the test never commits).
    with django_capture_on_commit_callbacks(execute=True):
        event_photos_refresh(event=event)
    assert not EventPhoto.objects.exists()
    assert not any((media_roots.MEDIA_ROOT / name).exists() for name in copies)
    assert "<img" not in report_section(client.get(f"/en/events/{event.slug}/").text)


def test_a_photo_that_cannot_be_read_is_reported_not_shown():
    event = past_event()
    broken = photo(event, content=b"\xff\xd8\xff\xe0 not really a JPEG")
    assert event_photos_refresh(event=event) == [broken]
    assert not EventPhoto.objects.exists()


def test_uploading_a_public_photo_in_the_event_admin_makes_its_web_copies(admin_client):
    event = past_event()
    data = event_form_data(
        event,
        **{
            "materials-TOTAL_FORMS": 1,
            "materials-0-kind": "photo",
            "materials-0-title_km": "រូបថត",
            "materials-0-title_en": "Photo",
            "materials-0-visibility": "public",
            "materials-0-order": 0,
            "materials-0-file": SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg"),
        },
    )
    response = admin_client.post(f"/en/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 302
    assert EventPhoto.objects.get(material__event=event).large_width == LARGE_PIXELS


def test_the_event_page_queries_do_not_grow_with_attendees_or_photos(client, forum):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report(forum)
    photo(forum)
    event_photos_refresh(event=forum)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/en/events/{forum.slug}/").status_code == 200
        return len(context)

    client.get(f"/en/events/{forum.slug}/")  # warm per-process caches
    few = queries()
    for number in range(20):
        organisation = listed_organisation(f"Another Listed {number}")
        RegistrationFactory(event=forum, organisation=organisation, status="attended")
    for number in range(4):
        photo(forum, content=jpeg((40, 30), colour=(number * 40, 0, 0)))
    event_photos_refresh(event=forum)
    assert queries() == few


# --- Series: events and results -------------------------------------------------------------


def test_the_series_page_lists_events_and_results_and_links_the_minutes(client, forum):
    report(forum)
    unreported = past_event(series=forum.series, title_en="Earlier forum")
    upcoming = EventFactory(series=forum.series, title_en="Next forum")
    EventFactory(series=forum.series, title_en="Draft forum", status="draft")
    EventMaterial.objects.create(
        event=forum, kind="minutes", title_en="Minutes", title_km="កំណត់ហេតុ",
        url="https://example.org/minutes.pdf", visibility="public",
    )  # fmt: skip
    url = f"/en/events/series/{forum.series.slug}/events/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.text
    assert upcoming.title_en in html and unreported.title_en in html
    assert "Draft forum" not in html
    assert f"{forum.get_absolute_url()}#report-heading" in html
    assert "8 people attended" in html
    assert "No report has been published for this event." in html
    assert f"/en/events/series/{forum.series.slug}/minutes/" in html
    minutes = client.get(f"/en/events/series/{forum.series.slug}/minutes/").text
    assert url in minutes
    # The event page links to its series' page from the report.
    assert url in client.get(forum.get_absolute_url()).text
    assert client.get(f"/km/events/series/{forum.series.slug}/events/").status_code == 200


def test_an_unknown_series_is_not_found(client):
    assert client.get("/en/events/series/no-such-series/events/").status_code == 404


def test_the_sitemap_lists_series_pages_and_dates_events_by_their_report(client, forum):
    published = report(forum)
    EventReport.objects.filter(pk=published.pk).update(
        updated_at=timezone.now() + datetime.timedelta(days=1)
    )
    xml = client.get("/sitemap.xml").text
    assert f"/en/events/series/{forum.series.slug}/events/" in xml
    assert f"/km/events/series/{forum.series.slug}/events/" in xml
    expected = timezone.localdate(timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert f"<lastmod>{expected}</lastmod>" in xml


# --- Staff --------------------------------------------------------------------------------

ROLES = ["nobody", "coordinator", "staff_user"]


@pytest.fixture
def nobody(django_user_model):
    """A staff login that was given no rights at all."""
    return django_user_model.objects.create_user("nobody", "n@example.org", "pw", is_staff=True)


def _staff_urls(published):
    base = "/en/admin/events/eventreport"
    return {
        "list": f"{base}/",
        "add": f"{base}/add/",
        "change": f"{base}/{published.pk}/change/",
        "preview": f"{base}/{published.pk}/preview/",
    }


@pytest.mark.parametrize("what", ["list", "add", "change", "preview"])
def test_anonymous_visitors_are_sent_to_the_login(client, forum, what):
    response = client.get(_staff_urls(report(forum))[what])
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("what", ["list", "add", "change", "preview"])
def test_staff_screens_per_role(client, request, forum, role, what):
    client.force_login(request.getfixturevalue(role))
    response = client.get(_staff_urls(report(forum, is_published=False))[what])
    assert response.status_code == (403 if role == "nobody" else 200)
    if what == "preview" and role != "nobody":
        assert "Preview: this report is not published yet." in response.text
        assert NARRATIVE_EN in response.text
        assert "Chantha Only One" not in response.text


@pytest.mark.parametrize("role", ["coordinator", "staff_user"])
def test_staff_write_and_publish_a_report(client, request, role):
    client.force_login(request.getfixturevalue(role))
    event = past_event()
    material = photo(event)
    data = {
        "event": event.pk,
        "narrative_km": NARRATIVE_KM,
        "narrative_en": NARRATIVE_EN,
        "is_published": "on",
    }
    response = client.post("/en/admin/events/eventreport/add/", data)
    assert response.status_code == 302
    assert EventReport.objects.public().get().event == event
    assert EventPhoto.objects.filter(material=material).exists()  # made on saving the report
    assert NARRATIVE_EN in client.get(f"/en/events/{event.slug}/").text


def test_publishing_without_khmer_is_refused_and_nothing_saved(client, coordinator):
    client.force_login(coordinator)
    event = past_event()
    response = client.post(
        "/en/admin/events/eventreport/add/",
        {"event": event.pk, "narrative_km": "", "narrative_en": NARRATIVE_EN, "is_published": "on"},
    )
    assert response.status_code == 400
    assert "Write the narrative in Khmer and in English before publishing the report." in (
        response.text
    )
    assert not EventReport.objects.exists()


def test_a_preview_of_a_report_that_does_not_exist_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/en/admin/events/eventreport/999999/preview/").status_code == 404
    assert client.get("/en/admin/events/eventreport/abc/preview/").status_code < 500


# --- Demo ---------------------------------------------------------------------------------


def test_the_demo_has_a_past_event_with_a_published_report_and_photos(client, media_roots):
    from demo.loader import load_demo

    load_demo()
    files = sorted(p.name for p in media_roots.MEDIA_ROOT.rglob("*") if p.is_file())
    load_demo()
    assert sorted(p.name for p in media_roots.MEDIA_ROOT.rglob("*") if p.is_file()) == files
    published = EventReport.objects.public().get()
    assert published.event.slug == "cbo-learning-forum-2023-09"
    assert EventPhoto.objects.filter(event=published.event).count() == 3
    html = client.get(published.event.get_absolute_url()).text
    assert html.count('loading="lazy"') == 3
    for name in published.event.registrations.values_list("full_name", flat=True):
        assert name not in html
    assert "Minutes of the CBO learning forum" in html


@pytest.mark.django_db(transaction=True)
def test_deleting_an_event_takes_its_photo_copies_out_of_public_media(media_roots):
    event = past_event()
    photo(event)
    event_photos_refresh(event=event)
    copy = EventPhoto.objects.get(event=event)
    files = [media_roots.MEDIA_ROOT / copy.large.name, media_roots.MEDIA_ROOT / copy.thumbnail.name]
    assert all(path.exists() for path in files)
    event.delete()
    assert not any(path.exists() for path in files)
