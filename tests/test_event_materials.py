"""Event materials and minutes: uploads checked by content, files served only through views
(public ones to anyone, registrants-only ones through signed expiring links or to staff),
and a series' minutes page."""

import io
import re
import time
import zipfile

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from PIL import Image

from events.models import MATERIAL_LINK_SALT, EventMaterial, Registration, validate_material_file
from tests.factories import EventFactory, EventSeriesFactory, RegistrationFactory
from tests.helpers import altered, event_form_data

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OPENXML = "application/vnd.openxmlformats-officedocument"


def pdf(name="agenda.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def office_bytes(main_content_type):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
            f'ContentType="{main_content_type}"/></Types>',
        )
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_MEDIA_ROOT


def material(event, *, visibility=EventMaterial.Visibility.PUBLIC, upload=None, **fields):
    fields.setdefault("title_en", "Agenda")
    fields.setdefault("title_km", "របៀបវារៈ")
    fields.setdefault("kind", EventMaterial.Kind.AGENDA)
    if "url" not in fields:
        fields["file"] = upload or pdf()
    return EventMaterial.objects.create(event=event, visibility=visibility, **fields)


def form_errors(upload):
    form_class = modelform_factory(
        EventMaterial, fields=["kind", "title_km", "title_en", "file", "visibility"]
    )
    form = form_class(
        data={"kind": "agenda", "title_km": "ក", "title_en": "A", "visibility": "public"},
        files={"file": upload},
        instance=EventMaterial(event=EventFactory()),
    )
    form.is_valid()
    return form.errors


# --- Upload validation --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_file_named_pdf_that_is_not_a_pdf_is_refused_with_a_clear_message():
    errors = form_errors(pdf("minutes.pdf", b"<html><script>alert(1)</script></html>"))
    assert "Upload a PDF, an image (JPEG, PNG, GIF or WebP) or a Word" in errors["file"][0]


@pytest.mark.django_db
def test_an_oversize_file_is_refused_with_its_size_and_the_limit(settings):
    settings.EVENT_MATERIAL_MAX_BYTES = 1024
    errors = form_errors(pdf(content=PDF_BYTES + b"0" * 2048))
    assert errors["file"][0].replace("\xa0", " ") == "The file is 2.0 KB; the limit is 1.0 KB."


@pytest.mark.django_db
def test_a_good_pdf_is_accepted_and_stored_outside_media_root(private_root, settings):
    assert form_errors(pdf()) == {}
    stored = material(EventFactory())
    assert (private_root / stored.file.name).read_bytes() == PDF_BYTES
    assert not list(settings.MEDIA_ROOT.glob("**/*.pdf"))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", png_bytes()),
        ("slides.pptx", office_bytes(f"{OPENXML}.presentationml.presentation.main+xml")),
        ("notes.docx", office_bytes(f"{OPENXML}.wordprocessingml.document.main+xml")),
        ("budget", office_bytes(f"{OPENXML}.spreadsheetml.sheet.main+xml")),  # no extension
    ],
)
def test_images_and_office_documents_are_recognised_by_content(name, content):
    validate_material_file(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("macro.docx", office_bytes("application/vnd.ms-word.document.macroEnabled.main+xml")),
        ("archive.docx", b"PK\x03\x04 not really a zip"),
        ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("photo.jpg", png_bytes()[:20]),  # a truncated image
    ],
)
def test_other_files_are_refused_whatever_their_name(name, content):
    with pytest.raises(ValidationError) as refusal:
        validate_material_file(SimpleUploadedFile(name, content))
    assert refusal.value.code == "unsupported_file"


@pytest.mark.django_db
def test_a_material_is_either_a_file_or_a_link():
    event = EventFactory()
    both = EventMaterial(event=event, title_km="ក", title_en="A", file=pdf(), url="https://x.org")
    neither = EventMaterial(event=event, title_km="ក", title_en="A")
    for invalid in (both, neither):
        with pytest.raises(ValidationError, match="either a file or a link"):
            invalid.full_clean()


@pytest.mark.django_db
def test_the_mou_upload_still_refuses_a_fake_pdf():
    from networks.validators import validate_pdf

    with pytest.raises(ValidationError, match="Upload the signed MoU as a PDF file."):
        validate_pdf(pdf("mou.pdf", b"not a pdf"))
    validate_pdf(pdf("mou.pdf"))


