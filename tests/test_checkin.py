"""Check-in at the door: search, one-tap check-in and undo, walk-ins, counts, the QR code and
who may use any of it."""

import datetime
import email
import json
import re

import pytest
import segno
from django.core import signing
from django.utils import timezone, translation

from events.checkin import checkin_counts, checkin_mark, checkin_undo
from events.checkin_codes import (
    CHECKIN_QR_MASK,
    QR_CONTENT_ID,
    checkin_qr_svg,
    checkin_token,
    checkin_url,
    public_id_from_checkin_token,
)
from events.emails import registration_email
from events.models import Event, Registration
from tests.factories import EventFactory, OrganisationFactory, RegistrationFactory
from tests.helpers import altered

pytestmark = pytest.mark.django_db

Status = Registration.Status
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def event():
    """An event on now (started half an hour ago), with people registered days before."""
    now = timezone.now()
    return EventFactory(
        title_en="CBO forum",
        title_km="វេទិកា",
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(hours=3),
        capacity=10,
    )


def register(event, **fields):
    fields.setdefault("created_at", timezone.now() - datetime.timedelta(days=5))
    return RegistrationFactory(event=event, **fields)


@pytest.fixture
def people(event):
    member = OrganisationFactory(
        name_en="Rural Development Association",
        name_km="សមាគមអភិវឌ្ឍន៍ជនបទ",
        acronym="RDA",
    )
    return {
        # Typed with េ + ា (two code points) where the standard spelling is ោ.
        "sokha": register(
            event,
            full_name="\u179f\u17bb\u1781\u17b6 \u1785\u17c1\u17b6\u1791",  # សុខា ចេាទ
            organisation=member,
            organisation_name="",
            phone="+85512345678",
        ),
        "dara": register(
            event,
            full_name="Dara Kim",
            organisation_name="Village Support Group",
            phone="+85597111222",
        ),
        "waiting": register(event, full_name="Vanna Waiting", status=Status.WAITING),
        "cancelled": register(event, full_name="Bopha Cancelled", status=Status.CANCELLED),
    }


def page_url(event, language="en"):
    return f"/{language}/staff/events/{event.pk}/check-in/"


def tap_url(registration, language="en"):
    return f"/{language}/staff/events/{registration.event_id}/check-in/{registration.pk}/"


def walk_in_url(event):
    return f"/en/staff/events/{event.pk}/check-in/walk-in/"


def names_listed(response):
    return [
        name for name in ("Dara Kim", "Vanna Waiting", "Bopha Cancelled") if name in response.text
    ]


# --- Search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, found",
    [
        ("dara", "dara"),
        ("KIM dara", "dara"),
        ("village support", "dara"),
        # Khmer, in the standard spelling (ោ) of a name typed with េ + ា, with or without a space.
        ("\u1785\u17c4\u1791", "sokha"),
        ("\u179f\u17bb\u1781\u17b6\u1785\u17c4\u1791", "sokha"),
        # The member organisation: its Khmer name, its English name, its acronym.
        ("អភិវឌ្ឍន៍", "sokha"),
        ("rural development", "sokha"),
        ("rda", "sokha"),
        # The phone, however it is typed.
        ("012 345 678", "sokha"),
        ("+855 12 345 678", "sokha"),
        ("០១២៣៤៥៦៧៨", "sokha"),
        ("345678", "sokha"),
        ("097-111-222", "dara"),
    ],
)
def test_search_by_name_organisation_or_phone(client, coordinator, event, people, query, found):
    client.force_login(coordinator)
    response = client.get(page_url(event), {"q": query})
    assert response.status_code == 200
    listed = [key for key, person in people.items() if f'id="r{person.pk}"' in response.text]
    assert listed == [found]


def test_no_match_says_so_and_offers_the_walk_in_form(client, coordinator, event, people):
    client.force_login(coordinator)
    response = client.get(page_url(event), {"q": "nobody like this"})
    assert "Nobody registered matches this search" in response.text
    assert walk_in_url(event) in response.text


def test_the_list_shows_everyone_with_who_can_be_checked_in(client, coordinator, event, people):
    client.force_login(coordinator)
    response = client.get(page_url(event))
    assert names_listed(response) == ["Dara Kim", "Vanna Waiting", "Bopha Cancelled"]
    # A button for those holding a seat; the others are shown with their status, no button.
    assert tap_url(people["dara"]) in response.text
    assert tap_url(people["waiting"]) not in response.text
    assert tap_url(people["cancelled"]) not in response.text
    assert "Waiting list" in response.text


