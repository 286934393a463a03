"""Template filters over core.localization, so templates and emails share one helper.

{% load localization %}
{{ event.starts_at|localdate:"long" }}  {{ seats_left|localnumber }}
{{ mou.purposes|joinlist }}  {{ network.name|khmer_wrap }}
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core import localization
from core.wordbreak import khmer_marked_words_html, khmer_words_html

register = template.Library()


@register.filter
def localdate(value, style="long"):
    return localization.format_date(value, style)


@register.filter
def localdigits(value):
    return localization.local_digits(value)


@register.filter
def localnumber(value):
    if value in (None, ""):
        return ""
    return localization.local_number(value)


@register.filter
def joinlist(items):
    """'a, b and c' / 'ក ខ និង គ' (escaped, like any value)."""
    return localization.join_list(items or [])


@register.filter(is_safe=True)
def khmer_wrap(value):
    """A name or title that may break between Khmer words only: U+200B at word boundaries and
    each Khmer word in <span class="khmer-word"> (kept whole by portal.css).

    Use it in text a person reads, never inside an attribute, a form value, a URL or <title>.
    """
    if value in (None, ""):
        return ""
    return mark_safe(khmer_words_html(conditional_escape(value)))


@register.filter(is_safe=True)
def khmer_wrap_marked(value):
    """khmer_wrap for text saved with its word breaks (Organisation.name_km_words): the same
    markup without segmenting the text again."""
    if value in (None, ""):
        return ""
    return mark_safe(khmer_marked_words_html(conditional_escape(value)))
