"""Staff write to registrants in Khmer and in English; each reader gets their own language
(or the other one, which staff are told of first); staff see how many people the message goes
to, and how it looks, before it is sent; and can send themselves a test."""

import datetime
import re
import uuid
import zoneinfo
from email.header import decode_header, make_header

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone, translation

from core.localization import format_date
from events.models import EventMessage, EventMessageDelivery, Registration
from events.services import event_message_registrants
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PHNOM_PENH = zoneinfo.ZoneInfo("Asia/Phnom_Penh")
KHMER = {"subject_km": "ផ្លាស់ប្តូរបន្ទប់", "body_km": "សូមមកបន្ទប់លេខ ២។"}
ENGLISH = {"subject_en": "Room change", "body_en": "Please come to room 2."}


@pytest.fixture
def forum():
    """A forum with a Khmer and an English reader confirmed, one English reader waiting, one
    who attended and one who cancelled."""
    day = timezone.localdate() + datetime.timedelta(days=10)
    starts = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=PHNOM_PENH)
    event = EventFactory(
        title_en="Learning forum",
        title_km="វេទិកាសិក្សា",
        venue_en="CCC hall",
        venue_km="សាលប្រជុំ គ.ស.ក",
        online_url="https://meet.example.org/forum",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
    )
    people = {
        "dara": RegistrationFactory(event=event, full_name="Dara", email="dara@example.org"),
        "sophea": RegistrationFactory(
            event=event, full_name="Sophea", email="sophea@example.org", language="en"
        ),
        "waiting": RegistrationFactory(
            event=event,
            full_name="Vanna",
            email="vanna@example.org",
            language="en",
            status="waiting",
        ),  # fmt: skip
        "attended": RegistrationFactory(
            event=event, full_name="Chenda", email="chenda@example.org", status="attended"
        ),
        "cancelled": RegistrationFactory(
            event=event, full_name="Rith", email="rith@example.org", status="cancelled"
        ),
    }
    return event, people


def url(event, language="en"):
    return f"/{language}/admin/events/event/{event.pk}/message/"


def review(client, event, language="en", **data):
    return client.post(url(event, language), {"recipients": "confirmed", **data, "step": "review"})


def send(client, event, count, language="en", key=None, **data):
    """Send as from a review page that showed `count` people (and had the key `key`)."""
    return client.post(
        url(event, language),
        {
            "recipients": "confirmed",
            **data,
            "step": "send",
            "expected_count": count,
            "review_key": key or uuid.uuid4(),
        },
        follow=True,
    )


def sender_name(message):
    return str(make_header(decode_header(message.message()["From"])))


def registration_in(part, kind):
    """The registration whose signed token the link of `kind` ("detail", "cancel") carries."""
    pattern = (
        r"/registrations/([^/\s\"]+)/cancel/"
        if kind == "cancel"
        else (r"/registrations/([^/\s\"]+)/(?!cancel)")
    )
    public_ids = {Registration.public_id_from_token(token) for token in re.findall(pattern, part)}
    return {
        registration.full_name
        for registration in Registration.objects.filter(public_id__in=public_ids)
    }


def email_to(address):
    return next(message for message in mail.outbox if message.to == [address])


def html_of(message):
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.fixture
def sent(forum, tasks_inline, django_capture_on_commit_callbacks):
    """The forum's confirmed readers written to in both languages, delivered."""
    event, people = forum
    with django_capture_on_commit_callbacks(execute=True):
        count = event_message_registrants(
            event=event, statuses=["confirmed"], texts={**KHMER, **ENGLISH}
        )
    assert count == 2
    return event, people