# --- Check in and undo ------------------------------------------------------------------------


def test_one_tap_checks_in_and_one_tap_undoes(client, coordinator, event, people):
    dara = people["dara"]
    client.force_login(coordinator)
    response = client.post(tap_url(dara), {"action": "mark", "q": "dara"}, follow=True)
    dara.refresh_from_db()
    assert dara.status == Status.ATTENDED
    assert "Checked in: Dara Kim." in response.text
    assert response.redirect_chain[-1][0] == f"{page_url(event)}?q=dara#r{dara.pk}"
    assert "Tap to undo" in response.text

    response = client.post(tap_url(dara), {"action": "undo"}, follow=True)
    dara.refresh_from_db()
    assert dara.status == Status.CONFIRMED
    assert "Check-in undone: Dara Kim." in response.text


def test_tapping_twice_is_harmless(client, coordinator, event, people):
    """The phone's queue may send a tap again after a lost answer."""
    dara = people["dara"]
    client.force_login(coordinator)
    client.post(tap_url(dara), {"action": "mark"}, **JSON)
    response = client.post(tap_url(dara), {"action": "mark"}, **JSON)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "attended"
    assert data["message"] == "Already checked in: Dara Kim."
    assert data["counts"]["checked_in"] == 1


def test_a_queued_undo_after_a_check_in_applies_in_order(client, coordinator, event, people):
    dara = people["dara"]
    client.force_login(coordinator)
    for action in ["mark", "undo", "mark", "undo"]:
        assert client.post(tap_url(dara), {"action": action}, **JSON).status_code == 200
    dara.refresh_from_db()
    assert dara.status == Status.CONFIRMED


@pytest.mark.parametrize("who", ["waiting", "cancelled"])
def test_waiting_or_cancelled_cannot_be_checked_in(client, coordinator, event, people, who):
    person = people[who]
    before = Registration.objects.values().get(pk=person.pk)
    client.force_login(coordinator)

    response = client.post(tap_url(person), {"action": "mark"})
    assert response.status_code == 409
    expected = "waiting list" if who == "waiting" else "cancelled"
    assert expected in response.text
    assert "cannot be checked in" in response.text or "confirm them first" in response.text

    response = client.post(tap_url(person), {"action": "mark"}, **JSON)
    assert response.status_code == 409
    assert response.json()["code"] == who
    assert Registration.objects.values().get(pk=person.pk) == before


def test_the_services_refuse_and_change_nothing(event, people):
    from events.checkin import CheckInRefused

    for key in ("waiting", "cancelled"):
        for service in (checkin_mark, checkin_undo):
            with pytest.raises(CheckInRefused):
                service(registration=people[key])
            people[key].refresh_from_db()
            assert people[key].status == (Status.WAITING if key == "waiting" else Status.CANCELLED)


def test_no_check_in_for_a_cancelled_event(client, coordinator, event, people):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    client.force_login(coordinator)
    response = client.post(tap_url(people["dara"]), {"action": "mark"}, **JSON)
    assert response.status_code == 409
    assert response.json()["message"] == "This event has been cancelled."
    people["dara"].refresh_from_db()
    assert people["dara"].status == Status.CONFIRMED


def test_a_registration_of_another_event_is_not_found(client, coordinator, event, people):
    other = EventFactory()
    client.force_login(coordinator)
    url = f"/en/staff/events/{other.pk}/check-in/{people['dara'].pk}/"
    assert client.post(url, {"action": "mark"}).status_code == 404
    people["dara"].refresh_from_db()
    assert people["dara"].status == Status.CONFIRMED


def test_an_unknown_action_is_a_bad_request(client, coordinator, event, people):
    client.force_login(coordinator)
    response = client.post(tap_url(people["dara"]), {"action": "delete"})
    assert response.status_code == 400
    assert Registration.objects.get(pk=people["dara"].pk).status == Status.CONFIRMED


def test_taps_need_a_post(client, coordinator, event, people):
    client.force_login(coordinator)
    assert client.get(tap_url(people["dara"]), {"action": "mark"}).status_code == 405
    assert Registration.objects.get(pk=people["dara"].pk).status == Status.CONFIRMED