# --- Serving ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_public_material_is_served_to_anyone_as_a_safe_file_response(client):
    event = EventFactory()
    agenda = material(event, upload=pdf('agenda "final".pdf'))
    response = client.get(f"/en/events/materials/{agenda.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; filename=")
    assert '"final"' not in disposition  # quotes in the name cannot break the header


@pytest.mark.django_db
def test_an_office_document_downloads_with_the_extension_of_its_content(client):
    slides = office_bytes(f"{OPENXML}.presentationml.presentation.main+xml")
    deck = material(EventFactory(), upload=SimpleUploadedFile("slides.html", slides))
    response = client.get(f"/en/events/materials/{deck.pk}/")
    assert response["Content-Type"] == f"{OPENXML}.presentationml.presentation"
    assert response["Content-Disposition"] == 'attachment; filename="slides.pptx"'
    response.close()


@pytest.mark.django_db
def test_a_public_material_of_a_draft_event_is_not_served(client):
    agenda = material(EventFactory(status="draft"))
    assert client.get(f"/en/events/materials/{agenda.pk}/").status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_and_staff_without_the_right_cannot_open_private_materials(
    client, django_user_model
):
    private = material(EventFactory(), visibility=EventMaterial.Visibility.REGISTRANTS)
    response = client.get(f"/en/events/materials/{private.pk}/")
    assert response.status_code == 403
    assert "only for the event&#x27;s registrants" in response.text
    clerk = django_user_model.objects.create_user("clerk", "c@example.org", "pw", is_staff=True)
    client.force_login(clerk)
    assert client.get(f"/en/events/materials/{private.pk}/").status_code == 403


@pytest.mark.django_db
def test_staff_who_may_view_events_open_private_materials_directly(client, coordinator):
    private = material(EventFactory(status="draft"), visibility="registrants")
    client.force_login(coordinator)
    response = client.get(f"/en/events/materials/{private.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Cache-Control"] == "private, no-store"


def signed_link_on_page(client, registration):
    page = client.get(f"/en/registrations/{registration.cancel_token}/")
    return page, re.findall(r'href="(/en/registrations/materials/[^"]+/)"', page.text)


@pytest.mark.django_db
def test_a_confirmed_registrant_opens_private_materials_through_the_signed_link(client):
    event = EventFactory()
    private = material(event, title_en="Slides", visibility="registrants")
    registration = RegistrationFactory(event=event)
    page, links = signed_link_on_page(client, registration)
    assert "Documents for participants" in page.text and "Slides" in page.text
    assert len(links) == 1
    response = client.get(links[0])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert private.title_en not in client.get(event.get_absolute_url()).text


@pytest.mark.django_db
def test_waiting_registrants_get_no_links_and_a_cancelled_registration_loses_its_link(client):
    event = EventFactory()
    material(event, visibility="registrants")
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    assert signed_link_on_page(client, waiting)[1] == []
    registration = RegistrationFactory(event=event)
    link = signed_link_on_page(client, registration)[1][0]
    registration.status = Registration.Status.CANCELLED
    registration.save()
    response = client.get(link)
    assert response.status_code == 403
    assert "only for people whose seat at the event is confirmed" in response.text


def link_signed_days_ago(days, material, registration):
    class Backdated(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - days * 24 * 3600)

    token = Backdated(salt=MATERIAL_LINK_SALT).sign_object({"m": material.pk, "r": registration.pk})
    return f"/en/registrations/materials/{token}/"


@pytest.mark.django_db
def test_an_expired_link_is_refused_with_a_clear_page(client):
    event = EventFactory()
    private = material(event, visibility="registrants")
    registration = RegistrationFactory(event=event)
    # The limit is seven days.
    six_days_old = client.get(link_signed_days_ago(6, private, registration))
    assert six_days_old.status_code == 200
    six_days_old.close()
    response = client.get(link_signed_days_ago(8, private, registration))
    assert response.status_code == 404
    assert "This link has expired" in response.text
    assert "Document not available" in response.text


@pytest.mark.django_db
def test_a_tampered_link_is_refused_with_a_clear_page(client):
    event = EventFactory()
    private = material(event, visibility="registrants")
    other = material(EventFactory(), visibility="registrants", title_en="Someone else's")
    registration = RegistrationFactory(event=event)
    link = private.signed_url(registration)
    for tampered in (link.replace("/materials/", "/materials/x"), altered(link[:-1]) + "/"):
        response = client.get(tampered)
        assert response.status_code == 404
        assert "This link is not valid" in response.text
    # Signed by us, but for a material of another event: refused.
    response = client.get(other.signed_url(registration))
    assert response.status_code == 404


