"""Text as people type it, made comparable: what forms, imports and searches do to it first.

- normalise_text: the form names are compared and searched in (NFC, no zero-width characters,
  one spelling of the interchangeable Khmer subscripts).
- clean_text: printable text for storage (control characters other than line breaks removed).
- normalise_phone: a Cambodian phone number in one form, whatever digits and spacing were typed.
"""

import re
import unicodedata

from .localization import latin_digits

# Zero-width characters that Khmer keyboards insert between words; invisible, but they break
# substring matching.
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Two spellings of the same subscript: COENG TA (្ត) and COENG DA (្ដ) are used interchangeably
# (កណ្តាល / កណ្ដាល); compare and search on one of them.
COENG_DA, COENG_TA = "\u17d2\u178a", "\u17d2\u178f"

# Line breaks, and the zero-width characters Khmer text uses between words.
KEPT = frozenset("\n\t\u200b\u200c\u200d")

# Cambodian numbers: 0 + 8 or 9 digits at home, +855 + 8 or 9 digits (no leading 0) abroad.
LOCAL_PHONE = re.compile(r"^0([1-9]\d{7,8})$")
INTERNATIONAL_PHONE = re.compile(r"^(?:\+|00)855 ?0?([1-9]\d{7,8})$")
PHONE_SEPARATORS = re.compile(r"[\s\-.()]")


def normalise_text(value):
    """Text as compared and searched: NFC, no zero-width characters, one coeng form."""
    text = unicodedata.normalize("NFC", str(value or "")).translate(ZERO_WIDTH)
    return text.replace(COENG_DA, COENG_TA).strip()


def clean_text(value):
    """Printable text: control characters (other than line breaks) removed, NFC."""
    value = unicodedata.normalize("NFC", value)
    kept = (char for char in value if char in KEPT or unicodedata.category(char)[0] != "C")
    return "".join(kept).strip()


def normalise_phone(value):
    """'012 345 678', '+855 12 345 678', '០១២ ៣៤៥ ៦៧៨' -> '+85512345678'; None if not Cambodian."""
    compact = PHONE_SEPARATORS.sub("", latin_digits(value))
    match = LOCAL_PHONE.match(compact) or INTERNATIONAL_PHONE.match(compact)
    return f"+855{match.group(1)}" if match else None
