"""The sign-in sheet for the door: printable page and PDF."""

import pytest
from django.contrib.staticfiles import finders
from fpdf import FPDF

from events.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def forty(db):
    event = EventFactory(title_en="Forum", title_km="វេទិកា", capacity=60)
    for number in range(40):
        RegistrationFactory(
            event=event,
            full_name=f"សុខ ដារ៉ា {number:02d}",
            gender="male" if number % 2 else "female",
            phone=f"012 000 {number:03d}",
        )
    RegistrationFactory(event=event, full_name="Waiting One", status=Registration.Status.WAITING)
    return event


@pytest.fixture
def written(monkeypatch):
    """Every text the PDF writes in a cell, in order (the shaped PDF holds glyph numbers, not
    text, so the words are caught on their way in)."""
    texts = []
    for name in ("cell", "multi_cell"):
        original = getattr(FPDF, name)

        def spy(self, w=None, h=None, text="", *args, _original=original, **kwargs):
            texts.append(str(text))
            return _original(self, w, h, text, *args, **kwargs)

        monkeypatch.setattr(FPDF, name, spy)
    return texts


def test_pdf_for_forty_people_has_three_numbered_pages(client, coordinator, forty, written):
    client.force_login(coordinator)
    response = client.get(f"/en/admin/events/event/{forty.pk}/sign-in-sheet-pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 3
    footers = [text for text in written if text.startswith("Page ")]
    # Drawn twice (the first time to count the pages): the last three are the ones kept.
    assert footers[-3:] == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
    for heading in ("No.", "Full name", "Organisation", "Gender", "Phone", "Signature"):
        assert heading in written
    assert "012 000 039" in written and "Male" in written and "Female" in written
    assert "Waiting One" not in written
    assert "Cooperation Committee for Cambodia" in written


def test_khmer_pdf_pages_in_khmer_digits(client, coordinator, forty, written):
    client.force_login(coordinator)
    assert client.get(f"/km/admin/events/event/{forty.pk}/sign-in-sheet-pdf/").status_code == 200
    assert any("១" in text and "៣" in text for text in written)


def test_html_sheet_has_gender_phone_and_prints_on_a4(client, coordinator, forty):
    client.force_login(coordinator)
    text = client.get(f"/en/admin/events/event/{forty.pk}/sign-in-sheet/").content.decode()
    for heading in ("Gender", "Phone", "Signature", "Organisation", "No."):
        assert f">{heading}</th>" in text
    assert "012 000 007" in text and ">Male<" in text
    # The sheet's styles and its "page x of y" are static files (Content-Security-Policy).
    assert "css/sign_in_sheet.css" in text and "js/sign_in_sheet.js" in text
    assert 'data-page-label="Page" data-of-label="of"' in text
    stylesheet = finders.find("css/sign_in_sheet.css")
    with open(stylesheet, encoding="utf-8") as file:
        css = file.read()
    assert "size: A4" in css and "table-header-group" in css and "height: 12.5mm" in css
    assert "Cooperation Committee for Cambodia" in text
    assert f"/en/admin/events/event/{forty.pk}/sign-in-sheet-pdf/" in text


@pytest.mark.parametrize("suffix", ["sign-in-sheet/", "sign-in-sheet-pdf/"])
def test_per_role(client, django_user_model, staff_user, coordinator, forty, suffix):
    url = f"/en/admin/events/event/{forty.pk}/{suffix}"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    nobody = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(nobody)
    assert client.get(url).status_code == 403
    for user in (staff_user, coordinator):
        client.force_login(user)
        assert client.get(url).status_code == 200
