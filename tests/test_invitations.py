"""Invitations for closed meetings: only invitees register (each through their own link, with
the address they were invited at), they may decline, staff invite by pasting or picking and
remind those who have not answered once; bad input and foreign links are refused with nothing
saved; staff rights per role."""

import re

import pytest
from django.core import mail
from django.utils import translation

from events.invitation_emails import invitation_email
from events.invitations import (
    InvitationRefused,
    Invitee,
    invitation_counts,
    invitation_decline,
    invitations_create,
    invitations_remind,
    invitees_from_text,
    invitees_picked,
)
from events.models import EventInvitation, InvitationDelivery, Registration
from events.services import RegistrationRefused, registration_create
from networks.models import NetworkMembership
from tests.factories import (
    ContactFactory,
    EventFactory,
    EventInvitationFactory,
    OrganisationFactory,
    ProvincialNetworkFactory,
)
from tests.helpers import altered, registration_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_worker(monkeypatch):
    """No worker: the invitation emails wait in the outbox (the database is the truth)."""
    from events.delivery import deliver_outbox

    monkeypatch.setattr(deliver_outbox, "delay", lambda *args, **kwargs: None)


@pytest.fixture
def closed_meeting():
    return EventFactory(
        by_invitation=True, title_en="Closed meeting", title_km="កិច្ចប្រជុំបិទ", slug="closed"
    )


def _invite(event, *addresses, language="en"):
    outcome = invitations_create(
        event=event, invitees=[Invitee(email=a) for a in addresses], language=language
    )
    return outcome


def _register_data(**overrides):
    data = {
        "full_name": "Sok Dara",
        "gender": "female",
        "email": "dara@example.org",
        "language": "en",
        "organisation": None,
    }
    data.update(overrides)
    return data


# --- Reading what staff paste ------------------------------------------------------------------


def test_pasted_text_gives_each_address_once_per_piece_and_names_the_bad_ones():
    text = (
        "dara@example.org, Sophea Chan <SOPHEA@Example.org>\n"
        "vanna@example.org; not-an-address\n"
        "nary@example.org bopha@example\n\n"
    )
    invitees, invalid = invitees_from_text(text)
    assert [(i.name, i.email) for i in invitees] == [
        ("", "dara@example.org"),
        ("Sophea Chan", "sophea@example.org"),
        ("", "vanna@example.org"),
        ("", "nary@example.org"),
    ]
    assert invalid == ["not-an-address", "bopha@example"]


# --- Inviting ----------------------------------------------------------------------------------


