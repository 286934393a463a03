"""An online event's join link goes to the people who hold a seat (confirmed or attended) and to
no one else: the public page, the public calendar files and the feed say that the link is sent
to registrants; the waiting list and cancelled registrants are told they get it once
confirmed. A new link is news to the seat holders, with the new link."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from events.emails import REMINDER, event_message_render, registration_email
from events.models import EventMessage, RegistrationNotice
from events.services import event_save
from events.tasks import deliver_outbox
from tests.factories import EventFactory, RegistrationFactory
from tests.helpers import event_form_data

pytestmark = pytest.mark.django_db

# A distinctive part of the link: wherever it shows, the link shows.
SECRET = "Zq7Kx2Private"
JOIN_URL = f"https://meet.example.org/ccc-forum-{SECRET}?pwd=84213"
NEW_SECRET = "Wp4Nn8Moved"
NEW_JOIN_URL = f"https://meet.example.org/ccc-forum-{NEW_SECRET}"
PUBLIC_NOTE = "The link is sent to registrants."
ONCE_CONFIRMED = "You will receive the link once your seat is confirmed."


def unfolded(content: bytes) -> str:
    """An .ics as text with its long lines joined again (RFC 5545 folds them at 75 octets,
    which could split the link)."""
    return content.decode().replace("\r\n ", "")


def assert_no_link(content: bytes, secret=SECRET):
    assert secret.encode() not in content
    assert secret not in unfolded(content)
    assert b"meet.example.org" not in content


def email_parts(message):
    """Body, HTML and attachments (as text) of an email."""
    attachments = [
        unfolded(content if isinstance(content, bytes) else content.encode())
        for _name, content, _mimetype in message.attachments
        if _name and _name.endswith(".ics")
    ]
    return message.body, message.alternatives[0][0], attachments


@pytest.fixture
def forum():
    """An online forum (no venue) with one registrant in each status."""
    # On the minute, as the admin's form has it (else saving the form would change the time).
    starts = (timezone.now() + datetime.timedelta(days=7)).replace(second=0, microsecond=0)
    event = EventFactory(
        title_en="Online learning forum",
        venue_en="",
        venue_km="",
        online_url=JOIN_URL,
        capacity=2,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
    )
    people = {
        status: RegistrationFactory(
            event=event, status=status, language="en", email=f"{status}@example.org"
        )
        for status in ("confirmed", "attended", "waiting", "cancelled")
    }
    return event, people


def registrant_page(client, registration, language="en"):
    with translation.override(language):
        url = reverse("registrations:detail", kwargs={"token": registration.cancel_token})
    return client.get(url)


def registrant_ics(client, registration, language="en"):
    with translation.override(language):
        url = reverse("registrations:ics", kwargs={"token": registration.cancel_token})
    return client.get(url)


# --- The public ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_public_event_page_never_shows_the_link(client, forum, language):
    event, _people = forum
    response = client.get(f"/{language}/events/{event.slug}/")
    assert response.status_code == 200
    assert_no_link(response.content)
    if language == "en":
        assert PUBLIC_NOTE in response.text


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_public_calendar_file_and_feed_never_carry_the_link(client, forum, language):
    event, _people = forum
    for url in (f"/events/{event.slug}.ics?lang={language}", f"/events/feed.ics?lang={language}"):
        response = client.get(url)
        assert response.status_code == 200
        assert_no_link(response.content)
    if language == "en":
        (component,) = Calendar.from_ical(
            client.get(f"/events/{event.slug}.ics?lang=en").content
        ).walk("VEVENT")
        assert f"Online: {PUBLIC_NOTE}" in str(component["description"])
        assert str(component["location"]) == f"Online: {PUBLIC_NOTE}"


def test_a_hybrid_event_keeps_its_venue_as_the_public_location(client):
    event = EventFactory(venue_en="CCC hall", online_url=JOIN_URL)
    response = client.get(f"/events/{event.slug}.ics?lang=en")
    assert_no_link(response.content)
    (component,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(component["location"]) == "CCC hall"
    assert PUBLIC_NOTE in str(component["description"])


def test_an_event_without_a_link_says_nothing_of_one(client):
    event = EventFactory(venue_en="CCC hall")
    assert PUBLIC_NOTE not in client.get(f"/en/events/{event.slug}/").text
    assert b"Online" not in client.get(f"/events/{event.slug}.ics?lang=en").content


# --- Registrants -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["confirmed", "attended"])
def test_a_seat_holder_sees_the_link_on_their_page_and_in_their_calendar_file(
    client, forum, status
):
    _event, people = forum
    registration = people[status]
    page = registrant_page(client, registration)
    assert f'href="{JOIN_URL}"' in page.text
    # The token is signed with a timestamp: the page's own link may be a second newer than one
    # made here, so look for the link's shape, then fetch the file the page links to.
    ics_links = re.findall(r'href="(/en/registrations/[^"/]+/calendar\.ics)"', page.text)
    if registration.is_active:
        assert len(ics_links) == 1
        assert client.get(ics_links[0]).status_code == 200
    response = registrant_ics(client, registration)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"]
    assert JOIN_URL in unfolded(response.content)
    (component,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(component["location"]) == JOIN_URL
    assert f"Online: {JOIN_URL}" in str(component["description"])


def test_the_khmer_registrant_page_and_file_carry_the_link_too(client, forum):
    _event, people = forum
    assert JOIN_URL in registrant_page(client, people["confirmed"], "km").text
    response = registrant_ics(client, people["confirmed"], "km")
    assert JOIN_URL in unfolded(response.content)


@pytest.mark.parametrize("status", ["waiting", "cancelled"])
def test_without_a_seat_there_is_no_link_only_the_promise_of_it(client, forum, status):
    _event, people = forum
    registration = people[status]
    page = registrant_page(client, registration)
    assert page.status_code == 200
    assert_no_link(page.content)
    assert ONCE_CONFIRMED in page.text
    assert_no_link(registrant_ics(client, registration).content)


def test_a_bad_token_gets_no_calendar_file(client):
    assert client.get("/en/registrations/not-a-token/calendar.ics").status_code == 404


# --- Emails ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["confirmed", "existing", "changed", REMINDER])
def test_a_confirmed_registrant_gets_the_link_in_every_email(forum, kind):
    _event, people = forum
    body, html, attachments = email_parts(registration_email(people["confirmed"], kind))
    assert f"Online: {JOIN_URL}" in body
    assert f'href="{JOIN_URL}"' in html
    for attachment in attachments:
        assert JOIN_URL in attachment


@pytest.mark.parametrize(
    ("status", "kind"),
    [("waiting", "waiting"), ("waiting", "changed"), ("waiting", REMINDER)],
)
def test_the_waiting_list_gets_no_link_in_its_emails(forum, status, kind):
    _event, people = forum
    message = registration_email(people[status], kind)
    body, html, attachments = email_parts(message)
    for part in (body, html, *attachments):
        assert SECRET not in part and "meet.example.org" not in part
    assert ONCE_CONFIRMED in body and ONCE_CONFIRMED in html


def test_a_cancelled_registrant_is_not_sent_the_link(forum):
    _event, people = forum
    body, html, attachments = email_parts(registration_email(people["cancelled"], "cancelled"))
    for part in (body, html, *attachments):
        assert SECRET not in part


def test_staff_messages_carry_the_link_to_seat_holders_only(forum):
    event, people = forum
    message = EventMessage(
        event=event, subject_en="Room", body_en="See you soon.", statuses=["confirmed", "waiting"]
    )
    confirmed = event_message_render(message, people["confirmed"])
    assert JOIN_URL in confirmed.body and JOIN_URL in confirmed.alternatives[0][0]
    waiting = event_message_render(message, people["waiting"])
    assert SECRET not in waiting.body and SECRET not in waiting.alternatives[0][0]
    assert ONCE_CONFIRMED in waiting.body


# --- A new link ------------------------------------------------------------------------------


def test_a_new_link_is_sent_to_confirmed_registrants_only_with_the_new_link(forum):
    event, people = forum
    event.online_url = NEW_JOIN_URL
    event_save(event=event, changed_fields=["online_url"])
    notices = RegistrationNotice.objects.filter(kind="changed")
    assert list(notices.values_list("registration__email", flat=True)) == ["confirmed@example.org"]
    deliver_outbox("notice", list(notices.values_list("pk", flat=True)))
    (message,) = mail.outbox
    body, html, (attachment,) = email_parts(message)
    assert message.to == ["confirmed@example.org"]
    for part in (body, html, attachment):
        assert NEW_JOIN_URL in part and SECRET not in part
    # The public calendar file moves on (a new revision) and still has no link.
    event.refresh_from_db()
    assert event.sequence == 1


def test_a_new_link_with_a_new_time_is_still_told_to_the_waiting_list_without_it(forum):
    event, _people = forum
    event.online_url = NEW_JOIN_URL
    event.starts_at += datetime.timedelta(hours=1)
    event.ends_at += datetime.timedelta(hours=1)
    event_save(event=event, changed_fields=["online_url", "starts_at", "ends_at"])
    notices = RegistrationNotice.objects.filter(kind="changed")
    deliver_outbox("notice", list(notices.values_list("pk", flat=True)))
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"confirmed@example.org", "waiting@example.org"}
    assert NEW_JOIN_URL in by_address["confirmed@example.org"].body
    waiting_body, waiting_html, (waiting_ics,) = email_parts(by_address["waiting@example.org"])
    for part in (waiting_body, waiting_html, waiting_ics):
        assert NEW_SECRET not in part


# --- Staff -----------------------------------------------------------------------------------


def test_staff_still_see_and_change_the_link_in_the_admin(admin_client, forum):
    event, _people = forum
    url = f"/en/admin/events/event/{event.pk}/change/"
    assert JOIN_URL in admin_client.get(url).text
    response = admin_client.post(url, event_form_data(event, online_url=NEW_JOIN_URL))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.online_url == NEW_JOIN_URL
    notices = RegistrationNotice.objects.filter(kind="changed")
    assert list(notices.values_list("registration__status", flat=True)) == ["confirmed"]
