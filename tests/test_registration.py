"""Online registration: the form, the rules, emails, cancellation and promotion."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.utils import timezone, translation

from core.localization import khmer_digits
from events.models import Event, Registration, RegistrationNotice
from events.services import registration_cancel
from events.tasks import deliver_outbox, sweep_outbox
from tests.factories import EventFactory, OrganisationFactory, RegistrationFactory
from tests.helpers import altered, next_years_date

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "full_name": "Sok Dara",
        "organisation": "",
        "organisation_name": "Village Support Group",
        "position": "Programme officer",
        "gender": "female",
        "email": "dara@example.org",
        "phone": "012 345 678",
        "language": "km",
        "accessibility_needs": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def register(client, event, page_language="en", **overrides):
    return client.post(f"/{page_language}/events/{event.slug}/register/", form_data(**overrides))


def test_form_is_offered_in_both_languages(client):
    event = EventFactory()
    for language, label in [("en", "Full name"), ("km", "ឈ្មោះពេញ")]:
        response = client.get(f"/{language}/events/{event.slug}/register/")
        assert response.status_code == 200
        assert label in response.text
        assert "csrfmiddlewaretoken" in response.text


def test_language_defaults_to_the_pages(client):
    event = EventFactory()
    response = client.get(f"/en/events/{event.slug}/register/")
    assert response.context["form"]["language"].value() == "en"


def test_register_confirms_and_queues_the_confirmation(
    client, owed_notices, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, event, phone="+855 12 345 678")
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.phone == "+85512345678"
    assert owed_notices() == [(registration.pk, "confirmed")]
    page = client.get(response["Location"])
    assert "your seat is confirmed" in page.text


def test_a_full_event_puts_people_on_the_waiting_list_with_their_position(
    client, owed_notices, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, event)
    registration = Registration.objects.get(email="dara@example.org")
    assert registration.status == Registration.Status.WAITING
    assert owed_notices() == [(registration.pk, "waiting")]
    assert "in position 2" in client.get(response["Location"]).text


def test_a_second_registration_with_the_same_email_resends_the_link(
    client, owed_notices, django_capture_on_commit_callbacks
):
    event = EventFactory()
    first = RegistrationFactory(event=event, email="dara@example.org", full_name="Someone")
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, event, email="DARA@example.org")
    assert Registration.objects.count() == 1
    assert owed_notices() == [(first.pk, "existing")]
    page = client.get(response["Location"])
    assert "already registered" in page.text
    assert "Someone" not in page.text  # nobody else's data is shown


def test_posting_one_address_twenty_times_sends_its_link_again_only_once(client):
    event = EventFactory()
    for attempt in range(20):
        # From twenty addresses, so that the rate limit is not what stops the emails.
        response = client.post(
            f"/en/events/{event.slug}/register/",
            form_data(email="Dara@example.org" if attempt % 2 else "dara@example.org"),
            REMOTE_ADDR=f"192.0.2.{attempt + 1}",
        )
        assert response.status_code == 302
    registration = Registration.objects.get()
    kinds = list(registration.notices.values_list("kind", flat=True))
    assert sorted(kinds) == sorted([RegistrationNotice.Kind.CONFIRMED, "existing"])


def test_the_link_may_go_again_ten_minutes_later(client, monkeypatch):
    event = EventFactory()
    RegistrationFactory(event=event, email="dara@example.org")
    register(client, event)
    register(client, event)
    existing = RegistrationNotice.objects.filter(kind=RegistrationNotice.Kind.EXISTING)
    assert existing.count() == 1
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(minutes=10))
    register(client, event)
    assert existing.count() == 2


@pytest.mark.parametrize(
    ("event_kwargs", "message"),
    [
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        ({"registration_closes_at": timezone.now() - datetime.timedelta(hours=1)}, "closed"),
        ({"registration_opens_at": timezone.now() + datetime.timedelta(days=1)}, "not open yet"),
        (
            {
                "starts_at": timezone.now() - datetime.timedelta(hours=1),
                "ends_at": timezone.now() + datetime.timedelta(hours=1),
            },
            "closed",
        ),
    ],
)
def test_closed_or_cancelled_events_refuse_registration(client, event_kwargs, message):
    event = EventFactory(**event_kwargs)
    response = register(client, event)
    assert response.status_code == 409
    assert message in response.text
    assert not Registration.objects.exists()


def test_a_typed_member_name_links_the_member_and_others_stay_free_text(client):
    event = EventFactory()
    member = OrganisationFactory(name_en="Kampot Farmers", name_km="សមាគមកសិករកំពត")
    register(client, event, organisation_name="សមាគមកសិករកំពត")
    register(client, event, email="other@example.org", organisation_name="Village Group")
    linked, free = Registration.objects.order_by("pk")
    assert linked.organisation == member
    assert free.organisation is None and free.organisation_name == "Village Group"


def test_the_form_suggests_member_names_while_typing(client):
    # The names come from the directory as someone types (tests/test_organisation_suggest.py).
    OrganisationFactory(name_en="Kampot Farmers", acronym="KFA")
    event = EventFactory()
    text = client.get(f"/en/events/{event.slug}/register/").text
    assert 'data-suggest-url="/en/members/suggest/"' in text
    (suggestion,) = client.get("/en/members/suggest/", {"q": "kfa"}).json()["results"]
    assert suggestion["name"] == "Kampot Farmers" and suggestion["acronym"] == "KFA"


def test_khmer_errors_for_bad_input(client):
    event = EventFactory()
    response = register(client, event, page_language="km", email="not-an-email", phone="123")
    assert response.status_code == 400
    text = response.text
    with translation.override("km"):
        for english in (
            "Enter a valid email address.",
            "Enter a Cambodian phone number, such as 012 345 678 or +855 12 345 678.",
        ):
            khmer = translation.gettext(english)
            assert khmer != english  # the catalogue has it
            assert html.escape(khmer) in text or khmer in text
            assert english not in text
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"full_name": ""},
        {"full_name": "x" * 151},
        {"email": "nope"},
        {"gender": "unknown"},
        {"organisation_name": "x" * 300},
        {"phone": "+1 555 123 4567"},
        {"consent": ""},
        {"organisation_name": ""},
        {"language": "fr"},
        {"full_name": "\x00\x01\x02"},
    ],
)
def test_bad_input_gets_the_form_again_and_saves_nothing(client, overrides):
    event = EventFactory()
    response = register(client, event, **overrides)
    assert response.status_code == 400
    assert 'class="invalid-feedback' in response.text or "alert-danger" in response.text
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("012 345 678", "+85512345678"),
        ("012-345-678", "+85512345678"),
        ("+855 12 345 678", "+85512345678"),
        ("00855 97 123 4567", "+855971234567"),
        ("០១២ ៣៤៥ ៦៧៨", "+85512345678"),
    ],
)
def test_cambodian_phone_numbers_are_normalised(client, typed, stored):
    event = EventFactory()
    assert register(client, event, phone=typed).status_code == 302
    assert Registration.objects.get().phone == stored


def test_honeypot_refuses_bots(client):
    event = EventFactory()
    response = register(client, event, website="http://spam.example")
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_rate_limit_answers_429_in_the_pages_language(client, settings):
    from django.core.cache import cache

    cache.clear()
    event = EventFactory(capacity=None)
    for index in range(20):  # a person registering many colleagues is not blocked
        assert register(client, event, email=f"colleague{index}@example.org").status_code == 302
    response = register(client, event, page_language="km", email="one-more@example.org")
    assert response.status_code == 429
    assert "Too many registrations" not in response.text
    assert 'lang="km"' in response.text
    cache.clear()


def test_csrf_is_enforced(db):
    from django.test import Client

    event = EventFactory()
    client = Client(enforce_csrf_checks=True)
    response = register(client, event)
    assert response.status_code == 403
    assert not Registration.objects.exists()


def cancel_url(registration, language="en"):
    return f"/{language}/registrations/{registration.cancel_token}/cancel/"


def test_cancel_link_shows_then_cancels_and_twice_is_harmless(client, owed_notices):
    registration = RegistrationFactory(full_name="Chan Sopheap")
    page = client.get(cancel_url(registration))
    assert page.status_code == 200
    assert "Chan Sopheap" in page.text and "<form" in page.text
    assert client.post(cancel_url(registration)).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert client.post(cancel_url(registration)).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_tampered_or_foreign_tokens_are_404(client):
    registration = RegistrationFactory()
    token = registration.cancel_token
    tampered = altered(token)
    assert client.get(f"/en/registrations/{tampered}/cancel/").status_code == 404
    assert client.post(f"/en/registrations/{tampered}/cancel/").status_code == 404
    from django.core import signing

    foreign = signing.dumps(str(registration.public_id), salt="some.other.purpose")
    assert client.get(f"/en/registrations/{foreign}/cancel/").status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_cancelling_promotes_the_first_on_the_waiting_list(
    owed_notices, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event)
    first = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    second = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(registration=seated)
    assert promoted == first
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED
    assert second.status == Registration.Status.WAITING
    assert owed_notices() == [(seated.pk, "cancelled"), (first.pk, "promoted")]


def send_notice(registration, kind):
    notice = RegistrationNotice.objects.create(registration=registration, kind=kind, once_key=kind)
    return deliver_outbox("notice", [notice.pk]), notice


def test_confirmation_email_in_khmer_with_calendar_file_and_cancel_link():
    from zoneinfo import ZoneInfo

    year = next_years_date(10, 3, weekday=3).year  # a Thursday, still to come
    start = datetime.datetime(year, 10, 3, 8, 30, tzinfo=ZoneInfo("Asia/Phnom_Penh"))
    event = EventFactory(
        title_km="កិច្ចប្រជុំសមាជិក", starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    registration = RegistrationFactory(event=event, language="km")
    result, notice = send_notice(registration, "confirmed")
    assert result == {"sent": 1, "failed": 0}
    (message,) = mail.outbox
    assert message.to == [registration.email]
    assert "កិច្ចប្រជុំសមាជិក" in message.subject
    assert f"ថ្ងៃព្រហស្បតិ៍ ទី៣ ខែតុលា ឆ្នាំ{khmer_digits(year)}" in message.body
    assert "ម៉ោង៖ ៨:៣០ ព្រឹក – ១១:៣០ ព្រឹក" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and 'lang="km"' in html
    (attachment,) = message.attachments
    assert attachment[0].endswith(".ics") and "BEGIN:VEVENT" in attachment[1]
    link = re.search(r"https?://\S+/cancel/", message.body).group(0)
    assert "/km/registrations/" in link
    notice.refresh_from_db()
    assert notice.status == RegistrationNotice.Status.SENT and notice.sent_at


def test_confirmation_is_sent_once_even_if_the_task_runs_twice():
    registration = RegistrationFactory(language="en")
    _, notice = send_notice(registration, "confirmed")
    assert deliver_outbox("notice", [notice.pk]) == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 1


def test_english_email_uses_latin_digits():
    registration = RegistrationFactory(language="en")
    send_notice(registration, "confirmed")
    body = mail.outbox[0].body
    assert "Your registration is confirmed" in mail.outbox[0].subject
    assert not re.search("[០-៩]", body)


def test_broker_down_still_saves_and_the_sweep_sends_later(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from events import tasks

    def broker_down(*args):
        raise OSError("connection refused")

    monkeypatch.setattr(tasks.deliver_outbox, "delay", broker_down)
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, event)
    assert response.status_code == 302
    assert "your seat is confirmed" in client.get(response["Location"]).text
    registration = Registration.objects.get()
    notice = registration.notices.get()
    assert notice.status == RegistrationNotice.Status.PENDING and not mail.outbox

    # The broker is back: the next sweep hands the owed confirmation to a worker.
    monkeypatch.setattr(
        tasks.deliver_outbox, "delay", lambda *args: tasks.deliver_outbox.apply(args=args)
    )
    sweep_outbox()
    notice.refresh_from_db()
    assert notice.status == RegistrationNotice.Status.SENT
    assert [m.to for m in mail.outbox] == [[registration.email]]
