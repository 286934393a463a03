"""Rendered fragments kept in the shared cache under a key made of all they show (issue 18:
public pages rendered afresh within 15 times the bench floor).

A fragment's key is a digest of the active language and of what the fragment shows, so an edit
gives a new key and nothing needs invalidating; a registration, which drops whole cached pages,
leaves the fragments of everything else in place. The key also holds a digest of the code that
draws fragments (our templates, our compiled catalogues and the locked library versions), so a
deploy that changes markup or wording is seen at once, not after FRAGMENT_SECONDS; hosts running
the same code share their fragments. When the cache is down, fragments are rendered afresh.
"""

import functools
import hashlib

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .cache import cache_call_or

FRAGMENT_SECONDS = 3600


# What draws a fragment, under the project's root: a change to any of these is a new release.
RELEASE_FILES = (
    "templates/**/*",
    "*/templates/**/*",
    "locale/**/*.mo",
    "locale_overrides/**/*.mo",
    "requirements.txt",
)


def release_digest(root):
    """A digest of the contents of RELEASE_FILES under `root`: the same on every host running
    the same code (contents, not modification times, which a checkout sets)."""
    digest = hashlib.sha256()
    paths = {path for pattern in RELEASE_FILES for path in root.glob(pattern) if path.is_file()}
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def current_release():
    """This process's release digest, read once (a deploy starts new processes)."""
    return release_digest(settings.BASE_DIR)


def fragment_key(name, shown):
    digest = hashlib.sha256(repr([get_language(), shown]).encode()).hexdigest()
    return f"fragment:{current_release()}:{name}:{digest}"


def cached_html(name, shown, template_name, context):
    """`template_name` rendered with `context`, from the cache under `shown`'s key. `context`
    may be a function, called only when the fragment is rendered."""
    key = fragment_key(name, shown)
    html = cache_call_or(None, "get", key)
    if html is None:
        html = render_to_string(template_name, context() if callable(context) else context)
        cache_call_or(None, "set", key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # our own template's output


def set_cached_fragments(objects, name, shows, template_name, as_name, attribute="fragment"):
    """Set `attribute` of each of `objects` to `template_name` rendered with the object as
    `as_name`, from the cache in one round trip under the key of `shows(object)`; the missing
    ones rendered and kept in one more."""
    keys = [fragment_key(name, shows(item)) for item in objects]
    found = cache_call_or({}, "get_many", keys)
    missing = {}
    for item, key in zip(objects, keys, strict=True):
        html = found.get(key)
        if html is None:
            html = missing[key] = render_to_string(template_name, {as_name: item})
        setattr(item, attribute, mark_safe(html))  # our own template's output
    if missing:
        cache_call_or(None, "set_many", missing, FRAGMENT_SECONDS)
    return objects


def unbound_form_shows(form):
    """All that `form`'s fields show before anything is typed (labels, help, required, initial
    values, widgets and their attributes, limits, choices), in order: the key of their rendered
    HTML. Lazy texts are read in the active language, so the key is the same in every process."""
    if form.is_bound:
        raise ValueError("A bound form shows what was typed: render it afresh.")
    return [
        (
            name,
            str(field.label),
            str(field.help_text),
            field.required,
            str(form.get_initial_for_field(field, name)),
            type(field).__name__,
            type(field.widget).__name__,
            # The widget's own attributes and those the field adds (maxlength, min, max).
            sorted(
                (key, str(value))
                for key, value in {**field.widget.attrs, **field.widget_attrs(field.widget)}.items()
            ),
            [(str(value), str(label)) for value, label in getattr(field, "choices", ())],
        )
        for name, field in form.fields.items()
    ]
