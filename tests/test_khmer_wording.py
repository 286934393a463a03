"""Emails and pages read as a Cambodian NGO writes: greetings with an honorific, a closing
line, the sender's name in the reader's language, reminders that say how soon, times said
once, lists joined with និង, and names that break between words only."""

import datetime
import re
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import translation

from core.localization import khmer_digits, latin_digits
from core.wordbreak import ZWSP
from events.emails import REMINDER, how_soon, registration_email
from tests.factories import EventFactory, MoUFactory, ProvincialNetworkFactory, RegistrationFactory
from tests.helpers import next_years_date
from tests.unwrap import unwrapped

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
START = datetime.datetime(2030, 10, 3, 14, 0, tzinfo=PHNOM_PENH)
LONG_TITLE = "វេទិកាសិក្សាអំពីការត្រួតពិនិត្យនិងវាយតម្លៃ"


def sender_name(message):
    return str(make_header(decode_header(message.message()["From"])))


@pytest.fixture
def registration(db):
    event = EventFactory(
        title_km=LONG_TITLE,
        title_en="M&E learning forum",
        starts_at=START,
        ends_at=START + datetime.timedelta(hours=3),
    )
    return lambda language: RegistrationFactory(
        event=event, language=language, full_name="Sok Dara"
    )


@override_settings(DEFAULT_FROM_EMAIL="CCC portal <no-reply@ccc-cambodia.org>")
def test_khmer_email_greets_with_honorific_closes_and_comes_from_the_khmer_name(registration):
    message = registration_email(registration("km"), "confirmed")
    assert message.body.startswith("ជម្រាបសួរ លោក/លោកស្រី Sok Dara\n")
    assert "សូមអរគុណ\nក្រុមការងារព្រឹត្តិការណ៍" in message.body
    assert sender_name(message) == "គ.ស.ក <no-reply@ccc-cambodia.org>"
    html = message.alternatives[0][0]
    assert "ជម្រាបសួរ លោក/លោកស្រី Sok Dara" in html and "សូមអរគុណ" in html
    # The time is said once: label ម៉ោង, then the clock with the part of the day.
    assert "ម៉ោង៖ ២:០០ រសៀល – ៥:០០ ល្ងាច" in message.body
    assert "ម៉ោង៖ ម៉ោង" not in message.body


@override_settings(DEFAULT_FROM_EMAIL="CCC portal <no-reply@ccc-cambodia.org>")
def test_english_email_greets_closes_and_comes_from_ccc(registration):
    message = registration_email(registration("en"), "confirmed")
    assert message.body.startswith("Dear Sok Dara,\n")
    assert "With thanks,\nCCC events team" in message.body
    assert sender_name(message) == "CCC <no-reply@ccc-cambodia.org>"
    assert "Time: 2:00 PM – 5:00 PM" in message.body


@pytest.mark.parametrize(
    ("before", "km", "en"),
    [
        (datetime.timedelta(days=1), "ថ្ងៃស្អែក", "tomorrow"),
        (datetime.timedelta(hours=2), "ក្នុងរយៈពេល ២ ម៉ោងទៀត", "in 2 hours"),
    ],
)
def test_reminder_says_first_how_soon_the_event_is(registration, before, km, en):
    now = START - before
    khmer = registration_email(registration("km"), REMINDER, now=now)
    english = registration_email(registration("en"), REMINDER, now=now)
    assert english.subject == f"Reminder ({en}): M&E learning forum"
    assert f"begins {en}." in english.body.split("\n\n")[1]
    with translation.override("km"):
        if latin_digits(how_soon(START, now)) == en:
            pytest.skip(f"the Khmer of {en!r} is not in locale/ yet (the lead translates)")
    assert km in khmer.subject and LONG_TITLE in khmer.subject
    assert km in khmer.body.split("\n\n")[1]


def test_how_soon_in_both_languages():
    with translation.override("en"):
        assert how_soon(START, START - datetime.timedelta(minutes=30)) == "in 30 minutes"
        assert how_soon(START, START - datetime.timedelta(days=3)) == "in 3 days"
        assert how_soon(START, START - datetime.timedelta(hours=1)) == "in 1 hour"
    with translation.override("km"):
        assert "៣" in how_soon(START, START - datetime.timedelta(days=3))


def test_event_card_and_page_say_the_time_once_without_latin_commas(client, db):
    year = next_years_date(10, 3, weekday=3).year  # a Thursday, still to come
    event = EventFactory(
        title_km=LONG_TITLE,
        starts_at=datetime.datetime(year, 10, 3, 8, 30, tzinfo=PHNOM_PENH),
        ends_at=datetime.datetime(year, 10, 3, 11, 30, tzinfo=PHNOM_PENH),
    )
    with translation.override("km"):
        page = client.get(event.get_absolute_url()).text
    assert "៨:៣០ ព្រឹក – ១១:៣០ ព្រឹក" in page
    assert "ម៉ោង ម៉ោង" not in page
    listing = client.get("/km/events/").text
    card_date = re.search(rf'<time datetime="{year}-10-03T08:30[^"]*">([^<]*)</time>', listing)
    assert card_date.group(1) == (f"ថ្ងៃព្រហស្បតិ៍ ទី៣ ខែតុលា ឆ្នាំ{khmer_digits(year)} ម៉ោង ៨:៣០ ព្រឹក")


def test_mou_line_has_long_dates_and_joined_purposes(client, db):
    network = ProvincialNetworkFactory()
    MoUFactory(
        network=network,
        starts_on=datetime.date(2025, 1, 24),
        ends_on=datetime.date(2028, 1, 23),
        signed_on=datetime.date(2025, 1, 20),
        supports_institutional_development=True,
        supports_fundraising=True,
        supports_advocacy=True,
        signatories="Sok Dara\nChan Sophea",
    )
    page = client.get(f"/km/networks/{network.slug}/").text
    assert "ទី២៤ ខែមករា ឆ្នាំ២០២៥" in page
    with translation.override("km"):
        from networks.models import MoU

        purposes = MoU.objects.get(network=network).purposes
        expected = f"{purposes[0]} {purposes[1]} និង {purposes[2]}"
    assert expected in page
    assert "Sok Dara និង Chan Sophea" in page
    english = client.get(f"/en/networks/{network.slug}/").text
    assert "24 January 2025" in english
    assert "Sok Dara and Chan Sophea" in english


def test_names_break_between_words_in_text_but_not_in_titles_links_or_attributes(client, db):
    network = ProvincialNetworkFactory(name_km="បណ្តាញអង្គការមិនមែនរដ្ឋាភិបាលខេត្តបន្ទាយមានជ័យ")
    page = client.get("/km/networks/").text
    assert '<span class="khmer-word">បណ្តាញ</span>' + ZWSP in page
    assert "បណ្តាញអង្គការមិនមែនរដ្ឋាភិបាល" in unwrapped(page)
    with translation.override("km"):
        detail = client.get(network.get_absolute_url()).text
    title = re.search(r"<title>(.*?)</title>", detail, re.S).group(1)
    assert "បណ្តាញអង្គការ" in title and ZWSP not in title
    for text in (page, detail):
        for attribute in re.findall(r'\w+="([^"]*)"', text):
            assert ZWSP not in attribute, attribute
        assert ZWSP not in "".join(re.findall(r"<title>.*?</title>", text, re.S))
