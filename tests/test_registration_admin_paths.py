"""Every way staff can touch a registration in the admin goes through the services: the event
page's inline, the add form, the change form and each action. Capacity holds unless staff
override it (and the override is recorded); a cancellation promotes and emails exactly once."""

import datetime

import pytest
from django.utils import timezone

from events.models import Event, EventType, Registration, RegistrationNotice
from tests.factories import EventFactory, EventTypeFactory, RegistrationFactory
from tests.helpers import event_form_data

pytestmark = pytest.mark.django_db

Status = Registration.Status
Kind = RegistrationNotice.Kind
DAY, TWO_HOURS = datetime.timedelta(days=1), datetime.timedelta(hours=2)


@pytest.fixture
def full_event():
    """Capacity 3, three seated, Sok Dara first on the waiting list, Chan Vanna second."""
    # Whole minutes, so that re-posting the event page changes no time (no "changed" notice).
    starts_at = (timezone.now() + datetime.timedelta(days=7)).replace(second=0, microsecond=0)
    event = EventFactory(title_en="Forum", title_km="វេទិកា", capacity=3, starts_at=starts_at)
    seated = [RegistrationFactory(event=event, full_name=f"Seated {n}") for n in range(3)]
    dara = RegistrationFactory(event=event, status=Status.WAITING, full_name="Sok Dara")
    vanna = RegistrationFactory(event=event, status=Status.WAITING, full_name="Chan Vanna")
    return event, seated, dara, vanna


@pytest.fixture
def staff(client, coordinator):
    client.force_login(coordinator)
    return client


def seats_taken(event):
    return event.registrations.seat_holding().count()


def notices(kind=None):
    rows = RegistrationNotice.objects.all()
    return rows.filter(kind=kind) if kind else rows


def action(client, name, registrations, *, confirm=False, language="en", **extra):
    data = {"action": name, "_selected_action": [r.pk for r in registrations], **extra}
    if confirm:
        data["post"] = "yes"
    return client.post(f"/{language}/admin/events/registration/", data, follow=confirm)


def add_form_data(event, **overrides):
    return {
        "event": event.pk,
        "full_name": "Keo Sophea",
        "organisation": "",
        "organisation_name": "Village Support Group",
        "position": "",
        "gender": "female",
        "email": "sophea@example.org",
        "phone": "",
        "language": "km",
        "accessibility_needs": "",
        **overrides,
    }


# --- The event page's inline ----------------------------------------------------------------


def test_event_page_shows_status_read_only_and_links_to_the_add_form(staff, full_event):
    event, *_ = full_event
    response = staff.get(f"/en/admin/events/event/{event.pk}/change/")
    page = response.text
    assert 'name="registrations-0-full_name"' in page
    assert 'name="registrations-0-status"' not in page
    assert f"/en/admin/events/registration/add/?event={event.pk}" in page
    (inline,) = [
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.formset.prefix == "registrations"
    ]
    assert not inline.has_add_permission and not inline.formset.can_delete


