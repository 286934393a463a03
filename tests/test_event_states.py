"""Honest figures: ended, full and open events say so on the cards and pages in both languages,
seat counts agree in number, and gender is never pre-set for people who skip it.

New strings reach the Khmer catalogue later, so the expected text is the msgid's translation
under translation.override (what a Khmer visitor will read), with lang="km" on the page.
"""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from core.localization import local_number
from events.models import Registration
from events.reports import event_participation
from tests.factories import EventFactory, RegistrationFactory
from tests.unwrap import unwrapped

pytestmark = pytest.mark.django_db
LANGUAGES = ["km", "en"]


def t(msgid, language):
    with translation.override(language):
        return escape(gettext(msgid))


def seats_left(count, language):
    with translation.override(language):
        text = ngettext("%(number)s seat left", "%(number)s seats left", count)
        return escape(text % {"number": local_number(count, language)})


def page(client, path, language):
    response = client.get(path)
    assert response.status_code == 200, path
    assert f'<html lang="{language}">' in response.text
    return unwrapped(response.text)  # names are wrapped word by word (|khmer_wrap)


def card(html, title):
    """The event card that shows `title`."""
    for article in re.findall(r'<article class="card.*?</article>', html, re.S):
        if title in article:
            return article
    raise AssertionError(f"no card for {title!r}")


def ended_event(**kwargs):
    starts_at = timezone.now() - datetime.timedelta(days=3)
    return EventFactory(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=4), **kwargs
    )


def full_event(**kwargs):
    event = EventFactory(capacity=1, **kwargs)
    RegistrationFactory(event=event)
    return event


# --- Ended ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_ended_event_says_so_and_offers_no_seats_or_button(client, language):
    event = ended_event(title_en="Old forum", title_km="វេទិកាចាស់", capacity=60)
    title = event.title_km if language == "km" else event.title_en
    archive = card(page(client, f"/{language}/events/past/", language), title)
    assert t("This event has ended", language) in archive
    assert seats_left(60, language) not in archive
    detail = page(client, f"/{language}/events/{event.slug}/", language)
    assert t("This event has ended.", language) in detail
    assert seats_left(60, language) not in detail
    assert f"/events/{event.slug}/register/" not in detail


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_register_url_of_an_ended_event_shows_it_has_ended(client, language):
    event = ended_event()
    url = f"/{language}/events/{event.slug}/register/"
    text = page(client, url, language)
    assert t("This event has ended.", language) in text
    assert 'name="full_name"' not in text  # no form
    response = client.post(url, {"full_name": "Sok Dara", "email": "dara@example.org"})
    assert response.status_code in (400, 409)
    assert t("This event has ended.", language) in response.text
    assert not Registration.objects.exists()


# --- Full ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_full_event_says_full_waiting_list_on_cards_and_pages(client, language):
    event = full_event(title_en="Packed forum", title_km="វេទិកាពេញ")
    title = event.title_km if language == "km" else event.title_en
    for listing in [f"/{language}/events/", f"/{language}/"]:
        shown = card(page(client, listing, language), title)
        assert t("Full: waiting list", language) in shown
        assert seats_left(0, language) not in shown
    detail = page(client, f"/{language}/events/{event.slug}/", language)
    assert t("Full: waiting list", language) in detail
    register = f"/{language}/events/{event.slug}/register/"
    assert f'href="{register}">{t("Join the waiting list", language)}</a>' in detail
    form = page(client, register, language)
    assert f'value="{t("Join the waiting list", language)}"' in form


def test_an_open_event_card_looks_different_from_a_full_one(client):
    full_event(title_en="Packed forum")
    EventFactory(title_en="Roomy forum", capacity=10)
    text = page(client, "/en/events/", "en")
    assert "Full: waiting list" in card(text, "Packed forum")
    roomy = card(text, "Roomy forum")
    assert "Full" not in roomy and "10 seats left" in roomy


# --- Seats left ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("free", [1, 2])
def test_seats_left_agree_in_number_with_local_digits(client, language, free):
    event = EventFactory(title_en="Seated forum", title_km="វេទិកាមានកៅអី", capacity=free + 1)
    RegistrationFactory(event=event)
    title = event.title_km if language == "km" else event.title_en
    expected = seats_left(free, language)
    assert expected in card(page(client, f"/{language}/events/", language), title)
    detail = page(client, f"/{language}/events/{event.slug}/", language)
    assert expected in detail
    assert f">{t('Register', language)}</a>" in detail
    if language == "km":
        assert local_number(free, "km") in expected and str(free) not in expected
    else:
        assert "1 seats left" not in detail


def test_english_says_one_seat_left():
    assert seats_left(1, "en") == "1 seat left"
    assert seats_left(3, "en") == "3 seats left"


# --- Gender --------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "full_name": "Sok Dara",
        "organisation_name": "Village Support Group",
        "email": "dara@example.org",
        "language": "km",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("language", LANGUAGES)
def test_gender_starts_unselected_and_a_post_without_it_is_refused(client, language):
    event = EventFactory()
    url = f"/{language}/events/{event.slug}/register/"
    response = client.get(url)
    select = re.search(r'<select name="gender".*?</select>', response.text, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"[^>]*selected', select) == [""]
    assert t("Choose…", language) in select
    assert 'value="undisclosed"' in select  # "Prefer not to say" is offered
    error = t("Please choose an answer. You can choose “Prefer not to say”.", language)
    for posted in [form_data(), form_data(gender="")]:
        response = client.post(url, posted)
        assert response.status_code == 400
        assert error in response.text
    assert not Registration.objects.exists()


def test_participation_figures_do_not_count_a_skipped_gender(client):
    event = EventFactory()
    url = f"/en/events/{event.slug}/register/"
    assert client.post(url, form_data(email="skipped@example.org")).status_code == 400
    assert client.post(url, form_data(gender="undisclosed")).status_code == 302
    by_gender = {
        str(row["label"]): row["registered"] for row in event_participation(event)["by_gender"]
    }
    assert by_gender == {"Prefer not to say": 1}
