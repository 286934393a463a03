"""Dates, times and digits as each language writes them: the one helper for pages, emails and
calendar files.

Khmer pages show Khmer month and weekday names and Khmer digits (០-៩); English pages use Latin
digits. Machine-readable values (`<time datetime>`, URLs, form values, .ics, CSV) always keep
Latin digits: call these helpers only for text a person reads.
"""

import datetime

from django.utils import dateformat, timezone, translation

KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
_TO_KHMER = str.maketrans("0123456789", KHMER_DIGITS)
_TO_LATIN = str.maketrans(KHMER_DIGITS, "0123456789")

# Our own tables: Django's km catalogue misspells March (មិនា for មីនា).
KHMER_MONTHS = (
    "មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា",
    "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ",
)  # fmt: skip
# Monday first, as datetime.weekday() counts.
KHMER_WEEKDAYS = ("ច័ន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍", "អាទិត្យ")

ENGLISH_FORMATS = {
    "long": "l j F Y",  # Tuesday 3 October 2023
    "short": "j M Y",  # 3 Oct 2023
    "month": "F Y",  # October 2023
    "date": "j F Y",  # 3 October 2023
    "time": "g:i A",  # 8:30 AM
    "clock": "g:i A",  # 8:30 AM
    "datetime": "l j F Y, g:i A",
}

# Parts of the day on a 12-hour clock, as Cambodian NGOs write times (ម៉ោង ៨:៣០ ព្រឹក):
# (first hour, name); see docs/decisions.md.
KHMER_PARTS_OF_DAY = (
    (0, "យប់"),
    (5, "ព្រឹក"),
    (12, "ថ្ងៃត្រង់"),
    (13, "រសៀល"),
    (17, "ល្ងាច"),
    (19, "យប់"),
)


def is_khmer(language=None):
    return (language or translation.get_language() or "km").startswith("km")


def khmer_digits(value):
    """Write the digits of a value in Khmer script."""
    return str(value).translate(_TO_KHMER)


def latin_digits(value):
    """Turn Khmer digits typed on a Khmer keyboard into Latin ones (form input, search)."""
    return str(value).translate(_TO_LATIN)


def local_digits(value, language=None):
    """Digits for a reader of `language` (the active language by default)."""
    return khmer_digits(value) if is_khmer(language) else str(value)


def local_number(value, language=None):
    """A whole number with thousands grouped (1,234 / ១,២៣៤)."""
    return local_digits(f"{int(value):,}", language)


def khmer_clock(value):
    """'8:30 ព្រឹក', '2:00 រសៀល': the 12-hour time and its part of the day, Latin digits."""
    part = [name for first, name in KHMER_PARTS_OF_DAY if value.hour >= first][-1]
    return f"{value.hour % 12 or 12}:{value:%M} {part}"


def join_list(items, language=None):
    """'a, b and c' in English; Khmer separates with spaces and joins the last with និង."""
    items = [str(item) for item in items if str(item)]
    if len(items) < 2:
        return "".join(items)
    if is_khmer(language):
        return f"{' '.join(items[:-1])} និង {items[-1]}"
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _as_local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_date(value, style="long", language=None):
    """Format a date or datetime for a reader.

    Styles: "long" (ថ្ងៃអង្គារ ទី៣ ខែតុលា ឆ្នាំ២០២៣ / Tuesday 3 October 2023), "date" (ទី៣
    ខែតុលា ឆ្នាំ២០២៣ / 3 October 2023), "short" (៣ តុលា ២០២៣ / 3 Oct 2023), "month" (ខែតុលា
    ឆ្នាំ២០២៣ / October 2023), "time" (ម៉ោង ៨:៣០ ព្រឹក / 8:30 AM), "clock" (the time without
    ម៉ោង, after a "Time" label or in a range: ៨:៣០ ព្រឹក) and "datetime" (no comma in Khmer).
    Aware datetimes are shown in Phnom Penh time.
    """
    if value in (None, ""):
        return ""
    value = _as_local(value)
    if not is_khmer(language):
        with translation.override("en"):
            return dateformat.format(value, ENGLISH_FORMATS[style])
    month = KHMER_MONTHS[value.month - 1]
    if style == "long":
        weekday = KHMER_WEEKDAYS[value.weekday()]
        text = f"ថ្ងៃ{weekday} ទី{value.day} ខែ{month} ឆ្នាំ{value.year}"
    elif style == "date":
        text = f"ទី{value.day} ខែ{month} ឆ្នាំ{value.year}"
    elif style == "short":
        text = f"{value.day} {month} {value.year}"
    elif style == "month":
        text = f"ខែ{month} ឆ្នាំ{value.year}"
    elif style == "time":
        text = f"ម៉ោង {khmer_clock(value)}"
    elif style == "clock":
        text = khmer_clock(value)
    elif style == "datetime":
        weekday = KHMER_WEEKDAYS[value.weekday()]
        text = f"ថ្ងៃ{weekday} ទី{value.day} ខែ{month} ឆ្នាំ{value.year} ម៉ោង {khmer_clock(value)}"
    else:
        raise ValueError(f"unknown date style {style!r}")
    return khmer_digits(text)


def month_name(month, language=None):
    """The name of month 1-12."""
    if is_khmer(language):
        return KHMER_MONTHS[month - 1]
    with translation.override("en"):
        return dateformat.format(datetime.date(2000, month, 1), "F")


def weekday_names(language=None, short=False):
    """Weekday names, Monday first."""
    if is_khmer(language):
        return list(KHMER_WEEKDAYS)
    with translation.override("en"):
        monday = datetime.date(2024, 1, 1)
        return [
            dateformat.format(monday + datetime.timedelta(days=i), "D" if short else "l")
            for i in range(7)
        ]
