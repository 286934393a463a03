"""Issue 16, part 4: membership that is proven, not typed. A members-only event confirms a
registration at once only when a focal person made it or the address is on a domain staff
verified for an active member; anyone else waits for staff, with the typed name shown."""

import pytest
from django.core.exceptions import ValidationError

from events.models import Event, Registration
from events.services import registration_create, registrations_approve
from members.models import Organisation, OrganisationEmailDomain
from tests.factories import EventFactory, OrganisationFactory
from tests.test_registration import register

pytestmark = pytest.mark.django_db


def test_a_typed_member_name_no_longer_confirms_a_members_only_registration(client):
    event = EventFactory(audience=Event.Audience.MEMBERS)
    member = OrganisationFactory(name_en="Kampot Farmers", acronym="KFA")
    response = register(client, event, organisation_name="kfa")
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.PENDING  # staff decide
    assert registration.organisation == member  # what was typed is kept for them to see
    assert registration.membership_proof == ""
    page = client.get(response["Location"]).text
    assert "check that you work at" in page


def test_someone_typing_a_name_the_directory_lacks_is_not_refused_but_waits(client):
    event = EventFactory(audience=Event.Audience.MEMBERS)
    response = register(client, event, organisation_name="Women's Leadership Centre")
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.PENDING
    assert registration.organisation_name == "Women's Leadership Centre"


def test_a_verified_email_domain_proves_membership_whatever_was_typed(client):
    event = EventFactory(audience=Event.Audience.MEMBERS)
    member = OrganisationFactory(name_en="Women's Leadership Centre")
    OrganisationEmailDomain.objects.create(organisation=member, domain="wlc.org.kh")
    register(client, event, email="Sophea@WLC.org.kh", organisation_name="Womens Leadership")
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.organisation == member and registration.organisation_name == ""
    assert registration.membership_proof == Registration.MembershipProof.EMAIL_DOMAIN


def test_a_verified_domain_of_a_lapsed_member_proves_nothing(client):
    event = EventFactory(audience=Event.Audience.MEMBERS)
    lapsed = OrganisationFactory(membership_status=Organisation.MembershipStatus.LAPSED)
    OrganisationEmailDomain.objects.create(organisation=lapsed, domain="lapsed.org")
    register(client, event, email="a@lapsed.org")
    assert Registration.objects.get().status == Registration.Status.PENDING


def test_ordinary_events_count_a_verified_domain_for_the_figures(client):
    event = EventFactory()
    member = OrganisationFactory()
    OrganisationEmailDomain.objects.create(organisation=member, domain="member.org")
    register(client, event, email="a@member.org", organisation_name="Something typed")
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.organisation == member


@pytest.mark.parametrize("domain", ["gmail.com", "@Yahoo.com", "not a domain", "localhost"])
def test_webmail_and_malformed_domains_cannot_be_verified(domain):
    entry = OrganisationEmailDomain(organisation=OrganisationFactory(), domain=domain)
    with pytest.raises(ValidationError):
        entry.full_clean()


def test_a_domain_is_stored_as_typed_without_at_or_capitals():
    entry = OrganisationEmailDomain(
        organisation=OrganisationFactory(), domain=" @CCC-Cambodia.org "
    )
    entry.full_clean()
    assert entry.domain == "ccc-cambodia.org"


def test_staff_approval_confirms_and_records_who_vouched(admin_user):
    event = EventFactory(audience=Event.Audience.MEMBERS, capacity=1)
    outcome = registration_create(
        event=event,
        data={"full_name": "A", "email": "a@example.org", "gender": "female"},
    )
    assert outcome.registration.status == Registration.Status.PENDING
    registrations_approve(
        registrations=Registration.objects.filter(pk=outcome.registration.pk),
        decided_by=admin_user,
    )
    outcome.registration.refresh_from_db()
    assert outcome.registration.status == Registration.Status.CONFIRMED
    assert outcome.registration.membership_proof == Registration.MembershipProof.STAFF


def test_staff_still_cannot_add_a_non_member_to_a_members_only_event(admin_user):
    from events.services import RegistrationRefused

    event = EventFactory(audience=Event.Audience.MEMBERS)
    lapsed = OrganisationFactory(membership_status=Organisation.MembershipStatus.LAPSED)
    with pytest.raises(RegistrationRefused):
        registration_create(
            event=event,
            data={"full_name": "A", "email": "a@x.org", "gender": "male", "organisation": lapsed},
            added_by=admin_user,
        )


def test_staff_verify_a_domain_on_the_organisation_and_are_recorded(client, staff_user):
    organisation = OrganisationFactory(name_en="Women's Leadership Centre")
    client.force_login(staff_user)
    page = client.get(f"/en/admin/members/organisation/{organisation.pk}/change/")
    assert "email_domains-TOTAL_FORMS" in page.text
    data = {
        "name_km": organisation.name_km,
        "name_en": organisation.name_en,
        "acronym": organisation.acronym,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "membership_status": organisation.membership_status,
        "is_public": "on",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "email_domains-TOTAL_FORMS": 1,
        "email_domains-INITIAL_FORMS": 0,
        "email_domains-0-domain": "gmail.com",
    }
    url = f"/en/admin/members/organisation/{organisation.pk}/change/"
    response = client.post(url, data)
    assert response.status_code == 200 and "proves nothing" in response.text
    assert not OrganisationEmailDomain.objects.exists()
    data["email_domains-0-domain"] = "WLC.org.kh"
    assert client.post(url, data).status_code == 302
    entry = OrganisationEmailDomain.objects.get()
    assert (entry.domain, entry.organisation, entry.verified_by) == (
        "wlc.org.kh",
        organisation,
        staff_user,
    )
