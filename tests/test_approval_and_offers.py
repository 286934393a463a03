"""Approval before confirming, and freed seats offered from the waiting list with a time to
accept (issue 15, parts 2 and 3)."""

import contextlib
import datetime
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from events.models import Registration, RegistrationNotice
from events.services import (
    OfferRefused,
    offers_pass_on_expired,
    registration_cancel,
    registration_create,
    registration_offer_accept,
    registration_offer_decline,
    registrations_approve,
    registrations_reject,
)
from events.tasks import sweep_outbox
from tests.factories import EventFactory, RegistrationFactory
from tests.helpers import registrations_linked

pytestmark = pytest.mark.django_db
Status = Registration.Status
Kind = RegistrationNotice.Kind


def register(event, name, **extra):
    data = {
        "full_name": name,
        "email": f"{name.lower().replace(' ', '.')}@example.org",
        "gender": "female",
        "organisation_name": "Test NGO",
        "language": "en",
        **extra,
    }
    return registration_create(event=event, data=data).registration


def refreshed(*registrations):
    for registration in registrations:
        registration.refresh_from_db()
    return registrations


# --- Approval ------------------------------------------------------------------------------


def test_a_public_registration_waits_for_approval_and_holds_no_seat(owed_notices, client):
    event = EventFactory(capacity=1, requires_approval=True)
    first, second = register(event, "Sok Dara"), register(event, "Chan Sophea")
    assert [first.status, second.status] == [Status.PENDING, Status.PENDING]
    assert event.registrations.seats_taken().count() == 0
    assert owed_notices() == [(first.pk, Kind.PENDING), (second.pk, Kind.PENDING)]
    page = client.get(f"/en/registrations/{first.cancel_token}/")
    assert "CCC staff approve each registration for this event" in page.text
    assert "does not hold a seat yet" in page.text
    # The register page says so before anyone fills it in.
    form = client.get(f"/en/events/{event.slug}/register/")
    assert "CCC staff approve each registration for this event" in form.text


def test_approval_gives_seats_in_registration_order_then_the_waiting_list(owed_notices, staff_user):
    event = EventFactory(capacity=1, requires_approval=True)
    first, second = register(event, "Sok Dara"), register(event, "Chan Sophea")
    outcome = registrations_approve(
        registrations=event.registrations.all(), decided_by=staff_user, reason="Welcome"
    )
    first, second = refreshed(first, second)
    assert outcome.confirmed == [first] and outcome.waiting == [second]
    assert (first.status, second.status) == (Status.CONFIRMED, Status.WAITING)
    assert first.decided_by == staff_user and first.decision_reason == "Welcome"
    assert owed_notices()[-2:] == [(first.pk, Kind.CONFIRMED), (second.pk, Kind.WAITING)]
    # Approving again changes nothing and tells nobody twice.
    again = registrations_approve(registrations=event.registrations.all(), decided_by=staff_user)
    assert again.confirmed == [] and len(again.skipped) == 2
    assert len(owed_notices()) == 4


def test_staff_adding_someone_approve_by_adding(staff_user):
    event = EventFactory(capacity=5, requires_approval=True)
    outcome = registration_create(
        event=event,
        data={"full_name": "Phoned In", "email": "p@example.org", "gender": "male"},
        added_by=staff_user,
    )
    assert outcome.registration.status == Status.CONFIRMED


def test_rejection_tells_the_person_why_in_their_language(staff_user, settings, mailoutbox):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    event = EventFactory(capacity=5, requires_approval=True, title_en="Budget forum")
    with pytest.MonkeyPatch.context() as patch:
        from events import delivery

        patch.setattr(delivery.deliver_outbox, "delay", lambda *args, **kwargs: None)
        person = register(event, "Sok Dara")
        rejected = registrations_reject(
            registrations=event.registrations.all(),
            decided_by=staff_user,
            reason="This forum is for provincial network coordinators.",
        )
    assert rejected == [person]
    person.refresh_from_db()
    assert person.status == Status.REJECTED
    assert event.registrations.seats_taken().count() == 0
    from events.emails import notice_email

    notice = person.notices.get(kind=Kind.REJECTED)
    message = notice_email(notice)
    assert message.subject == "Your registration was not approved: Budget forum"
    assert "This forum is for provincial network coordinators." in message.body
    # No "cancel if you cannot come" in a refusal.
    assert "/cancel/" not in message.body


