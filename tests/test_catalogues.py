"""Two Khmer catalogues: ours (makemessages) and the overrides of Django's and the libraries'.

locale/km/LC_MESSAGES holds our own strings; locale_overrides/km/LC_MESSAGES holds, by hand, the
Khmer of Django's and the installed libraries' strings. Both must be complete, each string lives
in one of them only, and every override must still be a msgid the installed packages use: after
an upgrade that rewords a string, the override would silently stop applying.
"""

import re
from pathlib import Path

import django
import pytest
from babel.messages.pofile import read_po, unescape
from django.apps import apps
from django.conf import settings
from django.utils import translation

BASE_DIR = Path(__file__).resolve().parent.parent
OURS = BASE_DIR / "locale" / "km" / "LC_MESSAGES"
OVERRIDES = BASE_DIR / "locale_overrides" / "km" / "LC_MESSAGES"
DJANGO_DIR = Path(django.__file__).resolve().parent
SOURCE_SUFFIXES = {"django": {".py", ".html", ".txt"}, "djangojs": {".js"}}


def _catalogue(path):
    with path.open("rb") as handle:
        return read_po(handle)


def _key(message):
    """(msgctxt, msgid, msgid_plural), as gettext looks a message up."""
    if isinstance(message.id, (tuple, list)):
        return (message.context, message.id[0], message.id[1])
    return (message.context, message.id, None)


def _entries(path):
    return [message for message in _catalogue(path) if message.id]


_PO_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