# --- Counts ---------------------------------------------------------------------------------


def test_counts(client, coordinator, event, people, owed_notices):
    checkin_mark(registration=people["dara"])
    client.force_login(coordinator)
    client.post(
        walk_in_url(event),
        {
            "full_name": "Walk In",
            "organisation_name": "Independent",
            "gender": "male",
            "email": "walkin@example.org",
            "language": "en",
            "consent": "on",
        },
    )
    counts = checkin_counts(event)
    # Expected: confirmed + attended (Sokha, Dara and the walk-in), not waiting or cancelled.
    assert (counts.checked_in, counts.expected, counts.walk_ins) == (2, 3, 1)

    data = client.get(f"/en/staff/events/{event.pk}/check-in/counts/", **JSON).json()
    assert data["counts"]["checked_in"] == 2
    assert sorted(data["attended"]) == sorted(
        event.registrations.filter(status=Status.ATTENDED).values_list("pk", flat=True)
    )


def test_counts_in_khmer_digits_on_khmer_pages(client, coordinator, event):
    for n in range(12):
        register(event, status=Status.ATTENDED if n < 11 else Status.CONFIRMED)
    client.force_login(coordinator)
    response = client.get(page_url(event, "km"))
    assert '<dd data-count="checked_in">១១</dd>' in response.text
    assert '<dd data-count="expected">១២</dd>' in response.text
    data = client.post(tap_url(event.registrations.last(), "km"), {"action": "mark"}, **JSON)
    assert data.json()["counts"]["text"]["checked_in"] == "១២"


# --- Walk-ins -------------------------------------------------------------------------------

WALK_IN = {
    "full_name": "សុខ ដារ៉ា",
    "organisation_name": "ក្រុមគាំទ្រភូមិ",
    "phone": "012 999 888",
    "gender": "female",
    "email": "dara.walkin@example.org",
    "language": "km",
    "consent": "on",
}


def test_walk_in_is_registered_and_checked_in(client, coordinator, event, owed_notices):
    client.force_login(coordinator)
    response = client.post(walk_in_url(event), WALK_IN, follow=True)
    registration = Registration.objects.get(email="dara.walkin@example.org")
    assert registration.status == Status.ATTENDED
    assert registration.phone == "+85512999888"
    assert "សុខ ដារ៉ា is registered and checked in." in response.text
    # Registered through registration_create: their confirmation is owed like anyone's.
    assert owed_notices() == [(registration.pk, "confirmed")]
    assert checkin_counts(event).walk_ins == 1
    assert "Registered at the door" in client.get(card_path(registration)).text


def test_walk_in_when_full_is_let_in_and_the_staff_member_recorded(
    client, coordinator, event, owed_notices
):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    register(event)
    client.force_login(coordinator)
    response = client.post(walk_in_url(event), WALK_IN, follow=True)
    registration = Registration.objects.get(email="dara.walkin@example.org")
    assert registration.status == Status.ATTENDED
    assert registration.capacity_override_by == coordinator
    assert "beyond the capacity" in response.text


def test_walk_in_already_registered_is_checked_in_not_doubled(
    client, coordinator, event, people, owed_notices
):
    client.force_login(coordinator)
    response = client.post(walk_in_url(event), {**WALK_IN, "email": people["dara"].email.upper()})
    assert response.status_code == 302
    assert event.registrations.filter(email__iexact=people["dara"].email).count() == 1
    people["dara"].refresh_from_db()
    assert people["dara"].status == Status.ATTENDED


def test_walk_in_on_the_waiting_list_is_refused_and_nothing_saved(
    client, coordinator, event, people, owed_notices
):
    client.force_login(coordinator)
    count = Registration.objects.count()
    response = client.post(walk_in_url(event), {**WALK_IN, "email": people["waiting"].email})
    assert response.status_code == 409
    assert "waiting list" in response.text
    assert Registration.objects.count() == count
    assert owed_notices() == []  # not even the link again


def test_walk_in_after_the_event_is_refused(client, coordinator, event, owed_notices):
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=5),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    client.force_login(coordinator)
    response = client.post(walk_in_url(event), WALK_IN)
    assert response.status_code == 409
    assert "This event is over." in response.text
    assert not Registration.objects.filter(email=WALK_IN["email"]).exists()


