"""A Khmer label ends with “៖”, not an ASCII “:”: the registration email (text and HTML), the
month calendar and the registration form read “ម៉ោង៖ …”, never “ម៉ោង: …”."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

import pytest

from events.emails import registration_email
from tests.factories import EventFactory, RegistrationFactory

START = datetime.datetime(2030, 10, 3, 8, 30, tzinfo=ZoneInfo("Asia/Phnom_Penh"))
TITLE = "កិច្ចប្រជុំសមាជិក"

# A Khmer letter or sign (not a digit: "៨:៣០" is a time), then an ASCII colon.
COLON_AFTER_KHMER = re.compile(r"[\u1780-\u17df\u17f0-\u17ff][ \u00a0\u200b]*:")


def visible_text(markup):
    """What a reader sees: no scripts/styles, no tags (so no attributes), entities decoded."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    return html.unescape(re.sub(r"<[^>]*>", " ", markup))


def colons_after_khmer(text):
    return [text[max(0, m.start() - 20) : m.end() + 10] for m in COLON_AFTER_KHMER.finditer(text)]


@pytest.fixture
def event(db):
    return EventFactory(
        title_km=TITLE,
        starts_at=START,
        ends_at=START + datetime.timedelta(hours=3),
        venue="សណ្ឋាគារ ភ្នំពេញ",
        online_url="https://meet.example.org/ccc",
    )


def test_khmer_registration_email_uses_the_khmer_colon(event):
    message = registration_email(RegistrationFactory(event=event, language="km"), "confirmed")
    (alternative, _mimetype) = message.alternatives[0]
    assert "ម៉ោង៖ ៨:៣០" in message.body
    assert colons_after_khmer(message.body) == []
    assert colons_after_khmer(visible_text(alternative)) == []


def test_khmer_month_page_uses_the_khmer_colon(client, event):
    page = client.get(f"/km/events/{START.year}/{START.month}/")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "៖" in text
    assert colons_after_khmer(text) == []


def test_khmer_registration_form_uses_the_khmer_colon(client, event):
    page = client.get(f"/km/events/{event.slug}/register/")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert f"{TITLE}៖" in text
    assert colons_after_khmer(text) == []


def test_english_pages_keep_the_ascii_colon(client, event):
    page = client.get(f"/en/events/{event.slug}/register/")
    assert "៖" not in visible_text(page.text)
    assert re.search(r"Register: ", visible_text(page.text))