def _shipped_msgids(path):
    """The live (msgctxt, msgid, msgid_plural) of a package's .po file.

    A small reader rather than Babel's: some libraries ship headers Babel refuses (a Language
    such as "farsi/persian").
    """
    keys, entry, field = set(), {}, None

    def finish():
        if entry.get("msgid"):
            keys.add((entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural")))
        entry.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            field = None
            continue
        if line.startswith('"'):
            if field:
                entry[field] += unescape(line)
            continue
        match = _PO_LINE.match(line)
        assert match, f"{path}: cannot read {line!r}"
        name, value = match.groups()
        if "msgstr" in entry and name in ("msgctxt", "msgid"):
            finish()
        if name.startswith("msgstr"):
            entry["msgstr"], field = True, None
        else:
            entry[name], field = unescape(value), name
    finish()
    return keys


def _packages():
    """(catalogue files, source root or None) of Django and every installed third-party app.

    Django's en catalogues are regenerated at each release, so they are the msgid source. A
    library without an en catalogue counts any language's, and, since libraries often ship
    catalogues older than their code, its source files too.
    """
    yield [*(DJANGO_DIR / "conf" / "locale" / "en").glob("LC_MESSAGES/*.po")], None
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.parent == BASE_DIR:
            continue  # our own apps (the virtualenv may live under BASE_DIR too)
        english = sorted((path / "locale" / "en").glob("LC_MESSAGES/*.po"))
        if path.is_relative_to(DJANGO_DIR):
            yield english, None
        else:
            yield english or sorted(path.glob("locale/*/LC_MESSAGES/*.po")), path


def _in_source(msgid, root, domain):
    quoted = (f'"{msgid}"', f"'{msgid}'")
    for file in root.rglob("*"):
        if file.suffix in SOURCE_SUFFIXES[domain] and file.is_file():
            text = file.read_text(encoding="utf-8", errors="replace")
            if any(form in text for form in quoted):
                return True
    return False


def _catalogue_files():
    files = sorted(OURS.glob("*.po")) + sorted(OVERRIDES.glob("*.po"))
    assert {file.name for file in OVERRIDES.glob("*.po")} == {"django.po", "djangojs.po"}
    return files


@pytest.mark.parametrize("path", _catalogue_files(), ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_khmer_catalogue_is_complete(path):
    entries = _entries(path)
    missing = [m.id for m in entries if not (m.string and all(m.string))]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert len(entries) > 50
    assert missing == []
    assert fuzzy == []


def test_ours_is_listed_first_then_the_overrides():
    # The first LOCALE_PATHS entry wins; all of them win over the packages' own catalogues.
    assert [Path(p).resolve() for p in settings.LOCALE_PATHS] == [
        BASE_DIR / "locale",
        BASE_DIR / "locale_overrides",
    ]


def test_each_string_is_translated_in_one_place_only():
    both = []
    for overrides in sorted(OVERRIDES.glob("*.po")):
        ours = OURS / overrides.name
        if ours.exists():  # we have no JavaScript strings of our own, so no djangojs.po
            ours_keys = {_key(m)[:2] for m in _entries(ours)}
            both += [k for k in map(_key, _entries(overrides)) if k[:2] in ours_keys]
    # Our code uses these too: keep them in our catalogue and delete them from the overrides.
    assert both == []


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_override_is_still_a_string_of_the_installed_packages(domain):
    shipped, roots = set(), []
    for files, root in _packages():
        for file in files:
            if file.stem == domain:
                shipped |= _shipped_msgids(file)
        if root is not None:
            roots.append(root)
    orphans = [
        key
        for key in map(_key, _entries(OVERRIDES / f"{domain}.po"))
        if key not in shipped and not any(_in_source(key[1], root, domain) for root in roots)
    ]
    # An upgrade reworded or removed these: re-key each override to the package's new msgid
    # (its locale/en/LC_MESSAGES/*.po) or delete it. See docs/decisions.md.
    assert orphans == []


def test_overrides_win_over_the_packages_own_khmer():
    # Needs the compiled catalogues (`make messages`, which `make test` runs first).
    wrong = []
    with translation.override("km"):
        for message in _entries(OVERRIDES / "django.po"):
            context, msgid, plural = _key(message)
            if plural is not None:
                expected = message.string[0]
                got = (
                    translation.npgettext(context, msgid, plural, 1)
                    if context
                    else translation.ngettext(msgid, plural, 1)
                )
            else:
                expected = message.string
                got = (
                    translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                )
            if got != expected:
                wrong.append((msgid, got))
    assert wrong == [], "stale .mo? run `make messages`"


# The reviewer's pass (issue 13; docs/glossary.md): rules every Khmer string keeps.
KHMER_LETTER = "[\u1780-\u17ff]"
RULES = {
    "no “!” in formal Khmer": re.compile("!"),
    "“៖”, not an ASCII “:”, after Khmer text": re.compile(KHMER_LETTER + r"[ \u00a0]*:"),
    "ឱ, never ឲ (U+17B2)": re.compile("\u17b2"),
    "coeng ta ្ត, never coeng da ្ដ (U+17D2 U+178A)": re.compile("\u17d2\u178a"),
    "dues are វិភាគទាន (ភាគទាន is a share)": re.compile("(?<!វិ)ភាគទាន"),
}
# Not text: the characters after which Django adds no label suffix.
CHARACTER_LISTS = {":?.!"}


def _strings(message):
    return [s for s in (message.string if _key(message)[2] else [message.string]) if s]


@pytest.mark.parametrize("path", _catalogue_files(), ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_khmer_keeps_the_reviewers_rules(path):
    broken = [
        (rule, message.id, text)
        for message in _entries(path)
        if message.id not in CHARACTER_LISTS
        for text in _strings(message)
        for rule, pattern in RULES.items()
        if pattern.search(text)
    ]
    assert broken == []


def test_label_suffix_is_the_khmer_colon():
    labels = {m.id: m.string for m in _entries(OVERRIDES / "django.po")}
    assert labels[":"] == "៖"
    assert "៖" in labels[":?.!"]  # a label already ending in ៖ gets no second one


def test_required_field_asks_politely():
    catalogue = {m.id: m.string for m in _entries(OVERRIDES / "django.po")}
    assert catalogue["This field is required."].startswith("សូម")
    from django import forms

    class Form(forms.Form):
        name = forms.CharField()

    with translation.override("km"):  # the compiled catalogue, as a visitor sees it
        assert Form({}).errors["name"] == [catalogue["This field is required."]]


def test_ends_of_an_event_and_of_an_mou_read_differently():
    with translation.override("km"):
        event, mou = translation.pgettext("event", "ends"), translation.pgettext("mou", "ends")
    assert event == "ពេលបញ្ចប់"
    assert mou == "នឹងបញ្ចប់នៅ"


@pytest.mark.parametrize(
    "path",
    [
        *sorted((BASE_DIR / "templates").rglob("*.html")),
        *sorted((BASE_DIR / "templates").rglob("*.txt")),
        BASE_DIR / "networks" / "data" / "cambodia_provinces.json",
        BASE_DIR / "static" / "img" / "cambodia-provinces.svg",
        *sorted((BASE_DIR / "members" / "data").glob("*")),
        BASE_DIR / "demo" / "loader.py",
    ],
    ids=lambda p: str(p.relative_to(BASE_DIR)),
)
def test_khmer_data_and_templates_write_coeng_ta_like_the_catalogues(path):
    # One page must not show both កណ្តាល (catalogue) and កណ្ដាល (data).
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [n for n, line in enumerate(lines, 1) if "\u17d2\u178a" in line] == []
