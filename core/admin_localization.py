"""The Khmer admin speaks Khmer throughout: digits in what staff read, digits in what they type.

Two halves, both switched on by the active language only:

- `localise_html` writes the digits of an admin fragment's text in Khmer script, leaving tags,
  attributes (input values, links), scripts, text areas, email addresses and URLs alone, and
  gives Django's boolean icons a translated alternative text. The admin templates we override
  under templates/admin/ pass their numbers and cells through it (the `admin_localise` filter).
- `KhmerDigitsAdminMixin` (and `KhmerDigitsInlineMixin`) give every admin form and inline
  form a `KhmerDigitsFormMixin`: numbers, dates and times typed with Khmer digits are read as
  if typed with Latin ones, before validation.
"""

import re

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.localization import is_khmer, khmer_digits, latin_digits

# A tag, a comment, a character reference (&#39;), or an element whose content is not text for
# a reader.
_MARKUP = re.compile(
    r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<textarea\b.*?</textarea\s*>"
    r"|<!--.*?-->|<[^>]*>|&#?[0-9A-Za-z]+;)",
    re.IGNORECASE | re.DOTALL,
)
# Text that a machine reads back (addresses and links) keeps its Latin digits.
_MACHINE_TEXT = re.compile(r"([^\s<>]*@[^\s<>]*|[a-z][a-z0-9+.-]*://[^\s<>]*)", re.IGNORECASE)
# Django's admin writes alt="True" / "False" / "None" on its boolean icons.
_BOOLEAN_ALT = re.compile(r'(<img\b[^>]*\balt=")(True|False|None)(")')


def _boolean_alt(match):
    text = {"True": gettext("Yes"), "False": gettext("No"), "None": gettext("Unknown")}
    return f"{match.group(1)}{text[match.group(2)]}{match.group(3)}"


def _localise_text(text):
    parts = _MACHINE_TEXT.split(text)
    # split() with one group: even indexes are ordinary text, odd ones addresses and links.
    return "".join(part if i % 2 else khmer_digits(part) for i, part in enumerate(parts))


def localise_html(html, language=None):
    """The fragment with Khmer digits in its text on a Khmer page; unchanged otherwise."""
    if html in (None, ""):
        return html
    text = str(html)
    safe = isinstance(html, SafeString)
    text = _BOOLEAN_ALT.sub(_boolean_alt, text)
    if is_khmer(language):
        pieces = _MARKUP.split(text)
        text = "".join(piece if i % 2 else _localise_text(piece) for i, piece in enumerate(pieces))
    return mark_safe(text) if safe else text  # noqa: S308 (only digits and alt texts changed)


# Form fields whose typed value is a number, a date or a time.
_NUMERIC_FIELDS = (
    forms.IntegerField,
    forms.DecimalField,
    forms.FloatField,
    forms.DateField,
    forms.DateTimeField,
    forms.TimeField,
    forms.DurationField,
    forms.SplitDateTimeField,
)


def _digit_field(field):
    if isinstance(field, _NUMERIC_FIELDS):
        return True
    # A MultiValueField of numbers (the reminder offset's days and hours).
    return isinstance(field, forms.MultiValueField) and all(
        isinstance(sub, _NUMERIC_FIELDS) for sub in field.fields
    )


# A browser empties a type="number" box typed in Khmer digits: number boxes are text boxes
# that bring up the number keypad, and accept either script.
NUMBER_PATTERN = "[0-9០-៩]*([.,][0-9០-៩]*)?"


def digits_widget(widget):
    """`widget` with its number boxes as text boxes that take Khmer or Latin digits."""
    if isinstance(widget, forms.MultiWidget):
        widget.widgets = [digits_widget(sub) for sub in widget.widgets]
        return widget
    if not isinstance(widget, forms.NumberInput):
        return widget
    attrs = {key: value for key, value in widget.attrs.items() if key not in ("min", "max", "step")}
    attrs.setdefault(
        "inputmode", "decimal" if widget.attrs.get("step") not in (None, 1) else "numeric"
    )
    attrs.setdefault("pattern", NUMBER_PATTERN)
    return forms.TextInput(attrs=attrs)


class KhmerDigitsFormMixin:
    """Numbers, dates and times typed with Khmer digits (០-៩) validate like Latin ones.

    Only the keys of numeric and date fields change (a Khmer name or address keeps its
    digits); split widgets post `name_0`, `name_1`, which change too.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget = digits_widget(field.widget)
        if not self.is_bound:
            return
        fields = [(name, field) for name, field in self.fields.items() if _digit_field(field)]
        if not fields:
            return
        data = self.data.copy()
        changed = False
        for name, field in fields:
            key = self.add_prefix(name)
            # A split widget posts one key per part: name_0, name_1 or its own suffixes.
            suffixes = ["", *getattr(field.widget, "widgets_names", ())]
            for data_key in (key + suffix for suffix in suffixes):
                if data_key not in data:
                    continue
                values = data.getlist(data_key) if hasattr(data, "getlist") else [data[data_key]]
                latin = [
                    latin_digits(value) if isinstance(value, str) else value for value in values
                ]
                if latin != values:
                    changed = True
                    if hasattr(data, "setlist"):
                        data.setlist(data_key, latin)
                    else:
                        data[data_key] = latin[0]
        if changed:
            self.data = data


def with_khmer_digits(form_class):
    """`form_class` reading Khmer digits in its numeric and date fields."""
    if issubclass(form_class, KhmerDigitsFormMixin):
        return form_class
    return type(form_class.__name__, (KhmerDigitsFormMixin, form_class), {})


class KhmerDigitsAdminMixin:
    """For a ModelAdmin: its change form and list-editable rows accept Khmer digits."""

    def get_form(self, request, obj=None, **kwargs):
        return with_khmer_digits(super().get_form(request, obj, **kwargs))

    def get_changelist_formset(self, request, **kwargs):
        formset = super().get_changelist_formset(request, **kwargs)
        formset.form = with_khmer_digits(formset.form)
        return formset


class KhmerDigitsInlineMixin:
    """For an InlineModelAdmin: its rows accept Khmer digits."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_khmer_digits(formset.form)
        return formset
