"""The admin's Khmer digits in templates: {% load admin_localization %}

{{ item|admin_localise }} writes the digits of an HTML fragment's text in Khmer on a Khmer page
(tags, input values, links, emails and scripts keep theirs); {% filter admin_localise %} ...
{% endfilter %} does the same for a block of a template.
"""

from django import template

from core.admin_localization import localise_html

register = template.Library()


@register.filter(is_safe=True)
def admin_localise(value):
    return localise_html(value)