@pytest.mark.django_db
def test_no_page_links_a_private_file_by_its_storage_path(client, admin_client, private_root):
    event = EventFactory()
    public = material(event, upload=pdf("public-agenda.pdf"))
    private = material(event, visibility="registrants", upload=pdf("secret-minutes.pdf"))
    registration = RegistrationFactory(event=event)
    pages = [
        client.get(event.get_absolute_url()).text,
        client.get(f"/en/registrations/{registration.cancel_token}/").text,
        admin_client.get(f"/en/admin/events/event/{event.pk}/change/").text,
    ]
    for text in pages:
        assert "/media/" not in text
        assert private.file.name not in text and public.file.name not in text
    assert f'href="/en/events/materials/{public.pk}/"' in pages[0]
    assert f'href="/en/events/materials/{private.pk}/"' in pages[2]  # staff's direct link
    with pytest.raises(ValueError, match="no public URL"):
        private.file.url  # noqa: B018


# --- Admin --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_add_a_material_in_the_event_admin_and_a_fake_pdf_is_a_form_error(admin_client):
    event = EventFactory()
    url = f"/en/admin/events/event/{event.pk}/change/"

    def post(upload):
        data = event_form_data(
            event,
            **{
                "materials-TOTAL_FORMS": 1,
                "materials-0-kind": "minutes",
                "materials-0-title_km": "កំណត់ហេតុ",
                "materials-0-title_en": "Minutes",
                "materials-0-visibility": "public",
                "materials-0-order": 0,
                "materials-0-file": upload,
            },
        )
        return admin_client.post(url, data)

    refused = post(pdf("minutes.pdf", b"MZ\x90\x00 a program"))
    assert refused.status_code == 200
    assert "This file is none of these." in refused.text
    assert not event.materials.exists()
    assert post(pdf("minutes.pdf")).status_code == 302
    assert event.materials.get().kind == "minutes"


# --- Series minutes -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_series_lists_its_public_minutes_newest_meeting_first(client):
    import datetime

    from django.utils import timezone

    series = EventSeriesFactory(name_en="M&E forum")
    now = timezone.now()
    meetings = [
        EventFactory(series=series, starts_at=now - datetime.timedelta(days=days))
        for days in (90, 30, 60)
    ]
    for meeting, label in zip(meetings, ("March", "May", "April"), strict=True):
        material(meeting, kind="minutes", title_en=f"Minutes {label}")
    material(meetings[1], kind="agenda", title_en="Agenda May")
    material(meetings[1], kind="minutes", title_en="Private minutes", visibility="registrants")
    material(EventFactory(), kind="minutes", title_en="Minutes of another series")

    response = client.get(f"/en/events/series/{series.slug}/minutes/")
    assert response.status_code == 200
    text = response.text
    positions = [text.index(f"Minutes {label}") for label in ("May", "April", "March")]
    assert positions == sorted(positions)
    for absent in ("Agenda May", "Private minutes", "another series"):
        assert absent not in text
    # One click from any meeting of the series.
    event_page = client.get(meetings[1].get_absolute_url()).text
    assert f"/en/events/series/{series.slug}/minutes/" in event_page


@pytest.mark.django_db
def test_a_series_without_minutes_says_so_and_an_unknown_one_is_404(client):
    series = EventSeriesFactory()
    response = client.get(f"/en/events/series/{series.slug}/minutes/")
    assert "No minutes of this series have been published yet." in response.text
    assert client.get("/en/events/series/nope/minutes/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_replaced_or_deleted_file_leaves_private_storage(private_root):
    """No orphan files: the old file goes once the new one is saved, and a material's file
    goes with it, also when its event is deleted."""
    event = EventFactory()
    agenda = material(event)
    first = private_root / agenda.file.name
    assert first.exists()
    agenda.file = pdf("agenda-v2.pdf")
    agenda.save()
    second = private_root / agenda.file.name
    assert second.exists() and not first.exists()
    agenda.delete()
    assert not second.exists()
    minutes = material(event, kind=EventMaterial.Kind.MINUTES)
    kept = private_root / minutes.file.name
    event.delete()
    assert not kept.exists()
