"""Page text as a reader sees it: Khmer names come with a span per word and zero-width spaces
between words (the |khmer_wrap filter); tests that look for a whole name remove them first."""

import re

KHMER_WORD = re.compile(r'<span class="khmer-word">([^<]*)</span>')


def unwrapped(html):
    return KHMER_WORD.sub(r"\1", html).replace("\u200b", "")