def test_walk_in_form_errors_are_shown(client, coordinator, event):
    client.force_login(coordinator)
    response = client.post(walk_in_url(event), {**WALK_IN, "phone": "12", "consent": ""})
    assert response.status_code == 400
    assert "Enter a Cambodian phone number" in response.text
    assert not Registration.objects.exists()


def test_checked_in_days_before_is_not_a_walk_in(event, people):
    checkin_mark(registration=people["dara"])
    assert checkin_counts(event).walk_ins == 0


# --- The QR code ----------------------------------------------------------------------------


def test_checkin_token_is_signed_for_check_in_only(event, people):
    dara = people["dara"]
    token = checkin_token(dara)
    assert public_id_from_checkin_token(token) == dara.public_id
    # No personal data in it.
    assert "dara" not in token.lower() and "@" not in token
    # Changed, or signed for something else (the cancel link), it opens nothing.
    assert public_id_from_checkin_token(altered(token)) is None
    assert public_id_from_checkin_token(dara.cancel_token) is None
    assert Registration.public_id_from_token(token) is None
    forged = signing.Signer(salt="events.registration.cancel").sign(token.split(":")[0])
    assert public_id_from_checkin_token(forged) is None
    assert checkin_url(dara) == f"http://testserver/km/staff/check-in/{token}/"


def card_path(registration, language="en"):
    """The path of the QR code's URL, in `language`."""
    return f"/{language}/staff/check-in/{checkin_token(registration)}/"


