"""The Khmer admin speaks Khmer throughout: every changelist and change form, opened in Khmer,
shows its numbers in Khmer digits and its headers, labels and buttons in Khmer; staff type
numbers and dates with Khmer or Latin digits, and choose a reminder's days and hours."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from core.admin_localization import localise_html
from core.localization import khmer_digits
from events.models import DefaultReminder, Event, EventSeries, EventType, ReminderRule
from members.models import MembershipDues
from tests.factories import EventFactory, OrganisationFactory, RegistrationFactory
from tests.helpers import event_form_data

pytestmark = pytest.mark.django_db

# Words that are the same in a Khmer page: acronyms, codes, technical names, key names, and the
# language tags modeltranslation puts after a field's label ("title [km]").
ALLOWED_WORDS = {
    "CCC", "NGO", "NGOs", "MoU", "MoUs", "PDF", "CSV", "XLSX", "URL", "slug", "ID", "km", "en",
    "USD", "ISO", "KH", "MB", "JSON", "Hex", "Celery", "Telegram", "Control", "Command", "Mac",
    "RRULE", "iCalendar", "Word", "Excel", "PowerPoint", "WebP", "JPEG", "PNG", "GIF",
}  # fmt: skip

# Known gaps, each with its reason. Remove an entry once it is closed.
KNOWN_ENGLISH: set[str] = set()
# Numbers that are names: a standard's.
KNOWN_DIGITS = {"ISO 3166-2"}
# Third-party admins whose own strings have no Khmer yet (django-axes, django-celery-beat): their
# pages are checked for Latin digits outside their help texts (cron examples are typed as they
# are), not for English words.
THIRD_PARTY_APPS = {"axes", "django_celery_beat"}

# Elements whose text is the admin's own (not a record's data): scanned for English words.
CHROME_TAGS = {"label", "legend", "caption", "button", "h1", "summary"}
CHROME_CLASSES = {
    "paginator", "object-tools", "actions", "submit-row", "help",
    "messagelist", "toplinks", "action-counter", "small", "desk-block",
}  # fmt: skip
# Elements whose text is not read as prose by a person: never scanned.
SKIPPED_TAGS = {"script", "style", "textarea", "select", "option", "template", "noscript"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
LATIN_DIGIT = re.compile(r"[0-9]")
# Addresses, links, paths and codes (KH-12, ORG0, md5, a masked password hash) are read by
# machines.
MACHINE_TEXT = re.compile(
    r"\S*\*\*\S*|\S*@\S*|[a-z][a-z0-9+.-]*://\S*|/\S*/|\S*[A-Za-z]\S*[0-9]\S*|\S*[0-9]\S*[A-Za-z]\S*"
)


class AdminPage(HTMLParser):
    """Collects the page's text with, for each piece, whether it is chrome, plus the
    alternative texts and button captions staff hear or read."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, chrome, skipped, classes)
        self.texts = []  # (text, chrome, where)
        self.in_thead = 0

    def _where(self):
        return " > ".join(
            entry[0] + "".join(f".{name}" for name in sorted(entry[3])) for entry in self.stack[-4:]
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        parent_chrome = self.stack[-1][1] if self.stack else False
        parent_skipped = self.stack[-1][2] if self.stack else False
        if tag == "thead":
            self.in_thead += 1
        in_crumbs = self.stack and "breadcrumbs" in self.stack[-1][3]
        chrome = (
            parent_chrome
            or (tag == "a" and in_crumbs)
            or tag in CHROME_TAGS
            or bool(classes & CHROME_CLASSES)
            or (tag == "th" and self.in_thead > 0)
            or (tag == "h2" and attrs.get("id", "").endswith("-heading"))
            or (tag == "h3" and "changelist-filter" in self._where())
        )
        skipped = parent_skipped or tag in SKIPPED_TAGS
        # Texts a person hears or reads that live in attributes.
        if not skipped:
            if tag == "img" and attrs.get("alt"):
                self.texts.append((attrs["alt"], True, "img alt"))
            if tag == "input" and attrs.get("type") in ("submit", "button"):
                self.texts.append((attrs.get("value") or "", True, "button"))
        if tag in VOID_TAGS:
            return
        self.stack.append((tag, chrome, skipped, classes))

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_thead = max(0, self.in_thead - 1)
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        text = data.strip()
        if not text:
            return
        chrome = self.stack[-1][1] if self.stack else False
        skipped = self.stack[-1][2] if self.stack else False
        if not skipped:
            self.texts.append((text, chrome, self._where()))


def problems(html, *, words=True):
    """Latin digits anywhere people read, English words in the chrome."""
    page = AdminPage()
    page.feed(html)
    found = []
    for text, chrome, where in page.texts:
        readable = MACHINE_TEXT.sub("", text)
        for name in KNOWN_DIGITS:
            readable = readable.replace(name, "")
        if LATIN_DIGIT.search(readable) and (words or "help" not in where):
            found.append(f"digits: {text!r} in {where}")
        if chrome and words:
            label = text.strip(" ›:៖()")
            english = [
                word
                for word in WORD.findall(readable)
                if word not in ALLOWED_WORDS and word not in KNOWN_ENGLISH
            ]
            if english and label not in KNOWN_ENGLISH:
                found.append(f"English: {text!r} in {where}")
    return found


def admin_pages():
    """(name, changelist url, change url of one object or None) for every registered model,
    on the Khmer site."""
    with translation.override("km"):
        return _admin_pages()


def _admin_pages():
    pages = []
    for model in admin.site._registry:
        opts = model._meta
        try:
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        first = model._default_manager.order_by("pk").first()
        change = (
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            if first is not None
            else None
        )
        pages.append((f"{opts.app_label}.{opts.model_name}", changelist, change))
    return pages


@pytest.fixture
def demo_admin(demo, admin_client):
    """The demo register, with at least one row in every model that has an admin."""
    event = Event.objects.order_by("pk").first()
    RegistrationFactory(event=event, email="sokha11@example.org")
    organisation = OrganisationFactory()
    MembershipDues.objects.get_or_create(
        organisation=organisation,
        year=2024,
        defaults={"approved_budget_usd": 120000, "amount_usd": 300},
    )
    return admin_client


def test_every_changelist_and_change_form_speaks_khmer(demo_admin):
    failures = {}
    pages = admin_pages()
    assert len(pages) > 10
    for name, changelist, change in pages:
        for url in filter(None, [changelist, change]):
            response = demo_admin.get(url)
            assert response.status_code == 200, url
            app = name.split(".")[0]
            found = problems(response.content.decode(), words=app not in THIRD_PARTY_APPS)
            if found:
                failures[url] = found[:8]
    assert not failures, "\n".join(f"{url}:\n  " + "\n  ".join(f) for url, f in failures.items())


def test_reports_speak_khmer(demo_admin):
    event = Event.objects.order_by("pk").first()
    with translation.override("km"):
        urls = [
            reverse("admin:events_event_participation", args=[event.pk]),
            reverse("admin:members_membershipdues_lapsed"),
        ]
    for url in urls:
        response = demo_admin.get(url)
        assert response.status_code == 200
        assert problems(response.content.decode()) == [], url


def test_changelist_counts_paginator_and_dates_are_in_khmer_digits(admin_client, settings):
    event_type = EventType.objects.create(name="Forum", slug="forum")
    start = datetime.datetime(2031, 3, 14, 9, 0, tzinfo=datetime.UTC)
    for day in range(12):
        EventFactory(
            event_type=event_type, starts_at=start + datetime.timedelta(days=day), capacity=40
        )
    with translation.override("km"):
        url = reverse("admin:events_event_changelist")
    response = admin_client.get(url, {"when": "all"})  # 2031's events, past or not
    html = response.content.decode()
    assert "០ នៃ ១២" in html or "០ ក្នុងចំណោម ១២" in html or re.search(r"០\D+១២", html)
    assert "៤០" in html  # the capacity column
    assert "២០៣១" in html  # the date hierarchy's year and the start times
    assert not re.search(r"class=\"paginator\">[^<]*[0-9]", html)


def test_booleans_and_search_box_are_read_in_khmer(demo_admin):
    response = demo_admin.get("/km/admin/members/contact/")
    html = response.content.decode()
    assert 'alt="True"' not in html and 'alt="False"' not in html
    assert 'alt="Search"' not in html


def test_reminder_offsets_are_days_and_hours_in_khmer(admin_client):
    event_type = EventType.objects.create(name="Forum", slug="forum")
    event = EventFactory(event_type=event_type)
    with translation.override("km"):
        day = str(ReminderRule(event=event, offset=datetime.timedelta(days=1)))
        two_hours = str(DefaultReminder(offset=datetime.timedelta(hours=2)))
    # "១ ថ្ងៃ" and "២ ម៉ោង" come from Django's catalogue; the word "before" is ours.
    assert "១ ថ្ងៃ" in day and "២ ម៉ោង" in two_hours
    assert not LATIN_DIGIT.search(day + two_hours) and ":" not in day + two_hours
    with translation.override("en"):
        assert str(ReminderRule(offset=datetime.timedelta(days=2, hours=3))) == (
            "2 days 3 hours before"
        )
    response = admin_client.get(f"/km/admin/events/event/{event.pk}/change/")
    html = response.content.decode()
    assert 'name="reminder_rules-__prefix__-offset_days"' in html
    assert "1 day, 0:00:00" not in html and "00:00:00" not in html


def test_staff_type_reminders_and_numbers_with_khmer_digits(admin_client):
    event_type = EventType.objects.create(name="Forum", slug="forum")
    data = event_form_data(EventFactory.build(event_type=event_type, slug="typed-in-khmer"))
    data.update(
        {
            "capacity": "៤០",
            "starts_at_0": khmer_digits(data["starts_at_0"]),
            "starts_at_1": khmer_digits(data["starts_at_1"]),
            "reminder_rules-TOTAL_FORMS": 2,
            "reminder_rules-0-offset_days": "១",
            "reminder_rules-0-offset_hours": "",
            "reminder_rules-1-offset_days": "០",
            "reminder_rules-1-offset_hours": "២",
        }
    )
    response = admin_client.post("/km/admin/events/event/add/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    event = Event.objects.get(slug=data["slug"])
    assert event.capacity == 40
    assert sorted(event.reminder_rules.values_list("offset", flat=True)) == [
        datetime.timedelta(hours=2),
        datetime.timedelta(days=1),
    ]


def test_khmer_digits_in_a_date_are_read(admin_client):
    organisation = OrganisationFactory()
    response = admin_client.post(
        "/km/admin/members/membershipdues/add/",
        {
            "organisation": organisation.pk,
            "year": "២០២៥",
            "approved_budget_usd": "១២០០០០",
            "paid_on": "១៥/០៣/២០២៥",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    dues = MembershipDues.objects.get(organisation=organisation)
    assert (dues.year, dues.paid_on) == (2025, datetime.date(2025, 3, 15))


def test_mou_list_names_its_counterparty_column(demo_admin):
    html = demo_admin.get("/km/admin/networks/mou/").content.decode()
    with translation.override("km"):
        header = gettext("counterparty")
    assert f"<span>{capfirst(header)}</span>" in html


def test_the_admin_index_add_forms_history_and_tools_speak_khmer(demo_admin):
    event = Event.objects.order_by("pk").first()
    series = EventSeries.objects.exclude(recurrence_rule="").first()
    with translation.override("km"):
        urls = [
            reverse("admin:index"),
            reverse("admin:events_event_add"),
            reverse("admin:events_registration_add"),
            reverse("admin:events_event_history", args=[event.pk]),
            reverse("admin:events_event_delete", args=[event.pk]),
            reverse("admin:events_event_message", args=[event.pk]),
            reverse("admin:events_event_duplicate", args=[event.pk]),
            reverse("admin:events_event_certificates", args=[event.pk]),
            reverse("admin:events_event_certificates_send", args=[event.pk]),
            reverse("admin:events_event_donor_figures"),
            reverse("admin:events_eventseries_generate", args=[series.pk]),
            reverse("checkin:page", args=[event.pk]),
            reverse("checkin:walk-in", args=[event.pk]),
            reverse("admin:members_organisation_add"),
            reverse("admin:networks_mou_add"),
        ]
    failures = {}
    for url in urls:
        response = demo_admin.get(url)
        assert response.status_code == 200, url
        # People's names are theirs, digits and all.
        found = [p for p in problems(response.content.decode()) if "checkin-name" not in p]
        if found:
            failures[url] = found[:8]
    assert not failures, "\n".join(f"{url}:\n  " + "\n  ".join(f) for url, f in failures.items())


def test_localised_html_keeps_markup_references_addresses_and_links():
    html = mark_safe(
        '<a href="/km/admin/events/event/12/" title="2031">O&#x27;Neil 12 &amp; 3</a>'
        "<script>var n = 5;</script> sokha11@example.org https://ccc.org.kh/2031 "
        '<img src="/static/admin/img/icon-yes.svg" alt="True">'
    )
    with translation.override("km"):
        result = localise_html(html)
        yes = gettext("Yes")
    assert result == (
        '<a href="/km/admin/events/event/12/" title="2031">O&#x27;Neil ១២ &amp; ៣</a>'
        "<script>var n = 5;</script> sokha11@example.org https://ccc.org.kh/2031 "
        f'<img src="/static/admin/img/icon-yes.svg" alt="{yes}">'
    )
    with translation.override("en"):
        assert "Neil 12" in localise_html(html)


def test_number_boxes_take_khmer_digits_in_the_browser(admin_client):
    # A browser empties a type="number" box typed in Khmer digits.
    html = admin_client.get("/km/admin/events/event/add/").content.decode()
    capacity = re.search(r'<input[^>]*name="capacity"[^>]*>', html).group(0)
    assert 'type="text"' in capacity and 'inputmode="numeric"' in capacity
    assert 'type="number"' not in html