def test_inline_save_cannot_confirm_past_capacity_or_cancel(staff, full_event):
    event, seated, dara, vanna = full_event
    registrations = [*seated, dara, vanna]
    data = event_form_data(
        event,
        **{
            "registrations-TOTAL_FORMS": len(registrations),
            "registrations-INITIAL_FORMS": len(registrations),
        },
    )
    for index, registration in enumerate(registrations):
        prefix = f"registrations-{index}-"
        data |= {
            f"{prefix}id": registration.pk,
            f"{prefix}event": event.pk,
            f"{prefix}full_name": registration.full_name,
            f"{prefix}organisation": "",
            f"{prefix}organisation_name": registration.organisation_name,
            f"{prefix}email": registration.email,
            f"{prefix}language": registration.language,
            # What the finding did: switch a waiting registrant to confirmed, cancel a seat.
            f"{prefix}status": Status.CONFIRMED if registration == dara else Status.CANCELLED,
            f"{prefix}DELETE": "on",
        }
    data["registrations-4-full_name"] = "Chan Vanna (corrected)"
    response = staff.post(f"/en/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 302, response.text[-3000:]
    assert seats_taken(event) == 3
    assert sorted(event.registrations.values_list("status", flat=True)) == sorted(
        [Status.CONFIRMED] * 3 + [Status.WAITING] * 2
    )
    assert event.registrations.count() == 5  # nothing deleted either
    assert not notices().exists()
    vanna.refresh_from_db()
    assert vanna.full_name == "Chan Vanna (corrected)"  # contact details stay editable


# --- The add form ----------------------------------------------------------------------------


def test_add_form_is_prefilled_from_the_event_and_has_no_status(staff, full_event):
    event, *_ = full_event
    response = staff.get(f"/en/admin/events/registration/add/?event={event.pk}")
    assert response.status_code == 200
    assert response.context["adminform"].form["event"].value() == str(event.pk)
    assert 'name="status"' not in response.text
    assert "Confirm even though the event is full" in response.text


def test_adding_to_a_full_event_puts_the_person_on_the_waiting_list(staff, full_event):
    event, *_ = full_event
    response = staff.post(
        "/en/admin/events/registration/add/", add_form_data(event, status="confirmed"), follow=True
    )
    added = Registration.objects.get(email="sophea@example.org")
    assert added.status == Status.WAITING
    assert added.capacity_override_at is None
    assert seats_taken(event) == 3
    assert "The event is full: Keo Sophea is on the waiting list in position 3" in response.text
    assert list(notices().values_list("registration", "kind")) == [(added.pk, Kind.WAITING)]


def test_adding_with_a_free_seat_confirms(staff):
    event = EventFactory(capacity=3)
    response = staff.post("/en/admin/events/registration/add/", add_form_data(event), follow=True)
    added = Registration.objects.get()
    assert added.status == Status.CONFIRMED
    assert added.capacity_override_by is None
    assert "Keo Sophea is confirmed and told by email." in response.text
    assert list(notices().values_list("kind", flat=True)) == [Kind.CONFIRMED]


def test_adding_over_capacity_needs_the_override_and_records_it(staff, coordinator, full_event):
    event, *_ = full_event
    response = staff.post(
        "/en/admin/events/registration/add/",
        add_form_data(event, capacity_override="on"),
        follow=True,
    )
    added = Registration.objects.get(email="sophea@example.org")
    assert added.status == Status.CONFIRMED
    assert seats_taken(event) == 4
    assert added.capacity_override_by == coordinator
    assert added.capacity_override_at is not None
    assert "confirmed beyond the capacity" in response.text
    assert list(notices().values_list("kind", flat=True)) == [Kind.CONFIRMED]
    # Staff see it on the registration, in the list and on the event page.
    change_page = staff.get(f"/en/admin/events/registration/{added.pk}/change/").text
    assert "Yes, by coordinator" in change_page
    assert "Yes, by coordinator" in staff.get("/en/admin/events/registration/").text
    assert "Yes, by coordinator" in staff.get(f"/en/admin/events/event/{event.pk}/change/").text


def test_adding_refuses_what_the_service_refuses(staff, full_event):
    event, seated, *_ = full_event
    duplicate = staff.post(
        "/en/admin/events/registration/add/", add_form_data(event, email=seated[0].email.upper())
    )
    assert duplicate.status_code == 200
    assert "This email address is already registered for this event." in duplicate.text
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    cancelled = staff.post("/en/admin/events/registration/add/", add_form_data(event))
    assert "This event has been cancelled." in cancelled.text
    assert not Registration.objects.filter(email="sophea@example.org").exists()
    assert not notices().exists()


def test_staff_may_add_after_the_online_form_closed(staff):
    event = EventFactory(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    response = staff.post("/en/admin/events/registration/add/", add_form_data(event))
    assert response.status_code == 302
    assert Registration.objects.get().status == Status.CONFIRMED


# --- The change form -------------------------------------------------------------------------


def test_change_form_cannot_set_the_status(staff, full_event):
    event, seated, dara, _ = full_event
    url = f"/en/admin/events/registration/{seated[0].pk}/change/"
    page = staff.get(url).text
    assert 'name="status"' not in page
    assert "only through the actions on the list of registrations" in page
    response = staff.post(
        url,
        {
            **add_form_data(event, email=seated[0].email, full_name=seated[0].full_name),
            "status": "cancelled",
            "notices-TOTAL_FORMS": 0,
            "notices-INITIAL_FORMS": 0,
            "reminder_deliveries-TOTAL_FORMS": 0,
            "reminder_deliveries-INITIAL_FORMS": 0,
            "telegram_messages-TOTAL_FORMS": 0,
            "telegram_messages-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.text[-2000:]
    seated[0].refresh_from_db()
    dara.refresh_from_db()
    assert seated[0].status == Status.CONFIRMED and seated[0].cancelled_at is None
    assert dara.status == Status.WAITING
    assert not notices().exists()


def test_change_form_and_inline_refuse_a_second_active_registration_of_one_email(staff, full_event):
    event, seated, dara, _ = full_event
    response = staff.post(
        f"/en/admin/events/registration/{dara.pk}/change/",
        {
            **add_form_data(event, email=seated[0].email.upper(), full_name=dara.full_name),
            "notices-TOTAL_FORMS": 0,
            "notices-INITIAL_FORMS": 0,
            "reminder_deliveries-TOTAL_FORMS": 0,
            "reminder_deliveries-INITIAL_FORMS": 0,
            "telegram_messages-TOTAL_FORMS": 0,
            "telegram_messages-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "This email address is already registered for this event." in response.text
    data = event_form_data(
        event, **{"registrations-TOTAL_FORMS": 1, "registrations-INITIAL_FORMS": 1}
    )
    data |= {
        "registrations-0-id": dara.pk,
        "registrations-0-event": event.pk,
        "registrations-0-full_name": dara.full_name,
        "registrations-0-organisation_name": dara.organisation_name,
        "registrations-0-email": seated[0].email,
        "registrations-0-language": dara.language,
    }
    response = staff.post(f"/en/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 200
    assert "This email address is already registered for this event." in response.text
    dara.refresh_from_db()
    assert dara.email != seated[0].email


# --- Cancel ----------------------------------------------------------------------------------


def test_cancel_asks_first_then_promotes_and_emails_exactly_once(
    staff, full_event, owed_notices, django_capture_on_commit_callbacks
):
    event, seated, dara, vanna = full_event
    with django_capture_on_commit_callbacks(execute=True):
        page = action(staff, "cancel_registrations", [seated[0]])
    assert page.status_code == 200
    assert page.templates[0].name == "admin/events/registration/cancel_registrations.html"
    assert "Cancelling 1 registration; the person will be told by email" in page.text
    assert "will be promoted from the waiting list to confirmed and emailed" in page.text
    promoted_list = page.text.split("will be promoted", 1)[1]
    assert "Sok Dara" in promoted_list and "Chan Vanna" not in promoted_list
    assert 'class="breadcrumbs"' in page.text and "/en/admin/events/registration/" in page.text
    # The confirmation page changed nothing and queued no email.
    assert Registration.objects.get(pk=seated[0].pk).status == Status.CONFIRMED
    assert Registration.objects.get(pk=dara.pk).status == Status.WAITING
    assert not notices().exists() and owed_notices() == []

    with django_capture_on_commit_callbacks(execute=True):
        done = action(staff, "cancel_registrations", [seated[0]], confirm=True)
    assert "1 registration cancelled" in done.text
    assert "Sok Dara was promoted from the waiting list and told by email." in done.text
    seated[0].refresh_from_db()
    dara.refresh_from_db()
    assert seated[0].status == Status.CANCELLED and seated[0].cancelled_at is not None
    assert dara.status == Status.CONFIRMED
    assert seats_taken(event) == 3

    # Posting the confirmation again (a double click) changes and sends nothing more.
    action(staff, "cancel_registrations", [seated[0]], confirm=True)
    assert list(notices(Kind.CANCELLED).values_list("registration", flat=True)) == [seated[0].pk]
    assert list(notices(Kind.PROMOTED).values_list("registration", flat=True)) == [dara.pk]
    assert notices().count() == 2
    assert sorted(owed_notices()) == sorted([(seated[0].pk, "cancelled"), (dara.pk, "promoted")])


def test_cancelling_seat_and_first_in_line_together_promotes_the_next(staff, full_event):
    event, seated, dara, vanna = full_event
    page = action(staff, "cancel_registrations", [seated[1], dara])
    assert "Cancelling 2 registrations" in page.text
    assert "Chan Vanna" in page.text.split("will be promoted", 1)[1]
    done = action(staff, "cancel_registrations", [seated[1], dara], confirm=True)
    assert "Chan Vanna was promoted" in done.text
    assert notices(Kind.CANCELLED).count() == 2
    assert list(notices(Kind.PROMOTED).values_list("registration", flat=True)) == [vanna.pk]
    assert seats_taken(event) == 3


def test_cancel_page_renders_in_khmer(staff, full_event):
    event, seated, *_ = full_event
    page = action(staff, "cancel_registrations", [seated[0]], language="km")
    assert page.status_code == 200
    assert 'lang="km"' in page.text and "Sok Dara" in page.text


# --- Confirm from the waiting list -----------------------------------------------------------


def test_confirm_from_waiting_list_keeps_to_capacity_without_the_override(staff, full_event):
    event, seated, dara, vanna = full_event
    page = action(staff, "confirm_from_waiting_list", [dara])
    assert page.templates[0].name == "admin/events/registration/confirm_from_waiting_list.html"
    assert "No seat left" in page.text
    assert 'name="capacity_override"' in page.text
    done = action(staff, "confirm_from_waiting_list", [dara], confirm=True)
    assert "Sok Dara stays on the waiting list: the event is full." in done.text
    dara.refresh_from_db()
    assert dara.status == Status.WAITING
    assert seats_taken(event) == 3
    assert not notices().exists()


def test_confirm_from_waiting_list_with_the_override_records_it(staff, coordinator, full_event):
    event, seated, dara, vanna = full_event
    done = action(staff, "confirm_from_waiting_list", [dara], confirm=True, capacity_override="on")
    assert "Sok Dara is confirmed beyond the capacity" in done.text
    dara.refresh_from_db()
    assert dara.status == Status.CONFIRMED
    assert dara.capacity_override_by == coordinator and dara.capacity_override_at
    assert seats_taken(event) == 4
    assert list(notices().values_list("registration", "kind")) == [(dara.pk, Kind.PROMOTED)]


def test_confirm_from_waiting_list_fills_free_seats_in_order(staff, full_event):
    event, seated, dara, vanna = full_event
    Event.objects.filter(pk=event.pk).update(capacity=4)  # one more seat
    page = action(staff, "confirm_from_waiting_list", [vanna, dara, seated[0]])
    assert "1 person will be moved from the waiting list to confirmed and emailed" in page.text
    assert "Not on the waiting list" in page.text
    done = action(staff, "confirm_from_waiting_list", [vanna, dara, seated[0]], confirm=True)
    assert "1 registration confirmed; Sok Dara is told by email." in done.text
    assert "Chan Vanna stays on the waiting list" in done.text
    dara.refresh_from_db()
    assert dara.status == Status.CONFIRMED and dara.capacity_override_at is None
    assert seats_taken(event) == 4
    assert list(notices().values_list("registration", "kind")) == [(dara.pk, Kind.PROMOTED)]


# --- Attended, and back ----------------------------------------------------------------------


def test_mark_attended_and_undo(staff, full_event):
    event, seated, dara, _ = full_event
    done = staff.post(
        "/en/admin/events/registration/",
        {"action": "mark_attended", "_selected_action": [seated[0].pk, dara.pk]},
        follow=True,
    )
    assert "1 registration marked as attended." in done.text
    undone = staff.post(
        "/en/admin/events/registration/",
        {"action": "undo_attended", "_selected_action": [seated[0].pk, dara.pk]},
        follow=True,
    )
    assert "1 registration back to confirmed." in undone.text
    seated[0].refresh_from_db()
    dara.refresh_from_db()
    assert (seated[0].status, dara.status) == (Status.CONFIRMED, Status.WAITING)
    assert seats_taken(event) == 3
    assert not notices().exists()


# --- Events and their reminders --------------------------------------------------------------


def new_event_data(event_type, **overrides):
    event = EventFactory.build(event_type=event_type, slug="new-forum", capacity=30)
    data = event_form_data(event, **overrides)
    for key in [key for key in data if key.startswith("registrations-")]:
        del data[key]
    return data


@pytest.fixture
def type_with_defaults():
    event_type = EventTypeFactory()
    for offset in (DAY, TWO_HOURS):
        event_type.default_reminders.create(offset=offset)
    return event_type


def test_adding_an_event_with_a_one_day_reminder_keeps_exactly_that(staff, type_with_defaults):
    response = staff.post(
        "/en/admin/events/event/add/",
        new_event_data(
            type_with_defaults,
            **{
                "reminder_rules-TOTAL_FORMS": 1,
                "reminder_rules-0-offset": "1 00:00:00",
            },
        ),
    )
    assert response.status_code == 302, response.text[-3000:]
    event = Event.objects.get(slug="new-forum")
    assert list(event.reminder_rules.values_list("offset", flat=True)) == [DAY]


def test_adding_an_event_without_reminders_gives_the_types_defaults(staff, type_with_defaults):
    response = staff.post(
        "/en/admin/events/event/add/", new_event_data(type_with_defaults), follow=True
    )
    assert "it got its type&#x27;s 2 default reminders" in response.text
    event = Event.objects.get(slug="new-forum")
    assert sorted(event.reminder_rules.values_list("offset", flat=True)) == [TWO_HOURS, DAY]


def test_an_event_type_without_defaults_gives_no_reminders(staff):
    bare = EventType.objects.create(slug="bare", name_en="Bare", name_km="ទទេ")
    response = staff.post("/en/admin/events/event/add/", new_event_data(bare))
    assert response.status_code == 302, response.text[-3000:]
    assert not Event.objects.get(slug="new-forum").reminder_rules.exists()


def test_two_equal_reminders_in_the_inline_are_a_form_error_not_a_crash(staff, type_with_defaults):
    response = staff.post(
        "/en/admin/events/event/add/",
        new_event_data(
            type_with_defaults,
            **{
                "reminder_rules-TOTAL_FORMS": 2,
                "reminder_rules-0-offset": "1 00:00:00",
                "reminder_rules-1-offset": "1 00:00:00",
            },
        ),
    )
    assert response.status_code == 200
    assert not Event.objects.filter(slug="new-forum").exists()