def test_each_reader_gets_their_own_language(sent):
    khmer, english = email_to("dara@example.org"), email_to("sophea@example.org")
    assert khmer.subject == KHMER["subject_km"]
    assert KHMER["body_km"] in khmer.body and ENGLISH["body_en"] not in khmer.body
    assert khmer.body.startswith("ជម្រាបសួរ លោក/លោកស្រី Dara")
    assert sender_name(khmer).startswith("គ.ស.ក <") and sender_name(english).startswith("CCC <")
    assert english.subject == ENGLISH["subject_en"]
    assert ENGLISH["body_en"] in english.body and KHMER["body_km"] not in english.body
    assert english.body.startswith("Dear Sophea,")
    assert "With thanks,\nCCC events team" in english.body
    assert set(EventMessageDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_html_and_text_carry_the_event_and_the_readers_own_links(sent):
    event, people = sent
    for key, language, title, venue in [
        ("dara", "km", "វេទិកាសិក្សា", "សាលប្រជុំ គ.ស.ក"),
        ("sophea", "en", "Learning forum", "CCC hall"),
    ]:
        registration = people[key]
        message = email_to(registration.email)
        date = format_date(event.starts_at, "long", language=language)
        clock = format_date(event.starts_at, "clock", language=language)
        for part in (message.body, html_of(message)):
            assert title in part and venue in part and date in part and clock in part
            assert "https://meet.example.org/forum" in part
            assert f"http://testserver/{language}/registrations/" in part
            assert registration_in(part, "detail") == {registration.full_name}
            assert registration_in(part, "cancel") == {registration.full_name}
        assert f'<html lang="{language}">' in html_of(message)
    # The Khmer reader's date is in Khmer digits.
    assert any("០" <= character <= "៩" for character in format_date(event.starts_at, "long", "km"))


def test_someone_who_attended_gets_no_cancel_link(
    forum, tasks_inline, django_capture_on_commit_callbacks
):
    event, people = forum
    with django_capture_on_commit_callbacks(execute=True):
        event_message_registrants(event=event, statuses=["attended"], texts={**KHMER, **ENGLISH})
    message = email_to("chenda@example.org")
    for part in (message.body, html_of(message)):
        assert registration_in(part, "detail") == {"Chenda"}
        assert registration_in(part, "cancel") == set()


def test_an_empty_language_falls_back_and_staff_are_told_first(
    client, coordinator, forum, tasks_inline, django_capture_on_commit_callbacks
):
    event, _ = forum
    client.force_login(coordinator)
    page = review(client, event, recipients="active", **KHMER)
    assert "2 English readers will receive the Khmer text" in page.text
    assert "Khmer readers will receive" not in page.text
    with django_capture_on_commit_callbacks(execute=True):
        send(client, event, 4, recipients="active", **KHMER)
    english = email_to("sophea@example.org")
    assert english.subject == KHMER["subject_km"] and KHMER["body_km"] in english.body
    assert english.body.startswith("Dear Sophea,")  # the frame stays in their language
    assert '<div lang="km">' in html_of(english)

    only_english = review(client, event, **ENGLISH)
    assert "1 Khmer reader will receive the English text" in only_english.text


def test_the_count_before_sending_is_the_number_of_emails(
    client, coordinator, forum, tasks_inline, django_capture_on_commit_callbacks
):
    event, _ = forum
    client.force_login(coordinator)
    form = client.get(url(event))
    assert "Everyone not cancelled (4 people)" in form.text
    expected = {
        "confirmed": {"dara@example.org", "sophea@example.org"},
        "waiting": {"vanna@example.org"},
        "attended": {"chenda@example.org"},
        "active": {"dara@example.org", "sophea@example.org", "vanna@example.org",
                   "chenda@example.org"},
    }  # fmt: skip
    for audience, addresses in expected.items():
        mail.outbox.clear()
        page = review(client, event, recipients=audience, **KHMER, **ENGLISH)
        count = page.context["preview"].count
        assert count == len(addresses)
        people = "person" if count == 1 else "people"
        assert f"This will email {count} {people}" in page.text
        with django_capture_on_commit_callbacks(execute=True):
            done = send(client, event, count, recipients=audience, **KHMER, **ENGLISH)
        assert f"on its way to {count} {people}" in done.text
        message = EventMessage.objects.latest("created_at")
        assert message.deliveries.count() == count
        assert {m.to[0] for m in mail.outbox} == addresses


def test_the_per_language_split_is_shown(client, coordinator, forum):
    event, _ = forum
    client.force_login(coordinator)
    page = review(client, event, recipients="active", **KHMER, **ENGLISH)
    assert "This will email 4 people" in page.text
    assert "2 read Khmer." in page.text and "2 read English." in page.text
    khmer_page = review(client, event, "km", recipients="active", **KHMER, **ENGLISH)
    with translation.override("km"):
        assert "៤" in khmer_page.text


def test_nothing_is_sent_when_the_registrations_changed_since_the_review(
    client, coordinator, forum, tasks_inline, django_capture_on_commit_callbacks
):
    event, _ = forum
    client.force_login(coordinator)
    assert review(client, event, **KHMER).context["preview"].count == 2
    RegistrationFactory(event=event, email="late@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        page = send(client, event, 2, **KHMER)
    assert "Nothing was sent" in page.text and "would now go to 3 people" in page.text
    assert page.context["preview"].count == 3
    assert not EventMessage.objects.exists() and not mail.outbox


def test_send_without_a_review_only_shows_the_review(client, coordinator, forum):
    event, _ = forum
    client.force_login(coordinator)
    for reviewed in [{}, {"expected_count": 2}, {"expected_count": 2, "review_key": "x"}]:
        data = {"recipients": "confirmed", **KHMER, "step": "send", **reviewed}
        page = client.post(url(event), data)
        assert "This will email 2 people" in page.text
    assert not EventMessage.objects.exists()


def test_sending_twice_from_the_same_review_sends_once(
    client, coordinator, forum, tasks_inline, django_capture_on_commit_callbacks
):
    event, _ = forum
    client.force_login(coordinator)
    page = review(client, event, **KHMER)
    key = page.context["review_key"]
    assert f'name="review_key" value="{key}"' in page.text
    with django_capture_on_commit_callbacks(execute=True):
        send(client, event, 2, key=key, **KHMER)
        again = send(client, event, 2, key=key, **KHMER)
    assert "This message was sent already; it was not sent again." in again.text
    assert EventMessage.objects.count() == 1 and len(mail.outbox) == 2


def test_the_review_previews_each_language_as_its_readers_get_it(client, coordinator, forum):
    event, _ = forum
    coordinator.first_name, coordinator.last_name = "Sok", "Kanha"
    coordinator.save()
    client.force_login(coordinator)
    page = review(client, event, **KHMER, **ENGLISH)
    khmer, english = page.context["preview"].languages
    assert (khmer.language, khmer.count, english.language, english.count) == ("km", 1, "en", 1)
    assert KHMER["body_km"] in khmer.html and "ជម្រាបសួរ លោក/លោកស្រី Sok Kanha" in khmer.html
    assert ENGLISH["body_en"] in english.html and "Dear Sok Kanha," in english.html
    assert "CCC hall" in english.html and "Learning forum" in english.text
    assert page.text.count("<iframe srcdoc=") == 2
    # Each email whole in an iframe's srcdoc, escaped so that it stays in the attribute.
    assert page.text.count('<iframe srcdoc="&lt;!doctype html&gt;') == 2
    assert "&lt;p&gt;Please come to room 2.&lt;/p&gt;" in page.text
    assert not mail.outbox


def test_a_test_to_myself_goes_to_my_address_in_both_languages(client, coordinator, forum):
    event, _ = forum
    client.force_login(coordinator)
    page = client.post(url(event), {"recipients": "confirmed", **KHMER, "step": "test"})
    assert "Two test emails" in page.text and "coordinator@example.org" in page.text
    assert [m.to for m in mail.outbox] == [["coordinator@example.org"]] * 2
    khmer, english = mail.outbox
    assert khmer.subject == english.subject == KHMER["subject_km"]
    assert khmer.body.startswith("ជម្រាបសួរ") and english.body.startswith("Dear coordinator,")
    assert "Learning forum" in english.body and "Learning forum" in html_of(english)
    assert page.context["preview"].count == 2  # still on the review page, nothing sent
    assert not EventMessage.objects.exists()


def test_a_test_is_refused_without_an_address(client, coordinator, forum):
    event, _ = forum
    coordinator.email = ""
    coordinator.save()
    client.force_login(coordinator)
    page = client.post(url(event), {"recipients": "confirmed", **KHMER, "step": "test"})
    assert page.status_code == 200
    assert "Your account has no email address" in page.text
    assert not mail.outbox


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Write the message in Khmer, in English or in both."),
        ({"subject_en": "Room change"}, "Write the message in English too"),
        ({"body_km": "សូមមក"}, "Write a subject in Khmer too"),
        ({**KHMER, "recipients": "everyone"}, "Select a valid choice"),
    ],
)
def test_an_incomplete_message_is_sent_back_to_the_writer(client, coordinator, forum, data, error):
    event, _ = forum
    client.force_login(coordinator)
    page = client.post(url(event), {"recipients": "confirmed", **data, "step": "send",
                                    "expected_count": 2})  # fmt: skip
    assert page.status_code == 200 and error in page.text
    assert "preview" not in page.context and not EventMessage.objects.exists()


