"""Where a line may break inside Khmer text.

Khmer writes no spaces between words, so a browser that may only break at spaces keeps a long
name on one line (and overflows a narrow cell), while `overflow-wrap: anywhere` breaks it in the
middle of a word. We mark the word boundaries instead: a zero-width space (U+200B) between the
words of each Khmer run, found by khmercut's segmenter. Browsers break there and nowhere else.

Chromium also breaks Khmer by its own dictionary (ICU), inside words we keep whole (it splits
បន្ទាយ|មានជ័យ), and `word-break: keep-all` does not stop it there. So the template filter also
wraps each word in <span class="khmer-word"> (white-space: nowrap in portal.css): lines break
at the zero-width spaces between words and nowhere else.

For text a person reads only: never for form values, URLs, attributes or <title> (a zero-width
space would travel into a copied link or a bookmark's name). core.text.normalise_text removes
them again before names are compared or searched.
"""

import functools
import re

from khmercut import tokenize

ZWSP = "\u200b"
# A run of Khmer letters, signs and digits (Khmer and Khmer Symbols blocks), with the zero-width
# characters that may already sit inside it.
KHMER_RUN = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff\u200b-\u200d]+")
# Shorter runs are one word or an acronym (បអមរ): left whole.
SHORTEST_SPLIT = 8


@functools.lru_cache(maxsize=4096)
def _break_run(run):
    # Boundaries already marked (a Khmer keyboard inserts them) are kept.
    pieces = run.split(ZWSP)
    return ZWSP.join(
        ZWSP.join(tokenize(piece)) if len(piece) >= SHORTEST_SPLIT else piece
        for piece in pieces
        if piece
    )


def khmer_words_html(html):
    """Escaped HTML text with each Khmer word in a nowrap span and U+200B between words."""

    def spans(match):
        words = _break_run(match.group()).split(ZWSP)
        return ZWSP.join(f'<span class="khmer-word">{word}</span>' for word in words)

    return KHMER_RUN.sub(spans, str(html))


def khmer_marked_words_html(html):
    """As khmer_words_html, for text whose word boundaries are already all marked (text that
    went through khmer_word_breaks when it was saved): no segmenting, only the spans."""

    def spans(match):
        words = [word for word in match.group().split(ZWSP) if word]
        return ZWSP.join(f'<span class="khmer-word">{word}</span>' for word in words)

    return KHMER_RUN.sub(spans, str(html))


def khmer_word_breaks(text):
    """The text with a zero-width space between every two Khmer words; nothing else changes."""
    text = str(text)
    if not KHMER_RUN.search(text):
        return text
    return KHMER_RUN.sub(lambda match: _break_run(match.group()), text)
