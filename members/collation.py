"""Khmer alphabetical order where the database has none (SQLite): the Unicode Collation
Algorithm with its default table (DUCET), pure Python (pyuca). DUCET orders Khmer consonants and
vowels as the Khmer alphabet does, which is what CLDR's Khmer order tailors only slightly."""

import functools

from core.text import normalise_text


@functools.cache
def _collator():
    from pyuca import Collator

    return Collator()


@functools.lru_cache(maxsize=8192)
def khmer_sort_key(text):
    return _collator().sort_key(normalise_text(text))


def compare_khmer(left, right):
    left_key, right_key = khmer_sort_key(left or ""), khmer_sort_key(right or "")
    return (left_key > right_key) - (left_key < right_key)