def test_back_to_writing_keeps_the_text(client, coordinator, forum):
    event, _ = forum
    client.force_login(coordinator)
    page = client.post(url(event), {"recipients": "waiting", **KHMER, "step": "edit"})
    assert KHMER["body_km"] in page.text and KHMER["subject_km"] in page.text
    assert re.search(r'value="waiting"[^>]*checked', page.text)
    assert "This will email" not in page.text


def test_the_message_admin_lists_each_address_and_both_languages(client, coordinator, sent):
    client.force_login(coordinator)
    message = EventMessage.objects.get()
    page = client.get(f"/en/admin/events/eventmessage/{message.pk}/change/")
    assert KHMER["body_km"] in page.text and ENGLISH["body_en"] in page.text
    assert "dara@example.org" in page.text and "sophea@example.org" in page.text
    assert page.text.count(">Sent<") >= 2


# --- Who may write ------------------------------------------------------------------------


@pytest.fixture
def viewer(django_user_model):
    """Staff who may look at events but not change them."""
    user = django_user_model.objects.create_user("viewer", "viewer@example.org", "pw",
                                                 is_staff=True)  # fmt: skip
    user.user_permissions.add(Permission.objects.get(codename="view_event"))
    return user


@pytest.mark.parametrize("role", ["coordinator", "staff_user"])
def test_coordinators_and_ccc_staff_may_write(client, request, forum, role):
    event, _ = forum
    client.force_login(request.getfixturevalue(role))
    assert client.get(url(event)).status_code == 200
    assert review(client, event, **KHMER).status_code == 200


