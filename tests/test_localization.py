import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from core.localization import (
    format_date,
    join_list,
    khmer_digits,
    latin_digits,
    local_number,
    month_name,
    weekday_names,
)
from core.text import normalise_text
from core.wordbreak import ZWSP, khmer_word_breaks
from tests.unwrap import unwrapped

UTC = datetime.UTC
MEMBERS_MEETING = datetime.datetime(2023, 10, 3, 1, 30, tzinfo=UTC)  # 08:30 in Phnom Penh


def test_khmer_long_date_uses_khmer_names_and_digits():
    assert format_date(MEMBERS_MEETING, "long", "km") == "ថ្ងៃអង្គារ ទី៣ ខែតុលា ឆ្នាំ២០២៣"


def test_khmer_time_is_phnom_penh_time_on_a_12_hour_clock_with_the_part_of_the_day():
    assert format_date(MEMBERS_MEETING, "time", "km") == "ម៉ោង ៨:៣០ ព្រឹក"


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (8, 30, "៨:៣០ ព្រឹក"),
        (12, 0, "១២:០០ ថ្ងៃត្រង់"),
        (14, 0, "២:០០ រសៀល"),
        (17, 30, "៥:៣០ ល្ងាច"),
        (19, 0, "៧:០០ យប់"),
        (0, 15, "១២:១៥ យប់"),
    ],
)
def test_parts_of_the_day(hour, minute, expected):
    value = datetime.datetime(2026, 3, 14, hour, minute, tzinfo=ZoneInfo("Asia/Phnom_Penh"))
    assert format_date(value, "clock", "km") == expected
    assert format_date(value, "time", "km") == f"ម៉ោង {expected}"


def test_the_word_for_hour_is_written_once():
    # After a "Time" label (ម៉ោង) the value is the bare clock; a date and time say ម៉ោង once.
    assert "ម៉ោង" not in format_date(MEMBERS_MEETING, "clock", "km")
    datetime_text = format_date(MEMBERS_MEETING, "datetime", "km")
    assert datetime_text == "ថ្ងៃអង្គារ ទី៣ ខែតុលា ឆ្នាំ២០២៣ ម៉ោង ៨:៣០ ព្រឹក"
    assert datetime_text.count("ម៉ោង") == 1


def test_khmer_dates_have_no_latin_commas():
    for style in ("long", "date", "short", "month", "time", "clock", "datetime"):
        assert "," not in format_date(MEMBERS_MEETING, style, "km"), style


def test_long_date_without_weekday_for_mou_lines():
    assert format_date(datetime.date(2025, 1, 24), "date", "km") == "ទី២៤ ខែមករា ឆ្នាំ២០២៥"
    assert format_date(datetime.date(2025, 1, 24), "date", "en") == "24 January 2025"


def test_english_dates_use_english_names_and_latin_digits():
    assert format_date(MEMBERS_MEETING, "long", "en") == "Tuesday 3 October 2023"
    assert format_date(MEMBERS_MEETING, "time", "en") == "8:30 AM"
    assert format_date(MEMBERS_MEETING, "datetime", "en") == "Tuesday 3 October 2023, 8:30 AM"


def test_the_active_language_decides_when_none_is_given():
    with translation.override("km"):
        assert format_date(datetime.date(2026, 3, 14), "short") == "១៤ មីនា ២០២៦"
    with translation.override("en"):
        assert format_date(datetime.date(2026, 3, 14), "short") == "14 Mar 2026"


def test_march_is_spelled_correctly():
    # Django's own km catalogue has មិនា.
    assert month_name(3, "km") == "មីនា"


def test_date_crossing_midnight_in_phnom_penh():
    late_utc = datetime.datetime(2023, 12, 31, 18, 0, tzinfo=UTC)  # 01:00 on 1 January
    assert format_date(late_utc, "short", "en") == "1 Jan 2024"
    assert format_date(late_utc.astimezone(ZoneInfo("Asia/Phnom_Penh")), "time", "km") == (
        "ម៉ោង ១:០០ យប់"
    )


def test_weeks_start_on_monday_in_both_languages():
    assert weekday_names("km")[0] == "ច័ន្ទ"
    assert weekday_names("en")[0] == "Monday"


@pytest.mark.parametrize("text", ["0123456789", "+855 12 345 678", "2023-10-03"])
def test_digits_round_trip(text):
    assert latin_digits(khmer_digits(text)) == text


def test_numbers_are_grouped_and_localised():
    assert local_number(4999, "km") == "៤,៩៩៩"
    assert local_number(4999, "en") == "4,999"


