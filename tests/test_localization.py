import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core.localization import (
    format_date,
    khmer_digits,
    latin_digits,
    local_number,
    month_name,
    weekday_names,
)

UTC = datetime.UTC
MEMBERS_MEETING = datetime.datetime(2023, 10, 3, 1, 30, tzinfo=UTC)  # 08:30 in Phnom Penh


def test_khmer_long_date_uses_khmer_names_and_digits():
    assert format_date(MEMBERS_MEETING, "long", "km") == "ថ្ងៃអង្គារ ទី៣ ខែតុលា ឆ្នាំ២០២៣"


def test_khmer_time_is_phnom_penh_time_in_khmer_digits():
    assert format_date(MEMBERS_MEETING, "time", "km") == "ម៉ោង ០៨:៣០"


def test_english_dates_use_english_names_and_latin_digits():
    assert format_date(MEMBERS_MEETING, "long", "en") == "Tuesday 3 October 2023"
    assert format_date(MEMBERS_MEETING, "time", "en") == "08:30"


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
        "ម៉ោង ០១:០០"
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