def test_qr_opens_the_card_for_staff(client, coordinator, event, people):
    dara = people["dara"]
    client.force_login(coordinator)
    url = card_path(dara)
    response = client.get(url)
    assert response.status_code == 200
    assert "Dara Kim" in response.text
    assert "Village Support Group" in response.text

    response = client.post(tap_url(dara), {"action": "mark", "from": "card"}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "Checked in: Dara Kim." in response.text
    assert "Tap to undo" in response.text
    dara.refresh_from_db()
    assert dara.status == Status.ATTENDED


def test_the_card_warns_when_the_event_is_on_another_day(client, coordinator, event, people):
    client.force_login(coordinator)
    assert "another day" not in client.get(card_path(people["dara"])).text
    next_week = RegistrationFactory(event=EventFactory())
    assert "for an event on another day" in client.get(card_path(next_week)).text
    now = timezone.now()
    training = EventFactory(
        starts_at=now - datetime.timedelta(days=1), ends_at=now + datetime.timedelta(days=1)
    )
    second_day = RegistrationFactory(event=training)
    assert "another day" not in client.get(card_path(second_day)).text


def test_qr_of_a_waiting_registration_shows_why_and_no_button(client, coordinator, people):
    client.force_login(coordinator)
    response = client.get(card_path(people["waiting"]))
    assert "Vanna Waiting" in response.text
    assert "This person is on the waiting list: confirm them first" in response.text
    assert tap_url(people["waiting"]) not in response.text
    response = client.post(tap_url(people["waiting"]), {"action": "mark", "from": "card"})
    assert response.status_code == 409
    assert "This person is on the waiting list" in response.text


def test_qr_shows_nothing_to_anyone_else(client, django_user_model, event, people):
    url = checkin_url(people["dara"]).removeprefix("http://testserver")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/km/admin/login/?next=")
    client.force_login(django_user_model.objects.create_user("x", "x@example.org", "pw"))
    response = client.get(url)
    assert response.status_code == 403
    assert "Dara" not in response.text and "Village" not in response.text


def test_a_changed_qr_code_is_not_found(client, coordinator, people):
    client.force_login(coordinator)
    token = checkin_token(people["dara"])
    assert client.get(f"/en/staff/check-in/{altered(token)}/").status_code == 404
    assert client.get(f"/en/staff/check-in/{people['dara'].cancel_token}/").status_code == 404


def test_registrant_page_carries_the_qr_code(client, event, people):
    dara = people["dara"]
    response = client.get(f"/en/registrations/{dara.cancel_token}/")
    svg = checkin_qr_svg(dara, title="QR code for check-in at the door")
    assert svg in response.text
    assert "show this code to CCC staff" in response.text
    # Not for someone on the waiting list.
    response = client.get(f"/en/registrations/{people['waiting'].cancel_token}/")
    assert "<svg" not in response.text


def test_confirmation_email_carries_the_qr_code_inline(event, people):
    message = registration_email(people["dara"], "confirmed")
    html = message.alternatives[0].content
    assert f'src="cid:{QR_CONTENT_ID}"' in html
    parsed = email.message_from_bytes(message.message().as_bytes())
    images = [part for part in parsed.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1
    assert images[0]["Content-ID"] == f"<{QR_CONTENT_ID}>"
    assert images[0].get_payload(decode=True).startswith(b"\x89PNG")
    # The calendar file stays an attachment beside the message.
    assert parsed.get_content_type() == "multipart/mixed"
    assert any(part.get_content_type() == "text/calendar" for part in parsed.walk())
    # The plain text points to the page with the code.
    (token,) = re.findall(r"/registrations/([^/\s]+)/\n", message.body)
    assert Registration.public_id_from_token(token) == people["dara"].public_id


def test_waiting_list_email_has_no_qr_code(event, people):
    message = registration_email(people["waiting"], "waiting")
    assert "cid:" not in message.alternatives[0].content
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert not [part for part in parsed.walk() if part.get_content_maintype() == "image"]


# --- Who may -----------------------------------------------------------------------------------


@pytest.fixture
def nobody(django_user_model):
    """A staff login given no rights."""
    return django_user_model.objects.create_user("nobody", "n@example.org", "pw", is_staff=True)


def staff_urls(event, registration):
    return [
        ("get", page_url(event)),
        ("get", f"/en/staff/events/{event.pk}/check-in/counts/"),
        ("get", walk_in_url(event)),
        ("get", f"/en/staff/check-in/{checkin_token(registration)}/"),
        ("post", tap_url(registration)),
    ]


@pytest.mark.parametrize("role", ["anonymous", "nobody", "coordinator", "staff_user"])
def test_permissions_per_role(client, request, role, event, people):
    dara = people["dara"]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for method, url in staff_urls(event, dara):
        data = {"action": "mark"} if method == "post" else {}
        response = getattr(client, method)(url, data)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/en/admin/login/?next="), url
        elif role == "nobody":
            assert response.status_code == 403, url
            assert "Dara" not in response.text
        else:
            assert response.status_code in (200, 302), url
    dara.refresh_from_db()
    assert dara.status == (
        Status.ATTENDED if role in ("coordinator", "staff_user") else "confirmed"
    )


def test_staff_pages_are_not_cached(client, coordinator, event):
    client.force_login(coordinator)
    response = client.get(page_url(event))
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_event_admin_links_to_the_check_in_page(client, coordinator, event):
    client.force_login(coordinator)
    response = client.get(f"/en/admin/events/event/{event.pk}/change/")
    assert page_url(event) in response.text


def test_json_answers_are_json(client, coordinator, event, people):
    client.force_login(coordinator)
    response = client.post(tap_url(people["dara"]), {"action": "mark"}, **JSON)
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["ok"] is True


def test_reminders_link_to_the_page_with_the_code_without_drawing_it(event, people):
    """Reminders go to a whole event at once: no image to draw, a link to the page with it."""
    message = registration_email(people["dara"], "reminder")
    html = message.alternatives[0].content
    assert "cid:" not in html
    with translation.override(people["dara"].language):
        link_text = translation.gettext("Your registration, with the code to show at the door")
    assert link_text in html and link_text in message.body
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert not [part for part in parsed.walk() if part.get_content_maintype() == "image"]


def test_registrant_page_qr_code_follows_the_url_it_shows(client, event, people, settings):
    """The code is kept in the shared cache; a new site address never serves the old code."""
    dara = people["dara"]
    page = f"/en/registrations/{dara.cancel_token}/"
    first = client.get(page).text
    assert first == client.get(page).text  # the second view is served the same code
    settings.SITE_URL = "https://portal.example.org"
    fresh = segno.make(checkin_url(dara), error="m", mask=CHECKIN_QR_MASK).svg_inline(
        scale=1, border=4, omitsize=True, light="#fff", title="QR code for check-in at the door"
    )
    moved = client.get(page).text
    assert fresh.replace("<svg ", '<svg role="img" ', 1) in moved
    assert moved != first