def test_invitations_skip_and_count_duplicates_and_each_owes_one_email(
    closed_meeting, no_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _invite(closed_meeting, "dara@example.org", "sophea@example.org")
    assert len(first.created) == 2 and first.duplicates == 0
    assert len(callbacks) == 1  # a worker is asked once the invitations are committed
    second = _invite(closed_meeting, "DARA@example.org", "vanna@example.org", "vanna@example.org")
    assert len(second.created) == 1
    assert second.duplicates == 2
    assert sorted(closed_meeting.invitations.values_list("email", flat=True)) == [
        "dara@example.org", "sophea@example.org", "vanna@example.org",
    ]  # fmt: skip
    assert InvitationDelivery.objects.filter(kind="invitation").count() == 3


def test_a_draft_or_cancelled_event_invites_nobody(no_worker):
    for status in ["draft", "cancelled"]:
        event = EventFactory(by_invitation=True, status=status)
        with pytest.raises(InvitationRefused):
            _invite(event, "dara@example.org")
        assert not event.invitations.exists()
    assert not InvitationDelivery.objects.exists()


def test_an_invalid_address_saves_nothing(closed_meeting, no_worker):
    with pytest.raises(ValueError):
        invitations_create(
            event=closed_meeting,
            invitees=[Invitee(email="dara@example.org"), Invitee(email="nope")],
            language="km",
        )
    assert not EventInvitation.objects.exists()


def test_picking_organisations_and_networks_invites_their_focal_persons():
    # An organisation's main contacts, or every contact with an address when none is main.
    with_main = OrganisationFactory(acronym="MAIN")
    main = ContactFactory(organisation=with_main, is_primary=True, email="main@example.org")
    ContactFactory(organisation=with_main, email="other@example.org")
    without_main = OrganisationFactory(acronym="NOMAIN")
    ContactFactory(organisation=without_main, email="a@example.org")
    ContactFactory(organisation=without_main, email="")
    nobody_there = OrganisationFactory(acronym="EMPTY")
    # A network's focal persons: its secretariat's main contacts.
    network = ProvincialNetworkFactory(acronym="RNN")
    secretariat = OrganisationFactory(acronym="SEC")
    NetworkMembership.objects.create(network=network, organisation=secretariat, role="secretariat")
    NetworkMembership.objects.create(network=network, organisation=with_main, role="member")
    ContactFactory(organisation=secretariat, is_primary=True, email="focal@example.org")
    lonely = ProvincialNetworkFactory(acronym="LONE")
    no_address = ContactFactory(email="")

    picked = invitees_picked(
        contacts=[no_address],
        organisations=[with_main, without_main, nobody_there],
        networks=[network, lonely],
    )
    found = {(i.email, i.contact and i.contact.pk, i.network) for i in picked.invitees}
    assert {email for email, _contact, _network in found} == {
        "main@example.org", "a@example.org", "focal@example.org",
    }  # fmt: skip
    assert ("main@example.org", main.pk, None) in found
    assert any(email == "focal@example.org" and n == network for email, _c, n in found)
    assert set(picked.unreachable) == {no_address, nobody_there, lonely}


# --- Only invitees register --------------------------------------------------------------------


def test_a_by_invitation_event_refuses_the_public_without_an_invitation(closed_meeting):
    with pytest.raises(RegistrationRefused) as refusal:
        registration_create(event=closed_meeting, data=_register_data())
    assert refusal.value.code == "invitation_only"
    assert "by invitation only" in str(refusal.value.message)
    with translation.override("km"):
        assert str(refusal.value.message)  # a lazy, translated message
    assert not Registration.objects.exists()


def test_an_invitation_works_only_for_its_event_and_its_address(closed_meeting):
    invitation = EventInvitationFactory(event=closed_meeting, email="dara@example.org")
    elsewhere = EventInvitationFactory(email="dara@example.org")
    with pytest.raises(RegistrationRefused):
        registration_create(event=closed_meeting, data=_register_data(), invitation=elsewhere)
    with pytest.raises(RegistrationRefused):
        registration_create(
            event=closed_meeting,
            data=_register_data(email="someone.else@example.org"),
            invitation=invitation,
        )
    assert not Registration.objects.exists()
    outcome = registration_create(
        event=closed_meeting, data=_register_data(email="Dara@Example.org"), invitation=invitation
    )
    assert outcome.created
    invitation.refresh_from_db()
    assert invitation.status == "registered"
    assert invitation.registration == outcome.registration
    assert invitation.answered_at is not None


def test_staff_adding_someone_are_not_refused(closed_meeting, staff_user):
    outcome = registration_create(event=closed_meeting, data=_register_data(), added_by=staff_user)
    assert outcome.created


# --- Declining and reminding -------------------------------------------------------------------


def test_declining_then_changing_ones_mind(closed_meeting):
    invitation = EventInvitationFactory(event=closed_meeting, email="dara@example.org")
    invitation_decline(invitation=invitation)
    invitation_decline(invitation=invitation)  # twice is harmless
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    registration_create(event=closed_meeting, data=_register_data(), invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == "registered"
    # Registered, declining would leave the seat taken: they are told to cancel instead.
    with pytest.raises(InvitationRefused):
        invitation_decline(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == "registered"


def test_one_reminder_to_those_who_have_not_answered_and_never_a_second(closed_meeting, no_worker):
    _invite(closed_meeting, "quiet@example.org", "declines@example.org", "registers@example.org")
    invitations = {i.email: i for i in closed_meeting.invitations.all()}
    invitation_decline(invitation=invitations["declines@example.org"])
    registration_create(
        event=closed_meeting,
        data=_register_data(email="registers@example.org"),
        invitation=invitations["registers@example.org"],
    )
    assert invitations_remind(event=closed_meeting) == 1
    assert invitations_remind(event=closed_meeting) == 0
    reminders = InvitationDelivery.objects.filter(kind="reminder")
    assert list(reminders.values_list("invitation__email", flat=True)) == ["quiet@example.org"]
    counts = invitation_counts(event=closed_meeting)
    assert counts == {
        "total": 3, "invited": 1, "registered": 1, "declined": 1, "reminded": 1, "to_remind": 0,
    }  # fmt: skip


# --- The emails --------------------------------------------------------------------------------


def test_each_invitee_gets_their_email_in_their_language_with_their_own_link(
    closed_meeting, settings, tasks_inline, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create(
            event=closed_meeting,
            invitees=[Invitee(email="dara@example.org", name="Sok Dara")],
            language="km",
        )
        invitations_create(
            event=closed_meeting,
            invitees=[Invitee(email="sophea@example.org", name="Sophea")],
            language="en",
        )
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"dara@example.org", "sophea@example.org"}
    khmer, english = by_address["dara@example.org"], by_address["sophea@example.org"]
    assert "កិច្ចប្រជុំបិទ" in khmer.subject
    assert '<html lang="km">' in khmer.alternatives[0][0]
    assert "Closed meeting" in english.subject and "Sophea" in english.body
    dara = EventInvitation.objects.get(email="dara@example.org")
    # The token is signed with a timestamp: find the link by its shape, then read it.
    link = re.search(r"http://testserver/km/events/closed/invitation/([^/\s]+)/\n", khmer.body)
    assert EventInvitation.public_id_from_token(link.group(1)) == dara.public_id
    assert f"/km/events/closed/invitation/{link.group(1)}/decline/" in khmer.body
    assert "/en/events/closed/invitation/" in english.body
    assert set(InvitationDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_reminder_is_not_sent_to_someone_who_answered_meanwhile(closed_meeting, no_worker):
    _invite(closed_meeting, "dara@example.org")
    invitations_remind(event=closed_meeting)
    invitation = closed_meeting.invitations.get()
    invitation_decline(invitation=invitation)
    reminder = InvitationDelivery.objects.get(kind="reminder")
    assert invitation_email(reminder) is None
    assert invitation_email(InvitationDelivery.objects.get(kind="invitation")) is not None


# --- The public pages --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_public_register_page_says_by_invitation_and_takes_nothing(
    client, closed_meeting, language
):
    url = f"/{language}/events/closed/register/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="email"' not in page.text
    with translation.override(language):
        from django.utils.translation import gettext

        expected = gettext(
            "This event is by invitation only. If you were invited, please register through "
            "the personal link in your invitation email."
        )
    assert expected in page.text
    response = client.post(url, registration_form_data())
    assert response.status_code == 403
    assert not Registration.objects.exists()
    # The event's own page offers no "Register" button, only the same sentence.
    event_page = client.get(f"/{language}/events/closed/")
    assert expected in event_page.text
    assert "/events/closed/register/" not in event_page.text


def _invitation_url(invitation, language="en", slug=None):
    return f"/{language}/events/{slug or invitation.event.slug}/invitation/{invitation.token}/"


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_invitation_link_shows_the_form_with_the_address_fixed(
    client, closed_meeting, language, owed_notices
):
    invitation = EventInvitationFactory(
        event=closed_meeting, email="dara@example.org", name="Sok Dara"
    )
    url = _invitation_url(invitation, language)
    page = client.get(url)
    assert page.status_code == 200
    email_input = re.search(r'<input[^>]*name="email"[^>]*>', page.text).group(0)
    assert 'value="dara@example.org"' in email_input and "disabled" in email_input
    assert 'value="Sok Dara"' in page.text
    assert "private" in page["Cache-Control"]
    # Another address typed into the form is ignored: the invitation's address registers.
    response = client.post(url, registration_form_data(email="someone.else@example.org"))
    registration = Registration.objects.get()
    assert response.status_code == 302
    # Tokens carry a timestamp: read the one in the link rather than compare strings.
    token = re.fullmatch(r".*/registrations/([^/]+)/", response["Location"]).group(1)
    assert Registration.public_id_from_token(token) == registration.public_id
    assert registration.email == "dara@example.org"
    invitation.refresh_from_db()
    assert invitation.status == "registered"
    # The link now leads to the registration.
    page = client.get(url)
    assert 'name="email"' not in page.text
    link = re.search(rf'href="/{language}/registrations/([^/"]+)/"', page.text)
    token = link.group(1)
    assert Registration.public_id_from_token(token) == registration.public_id


def test_a_tampered_or_foreign_link_gets_a_clear_404(client, closed_meeting):
    invitation = EventInvitationFactory(event=closed_meeting)
    other = EventFactory(by_invitation=True, slug="other")
    for url in [
        f"/en/events/closed/invitation/{altered(invitation.token)}/",
        f"/en/events/closed/invitation/{invitation.token[::-1]}/",
        _invitation_url(invitation, slug="other"),  # a real link, under another event
        f"/en/events/closed/invitation/{invitation.token}/decline/".replace("closed", "other"),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "This invitation link is not valid." in response.text
        assert client.post(url, registration_form_data()).status_code == 404
    assert not Registration.objects.exists()
    assert other.invitations.count() == 0
    invitation.refresh_from_db()
    assert invitation.status == "invited"


def test_a_link_to_an_event_put_back_to_draft_is_a_clear_404(client, closed_meeting):
    invitation = EventInvitationFactory(event=closed_meeting)
    closed_meeting.status = "draft"
    closed_meeting.save(update_fields=["status"])
    response = client.get(_invitation_url(invitation))
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.text


def test_declining_from_the_link_takes_a_post(client, closed_meeting):
    invitation = EventInvitationFactory(event=closed_meeting)
    url = _invitation_url(invitation) + "decline/"
    page = client.get(url)  # a mail scanner opening the link declines nothing
    assert page.status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == "invited"
    response = client.post(url, follow=True)
    assert "You have declined the invitation." in response.text
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    # They can still register from their link.
    assert 'name="full_name"' in client.get(_invitation_url(invitation)).text


# --- Staff: who may do what --------------------------------------------------------------------


@pytest.fixture
def nobody(django_user_model):
    """A staff login that was given no rights at all."""
    return django_user_model.objects.create_user("nobody", "n@example.org", "pw", is_staff=True)


def _admin_urls(event):
    base = f"/en/admin/events/event/{event.pk}"
    return {"page": f"{base}/invitations/", "remind": f"{base}/invitations-remind/"}


@pytest.mark.parametrize("what", ["page", "remind"])
def test_staff_without_the_right_are_refused(client, nobody, closed_meeting, what):
    client.force_login(nobody)
    url = _admin_urls(closed_meeting)[what]
    assert client.get(url).status_code == 403
    assert client.post(url, {"addresses": "dara@example.org", "language": "en"}).status_code == 403
    assert not EventInvitation.objects.exists() and not InvitationDelivery.objects.exists()


@pytest.mark.parametrize("what", ["page", "remind"])
def test_anonymous_visitors_are_sent_to_the_login(client, closed_meeting, what):
    response = client.get(_admin_urls(closed_meeting)[what])
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]


@pytest.mark.parametrize("role", ["coordinator", "staff_user"])
def test_coordinators_and_staff_invite_by_pasting_and_see_the_answers(
    client, closed_meeting, no_worker, role, request
):
    client.force_login(request.getfixturevalue(role))
    urls = _admin_urls(closed_meeting)
    EventInvitationFactory(event=closed_meeting, email="already@example.org")
    response = client.post(
        urls["page"],
        {
            "addresses": "Sok Dara <dara@example.org>\nalready@example.org\ndara@example.org",
            "language": "km",
        },
        follow=True,
    )
    assert "1 person invited" in response.text
    assert "2 addresses were already invited or given twice" in response.text
    dara = closed_meeting.invitations.get(email="dara@example.org")
    assert (dara.name, dara.language) == ("Sok Dara", "km")
    assert "dara@example.org" in response.text and "Sok Dara" in response.text
    page = client.get(urls["page"])
    assert page.status_code == 200
    # The event's page links to the tool.
    change = client.get(f"/en/admin/events/event/{closed_meeting.pk}/change/")
    assert urls["page"] in change.text


def test_coordinators_pick_organisations_but_not_contacts_or_networks(client, coordinator):
    event = EventFactory(by_invitation=True)
    client.force_login(coordinator)
    page = client.get(_admin_urls(event)["page"]).text
    assert 'name="organisations"' in page
    assert 'name="contacts"' not in page and 'name="networks"' not in page


def test_staff_pick_contacts_organisations_and_networks(
    client, staff_user, closed_meeting, no_worker
):
    contact = ContactFactory(email="picked@example.org", full_name="Picked Person")
    organisation = OrganisationFactory()
    ContactFactory(organisation=organisation, is_primary=True, email="main@example.org")
    network = ProvincialNetworkFactory()
    secretariat = OrganisationFactory()
    NetworkMembership.objects.create(network=network, organisation=secretariat, role="secretariat")
    ContactFactory(organisation=secretariat, is_primary=True, email="focal@example.org")
    client.force_login(staff_user)
    page = client.get(_admin_urls(closed_meeting)["page"]).text
    assert 'name="contacts"' in page and 'name="networks"' in page
    response = client.post(
        _admin_urls(closed_meeting)["page"],
        {
            "contacts": [contact.pk],
            "organisations": [organisation.pk],
            "networks": [network.pk],
            "language": "en",
        },
        follow=True,
    )
    assert "3 people invited" in response.text
    invited = dict(closed_meeting.invitations.values_list("email", "network"))
    assert invited == {
        "picked@example.org": None, "main@example.org": None, "focal@example.org": network.pk,
    }  # fmt: skip


def test_pasted_invalid_addresses_are_each_named_and_nothing_is_saved(
    client, coordinator, closed_meeting
):
    client.force_login(coordinator)
    response = client.post(
        _admin_urls(closed_meeting)["page"],
        {"addresses": "dara@example.org\nsophea(at)example.org, vanna@", "language": "en"},
    )
    assert response.status_code == 400
    assert "“sophea(at)example.org” is not an email address." in response.text
    assert "“vanna@” is not an email address." in response.text
    assert not EventInvitation.objects.exists()
    empty = client.post(_admin_urls(closed_meeting)["page"], {"language": "en"})
    assert empty.status_code == 400
    assert "Paste at least one email address" in empty.text


def test_the_reminder_goes_once_even_if_staff_click_twice(
    client, coordinator, closed_meeting, no_worker
):
    _invite(closed_meeting, "quiet@example.org", "other@example.org")
    client.force_login(coordinator)
    urls = _admin_urls(closed_meeting)
    page = client.get(urls["page"])
    assert "Remind 2 people who have not answered" in page.text
    review = client.get(urls["remind"])
    assert review.status_code == 200
    assert "quiet@example.org" in review.text
    assert not InvitationDelivery.objects.filter(kind="reminder").exists()
    first = client.post(urls["remind"], follow=True)
    assert "The reminder is on its way to 2 people." in first.text
    second = client.post(urls["remind"], follow=True)
    assert "Nobody to remind" in second.text
    assert InvitationDelivery.objects.filter(kind="reminder").count() == 2
    assert "has been reminded once" in client.get(urls["page"]).text


# --- Two clicks at once (PostgreSQL) ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_staff_clicking_at_once_remind_and_invite_each_person_once(postgresql, monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from events.delivery import deliver_outbox

    monkeypatch.setattr(deliver_outbox, "delay", lambda *args, **kwargs: None)
    event = EventFactory(by_invitation=True)
    clicks = 6
    gate = threading.Barrier(clicks)

    def at_once(action):
        def click(_index):
            try:
                gate.wait(timeout=30)
                return action()
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=clicks) as pool:
            return list(pool.map(click, range(clicks)))

    addresses = [f"person{n}@example.org" for n in range(5)]
    outcomes = at_once(lambda: _invite(event, *addresses))
    assert sum(len(outcome.created) for outcome in outcomes) == 5
    assert sum(outcome.duplicates for outcome in outcomes) == 5 * (clicks - 1)
    assert InvitationDelivery.objects.filter(kind="invitation").count() == 5

    reminded = at_once(lambda: invitations_remind(event=event))
    assert sorted(reminded) == [0] * (clicks - 1) + [5]
    assert InvitationDelivery.objects.filter(kind="reminder").count() == 5