def test_admin_approves_and_rejects_through_the_actions(client, coordinator, owed_notices):
    event = EventFactory(capacity=1, requires_approval=True)
    dara, sophea = register(event, "Sok Dara"), register(event, "Chan Sophea")
    client.force_login(coordinator)
    url = "/en/admin/events/registration/"
    # The confirmation page first, with a reason box; nothing changes yet.
    page = client.post(url, {"action": "approve_registrations", "_selected_action": [dara.pk]})
    assert page.status_code == 200 and "Reason" in page.text
    assert refreshed(dara)[0].status == Status.PENDING
    client.post(
        url,
        {"action": "approve_registrations", "_selected_action": [dara.pk], "post": "yes"},
    )
    assert refreshed(dara)[0].status == Status.CONFIRMED
    # A rejection needs a reason: without one, a 400 with the error, nothing saved.
    response = client.post(
        url,
        {"action": "reject_registrations", "_selected_action": [sophea.pk], "post": "yes"},
    )
    assert response.status_code == 400
    assert "Say why, so that the people turned down understand." in response.text
    assert refreshed(sophea)[0].status == Status.PENDING
    client.post(
        url,
        {
            "action": "reject_registrations",
            "_selected_action": [sophea.pk],
            "post": "yes",
            "reason": "Full of coordinators already.",
        },
    )
    sophea.refresh_from_db()
    assert sophea.status == Status.REJECTED and sophea.decided_by == coordinator


@pytest.mark.parametrize("role", ["nobody", "viewer"])
def test_only_staff_who_may_change_registrations_can_approve(client, django_user_model, role):
    from django.contrib.auth.models import Permission

    event = EventFactory(capacity=1, requires_approval=True)
    dara = register(event, "Sok Dara")
    user = django_user_model.objects.create_user("u", "u@example.org", "pw", is_staff=True)
    if role == "viewer":
        user.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(user)
    url = "/en/admin/events/registration/"
    response = client.post(
        url, {"action": "approve_registrations", "_selected_action": [dara.pk], "post": "yes"}
    )
    if role == "nobody":
        assert response.status_code == 403
    else:
        # The list is theirs to read, without the action.
        assert "approve_registrations" not in client.get(url).text
    assert refreshed(dara)[0].status == Status.PENDING


# --- Seat offers ---------------------------------------------------------------------------


@pytest.fixture
def full_event_with_a_waiting_list():
    event = EventFactory(capacity=1, offer_window_hours=48)
    holder = register(event, "Seat Holder")
    first, second = register(event, "First Waiting"), register(event, "Second Waiting")
    assert (holder.status, first.status, second.status) == (
        Status.CONFIRMED,
        Status.WAITING,
        Status.WAITING,
    )
    return event, holder, first, second


def test_a_freed_seat_is_offered_to_the_first_on_the_list_with_a_deadline(
    full_event_with_a_waiting_list, owed_notices, client
):
    event, holder, first, second = full_event_with_a_waiting_list
    before = timezone.now()
    registration_cancel(registration=holder)
    first, second = refreshed(first, second)
    assert first.status == Status.OFFERED and second.status == Status.WAITING
    window = first.offer_expires_at - before
    assert (
        datetime.timedelta(hours=47, minutes=59) < window <= datetime.timedelta(hours=48, seconds=5)
    )
    assert (first.pk, Kind.OFFERED) in owed_notices()
    # The offered seat counts as taken: a newcomer waits.
    assert register(event, "Newcomer").status == Status.WAITING
    page = client.get(f"/en/registrations/{first.cancel_token}/")
    assert "A seat has become free and it is offered to you until" in page.text
    # Opening the offer page (a mail scanner does) changes nothing.
    assert client.get(f"/en/registrations/{first.cancel_token}/offer/").status_code == 200
    assert refreshed(first)[0].status == Status.OFFERED


def test_the_offer_email_links_to_the_answer_page_with_the_deadline(full_event_with_a_waiting_list):
    from events.emails import notice_email

    event, holder, first, _second = full_event_with_a_waiting_list
    registration_cancel(registration=holder)
    message = notice_email(RegistrationNotice.objects.get(registration=first, kind=Kind.OFFERED))
    (offer_link,) = re.findall(r"\S+/offer/", message.body)
    assert registrations_linked(offer_link) == {first.public_id}
    assert "we are keeping it for you until" in message.body


