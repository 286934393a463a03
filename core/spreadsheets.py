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
