"""Issue 16, parts 1 to 3: focal persons sign in by a one-time emailed link, see their own
organisation, and register and cancel colleagues; nobody sees another organisation's data."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from accounts.models import FocalPerson
from accounts.services import focal_person_make, focal_person_revoke, sign_in_link
from events.models import Event, Registration
from members.services import dues_record
from networks.models import NetworkMembership
from tests.factories import (
    ContactFactory,
    EventFactory,
    MoUFactory,
    OrganisationFactory,
    ProvincialNetworkFactory,
    RegistrationFactory,
)
from tests.helpers import altered

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/account/sign-in/link/\?\S+")


@pytest.fixture(autouse=True)
def _links_sent_at_once(settings):
    # The sign-in task runs in the request here (a real worker runs it in CI's worker tests).
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def focal(admin_user):
    contact = ContactFactory(
        full_name="Chan Sophea",
        email="sophea@wlc.org.kh",
        organisation=OrganisationFactory(name_en="Women's Leadership Centre", acronym="WLC"),
    )
    return focal_person_make(contact=contact, made_by=admin_user)


def emailed_link():
    (message,) = mail.outbox
    return re.sub(r"^https?://[^/]+", "", LINK.search(message.body).group(0))


def sign_in(client, focal_person):
    client.force_login(focal_person.user, backend="sesame.backends.ModelBackend")


def test_a_focal_person_signs_in_with_the_emailed_link(client, focal):
    response = client.post("/km/account/sign-in/", {"email": "SOPHEA@wlc.org.kh"})
    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.to == ["sophea@wlc.org.kh"]
    assert "ចូល" in message.subject  # in the language of the page that asked
    link = emailed_link()
    assert link.startswith("/km/account/sign-in/link/")
    # Opening the link (or a mail scanner opening it) signs nobody in and uses nothing up.
    page = client.get(link)
    assert page.status_code == 200 and "Chan Sophea" in page.text
    assert "_auth_user_id" not in client.session
    token = re.search(r'name="sesame" value="([^"]+)"', page.text).group(1)
    response = client.post("/km/account/sign-in/link/", {"sesame": token})
    assert response.status_code == 302 and response["Location"] == "/km/account/"
    assert client.session["_auth_user_id"] == str(focal.user.pk)
    page = client.get("/km/account/")
    assert page.status_code == 200 and focal.organisation.name_km in page.text


def test_the_page_answers_the_same_for_an_unknown_address(client, focal):
    known = client.post("/en/account/sign-in/", {"email": "sophea@wlc.org.kh"})
    unknown = client.post("/en/account/sign-in/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200

    def text(response):
        return re.sub(r"\S+@\S+", "", response.text.split("<main")[1])

    assert text(known) == text(unknown)
    assert len(mail.outbox) == 1  # only the focal person got mail


def test_a_revoked_focal_person_gets_no_link(client, focal, admin_user):
    focal_person_revoke(focal_person=focal, revoked_by=admin_user)
    client.post("/en/account/sign-in/", {"email": "sophea@wlc.org.kh"})
    assert mail.outbox == []


@override_settings(SIGN_IN_RATE_LIMIT=3)
def test_asking_for_links_is_rate_limited(client, focal):
    statuses = [
        client.post("/en/account/sign-in/", {"email": "sophea@wlc.org.kh"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert len(mail.outbox) == 3


def test_a_bad_address_is_a_400_with_the_reason(client):
    response = client.post("/km/account/sign-in/", {"email": "not an address"})
    assert response.status_code == 400
    assert "អ៊ីមែល" in response.text


def test_a_link_works_once(client, focal):
    link = sign_in_link(focal_person=focal)
    token = link.split("sesame=")[1]
    assert client.post("/en/account/sign-in/link/", {"sesame": token}).status_code == 302
    client.logout()
    response = client.post("/en/account/sign-in/link/", {"sesame": token})
    assert response.status_code == 400
    assert "no longer works" in response.text
    assert "_auth_user_id" not in client.session


def test_an_altered_or_expired_link_signs_nobody_in(client, focal, settings):
    token = sign_in_link(focal_person=focal).split("sesame=")[1]
    response = client.post("/en/account/sign-in/link/", {"sesame": altered(token)})
    assert response.status_code == 400 and "_auth_user_id" not in client.session
    assert client.get("/en/account/sign-in/link/?sesame=garbage").status_code == 400
    settings.SESAME_MAX_AGE = -1
    response = client.post("/en/account/sign-in/link/", {"sesame": token})
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_a_link_for_a_staff_user_is_not_a_focal_person_sign_in(client, admin_user):
    from sesame.utils import get_token

    response = client.post("/en/account/sign-in/link/", {"sesame": get_token(admin_user)})
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_the_link_leads_back_only_to_this_site(client, focal):
    token = sign_in_link(focal_person=focal).split("sesame=")[1]
    response = client.post(
        "/en/account/sign-in/link/", {"sesame": token, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/en/account/"


def test_sign_out_ends_the_session(client, focal):
    sign_in(client, focal)
    assert client.get("/en/account/").status_code == 200
    assert client.get("/en/account/sign-out/").status_code == 405  # a link cannot sign out
    client.post("/en/account/sign-out/")
    response = client.get("/en/account/")
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_revoking_ends_an_open_session(client, focal, admin_user):
    sign_in(client, focal)
    focal_person_revoke(focal_person=focal, revoked_by=admin_user)
    response = client.get("/en/account/")
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_the_same_address_cannot_sign_in_for_two_organisations(focal, admin_user):
    from django.core.exceptions import ValidationError

    other = ContactFactory(email="Sophea@wlc.org.kh")
    with pytest.raises(ValidationError):
        focal_person_make(contact=other, made_by=admin_user)


def test_the_organisation_page_shows_its_own_data_only(client, focal):
    organisation = focal.organisation
    other = OrganisationFactory(name_en="Another NGO")
    mine = RegistrationFactory(organisation=organisation, full_name="Keo Dara")
    RegistrationFactory(organisation=other, full_name="Someone Else")
    past = EventFactory(
        starts_at=timezone.now() - datetime.timedelta(days=10),
        ends_at=timezone.now() - datetime.timedelta(days=10, hours=-3),
    )
    RegistrationFactory(
        event=past,
        organisation=organisation,
        full_name="Attended Person",
        status=Registration.Status.ATTENDED,
    )
    dues_record(organisation=organisation, year=2026, approved_budget_usd=90000)
    dues_record(organisation=other, year=2026, approved_budget_usd=5000)
    network = ProvincialNetworkFactory()
    NetworkMembership.objects.create(network=network, organisation=organisation)
    MoUFactory(network=network, title_en="Kampot MoU")
    MoUFactory(title_en="Unrelated MoU")
    sign_in(client, focal)
    text = client.get("/en/account/").text
    assert "Keo Dara" in text and mine.event.title in text
    assert "Attended Person" in text
    assert "Kampot MoU" in text and "Unrelated MoU" not in text
    assert "Someone Else" not in text
    assert "Not paid yet" in text


def test_anonymous_visitors_and_staff_are_sent_to_sign_in(client, admin_user):
    for path in ["/en/account/", "/en/account/register/x/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    client.force_login(admin_user)
    assert client.get("/en/account/").status_code == 302


def colleague(index, **overrides):
    return {
        f"people-{index}-full_name": f"Colleague {index}",
        f"people-{index}-position": "Officer",
        f"people-{index}-gender": "female",
        f"people-{index}-email": f"colleague{index}@wlc.org.kh",
        f"people-{index}-phone": "012 345 67" + str(index),
        f"people-{index}-language": "km",
        **{f"people-{index}-{key}": value for key, value in overrides.items()},
    }


def group_post(client, event, *rows, consent=True):
    data = {
        "people-TOTAL_FORMS": "5",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "5",
    }
    for row in rows:
        data.update(row)
    if consent:
        data["consent"] = "on"
    return client.post(f"/en/account/register/{event.slug}/", data)


def test_a_group_takes_the_free_seats_in_order_and_the_rest_wait(
    client, focal, owed_notices, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=3)
    RegistrationFactory(event=event)
    sign_in(client, focal)
    assert client.get(f"/en/account/register/{event.slug}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = group_post(client, event, colleague(0), colleague(1), colleague(2))
    assert response.status_code == 302
    people = list(Registration.objects.filter(registered_by=focal.user).order_by("created_at"))
    assert [person.status for person in people] == ["confirmed", "confirmed", "waiting"]
    assert {person.organisation for person in people} == {focal.organisation}
    assert {person.membership_proof for person in people} == {"focal_person"}
    page = client.get(response["Location"]).text
    assert "Colleague 2" in page and "waiting list" in page and "confirmed, with a seat" in page
    owed = owed_notices()
    assert sorted(kind for pk, kind in owed if pk in {p.pk for p in people}) == [
        "confirmed",
        "confirmed",
        "waiting",
    ]


def test_a_group_for_a_members_only_event_is_confirmed_without_approval(client, focal):
    event = EventFactory(audience=Event.Audience.MEMBERS)
    sign_in(client, focal)
    group_post(client, event, colleague(0))
    assert Registration.objects.get().status == Registration.Status.CONFIRMED


def test_one_bad_row_saves_nobody_and_says_which(client, focal):
    event = EventFactory()
    sign_in(client, focal)
    response = group_post(
        client, event, colleague(0), colleague(1, email="not-an-email"), colleague(2)
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()
    assert "Enter a valid email address." in response.text
    response = group_post(client, event, colleague(0), colleague(1, email="colleague0@wlc.org.kh"))
    assert response.status_code == 400 and "already in the list" in response.text
    response = group_post(client, event, colleague(0), consent=False)
    assert response.status_code == 400 and not Registration.objects.exists()
    response = group_post(client, event)
    assert response.status_code == 400 and "at least one colleague" in response.text


def test_a_closed_event_refuses_the_whole_group(client, focal):
    event = EventFactory(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    sign_in(client, focal)
    response = group_post(client, event, colleague(0), colleague(1))
    assert response.status_code == 409 and "closed" in response.text
    assert not Registration.objects.exists()


def test_the_focal_person_cancels_a_colleague_and_no_one_elses(client, focal):
    event = EventFactory(capacity=1)
    mine = RegistrationFactory(event=event, organisation=focal.organisation)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    theirs = RegistrationFactory(organisation=OrganisationFactory())
    sign_in(client, focal)
    assert client.get(f"/en/account/registrations/{mine.pk}/cancel/").status_code == 405
    assert client.post(f"/en/account/registrations/{theirs.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Registration.Status.CONFIRMED
    response = client.post(f"/en/account/registrations/{mine.pk}/cancel/")
    assert response.status_code == 302
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == Registration.Status.CANCELLED
    assert waiting.status != Registration.Status.WAITING  # the freed seat moved on


def test_another_organisations_group_result_is_not_shown(client, focal):
    event = EventFactory()
    theirs = RegistrationFactory(event=event, organisation=OrganisationFactory())
    sign_in(client, focal)
    session = client.session
    session["accounts:group-done"] = [[theirs.pk, True]]
    session.save()
    response = client.get(f"/en/account/register/{event.slug}/done/")
    assert response.status_code == 302  # nothing of theirs: back to the organisation page


def test_a_focal_person_has_no_usable_password(focal):
    user = get_user_model().objects.get(pk=focal.user.pk)
    assert not user.has_usable_password() and not user.is_staff
    assert FocalPerson.objects.active().count() == 1