def test_accepting_in_time_confirms(full_event_with_a_waiting_list, client, owed_notices):
    event, holder, first, second = full_event_with_a_waiting_list
    registration_cancel(registration=holder)
    response = client.post(f"/en/registrations/{first.cancel_token}/offer/", {"answer": "accept"})
    assert response.status_code == 302
    first, second = refreshed(first, second)
    assert first.status == Status.CONFIRMED and first.offer_outcome == "accepted"
    assert second.status == Status.WAITING
    assert (first.pk, Kind.PROMOTED) in owed_notices()
    # A double click is harmless.
    assert (
        client.post(
            f"/en/registrations/{first.cancel_token}/offer/", {"answer": "accept"}
        ).status_code
        == 302
    )


def test_declining_passes_the_seat_on_at_once(full_event_with_a_waiting_list, client):
    event, holder, first, second = full_event_with_a_waiting_list
    registration_cancel(registration=holder)
    client.post(f"/en/registrations/{first.cancel_token}/offer/", {"answer": "decline"})
    first, second = refreshed(first, second)
    assert first.status == Status.CANCELLED and first.offer_outcome == "declined"
    assert second.status == Status.OFFERED


def test_an_offer_not_accepted_in_time_passes_on_in_the_sweep(
    full_event_with_a_waiting_list, owed_notices
):
    event, holder, first, second = full_event_with_a_waiting_list
    registration_cancel(registration=holder)
    later = timezone.now() + datetime.timedelta(hours=49)
    assert offers_pass_on_expired(now=later) == 1
    first, second = refreshed(first, second)
    assert first.status == Status.CANCELLED and first.offer_outcome == "passed_on"
    assert second.status == Status.OFFERED
    assert (first.pk, Kind.OFFER_PASSED) in owed_notices()
    # Run again: nothing more moves.
    assert offers_pass_on_expired(now=later) == 0


