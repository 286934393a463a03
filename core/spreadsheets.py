"""Spreadsheet cells that cannot run: the one rule for every CSV and XLSX the portal writes.

A spreadsheet program may read a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula, so a registrant who types
``+cmd|' /C calc'!A0`` as their organisation could run a command on the computer of the staff
member who opens the export ("CSV injection"). Following OWASP
(https://owasp.org/www-community/attacks/CSV_Injection), such text is prefixed with a single
quote: the cell shows the text as typed, with the quote in front, and nothing is evaluated.

Only text is changed: numbers, dates and booleans are written as they are, and text that is
just a negative number (``-12``, ``-12.5`` or ``-1,234``, as a CSV writes numbers) is left
alone, since it can only ever be that number.
"""

import re
import unicodedata

import tablib

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A negative number as a CSV writes it: -12, -12.5, or grouped as -1,234.5.
PLAIN_NUMBER = re.compile(r"-(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?")


def neutralise_formula(value):
    """`value` with a leading single quote if a spreadsheet would read it as a formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def neutralise_row(row):
    return [neutralise_formula(cell) for cell in row]


def neutralise_dataset(dataset):
    """A copy of a tablib Dataset with every cell passed through neutralise_formula (the
    headers are ours, not user data, and stay as they are so that files can be imported
    again)."""
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append(neutralise_row(row))
    return safe


# Excel refuses these in a sheet name, and a sheet name longer than 31 characters.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
# Not in a file name on Windows, macOS or Linux; nor control characters.
FILE_NAME_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def _cut(text, limit):
    """`text` cut to at most `limit` characters, never inside a Khmer syllable: a combining
    vowel or sign, or the consonant after a coeng (U+17D2), stays with what comes before."""
    if len(text) <= limit:
        return text
    end = limit
    while end > 0 and (unicodedata.category(text[end])[0] == "M" or text[end - 1] == "\u17d2"):
        end -= 1
    return text[:end] if end else text[:limit]


def sheet_title(text):
    """A name Excel accepts for a sheet: no [ ] : * ? / \\, at most 31 characters."""
    name = " ".join(SHEET_NAME_FORBIDDEN.sub(" ", str(text)).split()).strip("'")
    return _cut(name, SHEET_NAME_MAX).strip() or "Sheet1"


def export_filename(title, extension, day=None):
    """The name of an exported file: its title (an event's title, say), the day if given, the
    extension, with the characters no file system takes replaced."""
    name = " ".join(FILE_NAME_FORBIDDEN.sub(" ", str(title)).split()).strip(". ")
    name = _cut(name, 120).strip()
    return f"{name} {day:%Y-%m-%d}.{extension}" if day else f"{name}.{extension}"