def test_staff_who_may_not_change_the_event_are_refused(client, viewer, forum):
    event, _ = forum
    client.force_login(viewer)
    assert client.get(url(event)).status_code == 403
    assert send(client, event, 2, **KHMER).status_code == 403
    assert (
        client.post(url(event), {"recipients": "confirmed", **KHMER, "step": "test"}).status_code
        == 403
    )
    assert not EventMessage.objects.exists() and not mail.outbox


def test_anonymous_visitors_are_sent_to_the_login(client, forum):
    event, _ = forum
    response = client.get(url(event))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(url(event), {"recipients": "confirmed", **KHMER, "step": "send",
                                        "expected_count": 2})  # fmt: skip
    assert response.status_code == 302 and not EventMessage.objects.exists()


def test_messages_written_before_keep_their_text_in_both_languages(forum):
    """The data migration of 0009: a message of one text is read the same in both languages."""
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module("events.migrations.0009_message_languages")
    apps = MigrationLoader(connection).project_state(("events", "0009_message_languages")).apps
    HistoricalMessage = apps.get_model("events", "EventMessage")
    event, _ = forum
    old = HistoricalMessage.objects.create(
        event_id=event.pk, subject="Agenda", body="Attached.", statuses=["confirmed"]
    )
    migration.copy_text_into_both_languages(apps, None)
    message = EventMessage.objects.get(pk=old.pk)
    assert (message.subject_km, message.body_km) == ("Agenda", "Attached.")
    assert (message.subject_en, message.body_en) == ("Agenda", "Attached.")
    assert message.text_for("en") == message.text_for("km") == ("Agenda", "Attached.")