def test_the_beat_sweep_passes_offers_on(full_event_with_a_waiting_list, monkeypatch):
    from events import delivery

    monkeypatch.setattr(delivery.deliver_outbox, "delay", lambda *args, **kwargs: None)
    event, holder, first, second = full_event_with_a_waiting_list
    registration_cancel(registration=holder)
    Registration.objects.filter(pk=first.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert sweep_outbox()["offers_passed_on"] == 1
    assert refreshed(second)[0].status == Status.OFFERED


def test_an_accept_after_the_window_says_the_offer_passed_on(
    full_event_with_a_waiting_list, client
):
    event, holder, first, second = full_event_with_a_waiting_list
    registration_cancel(registration=holder)
    # Late, and before the sweep has run: the answer itself passes the offer on.
    Registration.objects.filter(pk=first.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.post(f"/en/registrations/{first.cancel_token}/offer/", {"answer": "accept"})
    assert response.status_code == 410
    assert "The time to accept this seat has passed" in response.text
    first, second = refreshed(first, second)
    assert first.status == Status.CANCELLED and second.status == Status.OFFERED
    # The page keeps saying so, and the registrant's page too.
    assert "has passed" in client.get(f"/en/registrations/{first.cancel_token}/offer/").text
    assert (
        "it went to the next person" in client.get(f"/en/registrations/{first.cancel_token}/").text
    )


def test_an_answer_with_no_offer_is_refused_clearly(client):
    registration = RegistrationFactory(status=Status.CONFIRMED)
    url = f"/en/registrations/{registration.cancel_token}/offer/"
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 409
    assert "There is no seat offer to answer" in response.text
    assert client.post(url, {"answer": "maybe"}).status_code == 400
    with pytest.raises(OfferRefused):
        registration_offer_decline(registration=registration)


def test_the_deadline_never_passes_the_start_of_the_event():
    event = EventFactory(
        capacity=1, offer_window_hours=48, starts_at=timezone.now() + datetime.timedelta(hours=5)
    )
    holder, waiting = register(event, "Seat Holder"), register(event, "Waiting One")
    registration_cancel(registration=holder)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at == event.starts_at


def test_without_a_window_the_seat_is_given_at_once():
    event = EventFactory(capacity=1)
    holder, waiting = register(event, "Seat Holder"), register(event, "Waiting One")
    registration_cancel(registration=holder)
    assert refreshed(waiting)[0].status == Status.CONFIRMED


def test_the_offer_email_is_not_sent_once_answered(full_event_with_a_waiting_list):
    event, holder, first, _second = full_event_with_a_waiting_list
    registration_cancel(registration=holder)
    notice = first.notices.get(kind=Kind.OFFERED)
    registration_offer_accept(registration=first)
    notice.refresh_from_db()
    assert not notice.is_owed()


# --- Under real concurrency (PostgreSQL) ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_and_the_sweep_never_give_one_seat_twice(postgresql, monkeypatch):
    """Two seats freed and offered; one offer has run out. Its late accept, the other's
    accept, a third person's accept (never offered) and two sweeps all race: at most two
    people hold seats, the late one is not among them, and the next in line is offered the
    seat that passed on."""
    from events import delivery

    monkeypatch.setattr(delivery.deliver_outbox, "delay", lambda *args, **kwargs: None)
    for _round in range(5):
        event = EventFactory(capacity=2, offer_window_hours=24)
        holders = [register(event, f"Holder {n} {_round}") for n in range(2)]
        late, on_time, next_in_line = (
            register(event, f"Late {_round}"),
            register(event, f"On Time {_round}"),
            register(event, f"Next {_round}"),
        )
        for holder in holders:
            registration_cancel(registration=holder)
        Registration.objects.filter(pk=late.pk).update(
            offer_expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        accepts = [late, on_time, next_in_line, on_time]
        jobs = [(registration_offer_accept, {"registration": who}) for who in accepts]
        jobs += [(offers_pass_on_expired, {})] * 2
        gate = threading.Barrier(len(jobs))

        def run(job, gate=gate):
            service, kwargs = job
            try:
                gate.wait(timeout=30)
                with contextlib.suppress(OfferRefused):
                    service(**kwargs)
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            list(pool.map(run, jobs))
        late, on_time, next_in_line = refreshed(late, on_time, next_in_line)
        assert event.registrations.seats_taken().count() == 2
        assert late.status == Status.CANCELLED and late.offer_outcome == "passed_on"
        assert on_time.status == Status.CONFIRMED
        # Offered the seat that passed on; its own accept may have come after that.
        assert next_in_line.status in (Status.OFFERED, Status.CONFIRMED)
        assert late.notices.filter(kind=Kind.OFFER_PASSED).count() == 1
        assert on_time.notices.filter(kind=Kind.PROMOTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_pass_the_capacity(postgresql, monkeypatch, django_user_model):
    from events import delivery

    staff_user = django_user_model.objects.create_user("approver", is_staff=True)
    monkeypatch.setattr(delivery.deliver_outbox, "delay", lambda *args, **kwargs: None)
    event = EventFactory(capacity=3, requires_approval=True)
    people = [register(event, f"Pending {n}") for n in range(12)]
    gate = threading.Barrier(len(people))

    def approve(person):
        try:
            gate.wait(timeout=30)
            registrations_approve(
                registrations=Registration.objects.filter(pk=person.pk), decided_by=staff_user
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        list(pool.map(approve, people))
    statuses = list(event.registrations.values_list("status", flat=True))
    assert statuses.count(Status.CONFIRMED) == 3
    assert statuses.count(Status.WAITING) == 9


# --- Elsewhere: figures and the door -------------------------------------------------------


def test_turned_down_registrations_are_not_counted_as_registered(staff_user):
    from events.reports import event_participation

    event = EventFactory(capacity=5, requires_approval=True)
    register(event, "Sok Dara")
    turned_down = register(event, "Chan Sophea")
    registrations_reject(
        registrations=Registration.objects.filter(pk=turned_down.pk),
        decided_by=staff_user,
        reason="Not this time.",
    )
    assert event_participation(event)["totals"]["registered"] == 1


@pytest.mark.parametrize("status", [Status.PENDING, Status.OFFERED, Status.REJECTED])
def test_nobody_without_a_seat_is_checked_in(status):
    from events.checkin import CheckInRefused, checkin_mark

    registration = RegistrationFactory(status=status)
    with pytest.raises(CheckInRefused):
        checkin_mark(registration=registration)
    assert refreshed(registration)[0].status == status