@pytest.mark.parametrize(
    ("items", "km", "en"),
    [
        ([], "", ""),
        (["ក"], "ក", "a"),
        (["ក", "ខ"], "ក និង ខ", "a and b"),
        (["ក", "ខ", "គ"], "ក ខ និង គ", "a, b and c"),
    ],
)
def test_join_list(items, km, en):
    assert join_list(items, "km") == km
    latin = ["a", "b", "c"][: len(items)]
    assert join_list(latin, "en") == en


def test_joinlist_filter_joins_in_the_active_language_and_escapes():
    template = Template("{% load localization %}{{ items|joinlist }}")
    with translation.override("km"):
        assert template.render(Context({"items": ["ក", "ខ", "<b>"]})) == "ក ខ និង &lt;b&gt;"
    with translation.override("en"):
        assert template.render(Context({"items": ["a", "b", "c"]})) == "a, b and c"


NETWORK_NAME = "បណ្តាញអង្គការមិនមែនរដ្ឋាភិបាលខេត្តបន្ទាយមានជ័យ"


def test_word_breaks_go_between_khmer_words_only():
    wrapped = khmer_word_breaks(NETWORK_NAME)
    words = wrapped.split(ZWSP)
    assert len(words) > 3
    # Nothing is lost or added but the breaks, and each piece is a word of the segmenter's,
    # never a fragment of a cluster: a piece never starts with a dependent vowel, a sign or a
    # subscript (COENG), which would mean a break inside a syllable.
    assert "".join(words) == NETWORK_NAME
    for word in words:
        assert not ("\u17b6" <= word[0] <= "\u17d3"), word
    assert words[0] == "បណ្តាញ" and words[-1] == "បន្ទាយមានជ័យ"
    assert normalise_text(wrapped) == normalise_text(NETWORK_NAME)


def test_word_breaks_leave_latin_text_spaces_acronyms_and_marked_breaks_alone():
    assert khmer_word_breaks("ICT Learning Forum 2025") == "ICT Learning Forum 2025"
    assert khmer_word_breaks("(បអមរ)") == "(បអមរ)"
    assert khmer_word_breaks(f"ខេត្ត{ZWSP}សៀមរាប") == f"ខេត្ត{ZWSP}សៀមរាប"
    assert khmer_word_breaks(f"ICT {NETWORK_NAME}").startswith("ICT បណ្តាញ" + ZWSP)


def test_khmer_wrap_filter_keeps_each_word_whole_and_breaks_between_words():
    template = Template("{% load localization %}{{ name|khmer_wrap }}")
    rendered = template.render(Context({"name": f"<b>ICT {NETWORK_NAME}</b>"}))
    words = khmer_word_breaks(NETWORK_NAME).split(ZWSP)
    expected = ZWSP.join(f'<span class="khmer-word">{word}</span>' for word in words)
    assert rendered == f"&lt;b&gt;ICT {expected}&lt;/b&gt;"
    assert unwrapped(rendered) == f"&lt;b&gt;ICT {NETWORK_NAME}&lt;/b&gt;"
    assert template.render(Context({"name": "Network 1"})) == "Network 1"
    assert template.render(Context({"name": None})) == ""


@pytest.mark.django_db
def test_the_directory_shows_khmer_names_with_the_word_breaks_saved_with_them(client, monkeypatch):
    """A name is segmented when saved (and by the reindex service), not on every page: the
    list renders the same markup as khmer_wrap without calling the segmenter."""
    from core import wordbreak
    from members.models import Organisation
    from members.services import organisations_reindex
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory(name_km=NETWORK_NAME, membership_status="active")
    assert organisation.name_km_words == khmer_word_breaks(NETWORK_NAME)
    # A bulk write that bypasses save() is caught up by the reindex service.
    Organisation.objects.filter(pk=organisation.pk).update(name_km="សមាគមយុវជនកម្ពុជា")
    organisations_reindex(organisations=Organisation.objects.filter(pk=organisation.pk))
    organisation.refresh_from_db()
    assert organisation.name_km_words == khmer_word_breaks("សមាគមយុវជនកម្ពុជា")

    wrapped = Template("{% load localization %}{{ name|khmer_wrap }}").render(
        Context({"name": "សមាគមយុវជនកម្ពុជា"})
    )

    def no_segmenting(text):
        raise AssertionError(f"segmented {text!r} while rendering")

    wordbreak._break_run.cache_clear()
    monkeypatch.setattr(wordbreak, "tokenize", no_segmenting)
    page = client.get("/km/members/", {"q": "យុវជន"})
    assert wrapped in page.text
