"""Text as people type it, made comparable: what forms, imports and searches do to it first.

- normalise_text: the form names are compared in (NFC, no zero-width characters, one spelling of
  the Khmer sequences that look the same: subscript order, split vowels, ឲ/ឱ, coeng da/ta).
- normalise_search / search_words: what the directory search compares: normalise_text, then
  quotes, punctuation and case folded away, Khmer split into words (khmercut's segmenter).
- clean_text: printable text for storage (control characters other than line breaks removed).
- normalise_phone: a Cambodian phone number in one form (E.164, by phonenumbers), whatever
  digits and spacing were typed.
"""

import functools
import re
import unicodedata

import phonenumbers
from khmercut import tokenize as khmer_tokenize

from .localization import latin_digits

# Zero-width characters that Khmer keyboards insert between words; invisible, but they break
# substring matching.
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Two spellings of the same subscript: COENG TA (្ត) and COENG DA (្ដ) are used interchangeably
# (កណ្តាល / កណ្ដាល); compare and search on one of them.
COENG_DA, COENG_TA = "\u17d2\u178a", "\u17d2\u178f"
# Khmer typed in an order that renders the same as the standard one (Unicode's "Khmer vowel
# sign combinations to avoid" and the subscript order): the first spelling becomes the second.
KHMER_SPELLINGS = [
    ("\u17c1\u17b6", "\u17c4"),  # េ + ា -> ោ
    ("\u17c1\u17b8", "\u17be"),  # េ + ី -> ើ
    ("\u17c6\u17b6", "\u17b6\u17c6"),  # ំ + ា -> ាំ
    ("\u17c6\u17bb", "\u17bb\u17c6"),  # ំ + ុ -> ុំ
    ("\u17b2", "\u17b1"),  # ឲ -> ឱ (the same word spelt two ways)
    (COENG_DA, COENG_TA),
]
# COENG RO is written last among a consonant's subscripts: ្រ្ត -> ្ត្រ.
COENG_RO_FIRST = re.compile("(\u17d2\u179a)(\u17d2[\u1780-\u17a2])")
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
# Dropped without a trace (so គ.ស.ក is គសក and People's is Peoples); other punctuation and
# symbols separate words.
JOINING_PUNCTUATION = frozenset(".'\u00b7")
KHMER_LETTER = re.compile("[\u1780-\u17dd]")

# Line breaks, and the zero-width characters Khmer text uses between words.
KEPT = frozenset("\n\t\u200b\u200c\u200d")

# What a typed phone number may hold besides digits: spacing, and a + or 00 before 855. No
# letters: phonenumbers would read them as a keypad's (1-800-FLOWERS), and "ext." is dropped.
PHONE_CHARACTERS = re.compile(r"^[\d\s\-.()+]*$")
# 00 + 855 dialled from abroad. Parsed in region KH, "008" is one of Cambodia's own international
# prefixes and phonenumbers reads 00855 97 ... as Brazil (+55); write the + ourselves.
INTERNATIONAL_ZEROS = re.compile(r"^\s*00\s*855")


def normalise_text(value):
    """Text as compared: NFC, no zero-width characters, one spelling of Khmer that looks alike."""
    text = unicodedata.normalize("NFC", str(value or "")).translate(ZERO_WIDTH)
    text = COENG_RO_FIRST.sub(r"\2\1", text)
    for typed, standard in KHMER_SPELLINGS:
        text = text.replace(typed, standard)
    return text.strip()


def normalise_search(value):
    """Text as the directory search compares it: normalise_text, straight quotes, no dots or
    apostrophes, other punctuation and symbols as spaces, case folded, single spaces."""
    text = normalise_text(value).translate(QUOTES)
    kept = []
    for char in text:
        if char in JOINING_PUNCTUATION:
            continue
        category = unicodedata.category(char)
        kept.append(" " if category[0] in "PSZC" and char not in "\u17d7" else char)
    return " ".join("".join(kept).casefold().split())


@functools.lru_cache(maxsize=4096)
def _khmer_words(chunk):
    return tuple(word for word in khmer_tokenize(chunk) if word.strip())


def search_words(value):
    """The words of `value` for searching: normalise_search, split at spaces, and Khmer runs
    split into words by khmercut's segmenter (Khmer writes no spaces between words)."""
    words = []
    for chunk in normalise_search(value).split():
        pieces = _khmer_words(chunk) if KHMER_LETTER.search(chunk) else (chunk,)
        words.extend(piece for piece in pieces if piece not in words)
    return words


def clean_text(value):
    """Printable text: control characters (other than line breaks) removed, NFC."""
    value = unicodedata.normalize("NFC", value)
    kept = (char for char in value if char in KEPT or unicodedata.category(char)[0] != "C")
    return "".join(kept).strip()


def normalise_phone(value):
    """'012 345 678', '+855 12 345 678', '០១២ ៣៤៥ ៦៧៨' -> '+85512345678' (E.164); None unless
    phonenumbers finds a valid Cambodian number (foreign numbers are refused too)."""
    typed = latin_digits(value or "").strip()
    if not typed or len(typed) > 40 or not PHONE_CHARACTERS.match(typed):
        return None
    typed = INTERNATIONAL_ZEROS.sub("+855", typed)
    try:
        number = phonenumbers.parse(typed, "KH")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number_for_region(number, "KH"):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# What a search index keeps of a name (see search_index): a whole word, the text from the start
# of a word, or (Khmer only) the text from a letter inside a word.
WORD, WORD_START, INSIDE = 0, 1, 2
# Index entries are cut to this length; a longer search word is cut the same way.
INDEX_TOKEN_LENGTH = 40
# A Khmer letter that starts a character cluster (a consonant or an independent vowel).
KHMER_CLUSTER_START = re.compile("[\u1780-\u17b3]")
KHMER_COENG = "\u17d2"


def search_index(*texts):
    """The (token, kind) entries a search word is looked up in by prefix: every word (WORD), the
    rest of each run of words from every word start (WORD_START: finds words the segmenter split
    differently in the query), and for Khmer the rest from every cluster inside a word (INSIDE:
    finds part of a word, as យុវជន for ជន)."""
    entries = set()
    for text in texts:
        for chunk in normalise_search(text).split():
            if not KHMER_LETTER.search(chunk):
                entries.add((chunk[:INDEX_TOKEN_LENGTH], WORD))
                continue
            words = _khmer_words(chunk)
            offset = 0
            starts = set()
            for word in words:
                entries.add((word[:INDEX_TOKEN_LENGTH], WORD))
                starts.add(offset)
                offset += len(word)
            for index, char in enumerate(chunk):
                if index in starts:
                    kind = WORD_START
                elif KHMER_CLUSTER_START.match(char) and chunk[index - 1] != KHMER_COENG:
                    kind = INSIDE
                else:
                    continue
                entries.add((chunk[index : index + INDEX_TOKEN_LENGTH], kind))
    return entries
