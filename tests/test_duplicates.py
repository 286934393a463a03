"""Possible duplicates (members.duplicates), their merge (members.merge) and the staff pages
for both (members.admin_duplicates)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from accounts.models import FocalPerson, ProfileChange
from core.text import normalise_phone
from events.models import EventInvitation, Registration
from members.duplicates import contact_duplicates, organisation_duplicates
from members.merge import contacts_merge, organisations_merge
from members.models import (
    Contact,
    MembershipDues,
    MergeRecord,
    Organisation,
    OrganisationEmailDomain,
)
from members.services import dues_record
from networks.models import MoU, NetworkMembership
from tests.factories import (
    ContactFactory,
    EventInvitationFactory,
    MoUFactory,
    OrganisationFactory,
    ProvincialNetworkFactory,
    RegistrationFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

ORGANISATION_DUPLICATES = "/{language}/admin/members/organisation/duplicates/"
CONTACT_DUPLICATES = "/{language}/admin/members/contact/duplicates/"


def organisation(**fields):
    """An organisation sharing nothing with the others unless told to."""
    return OrganisationFactory(**{"email": "", "phone": "", "website": "", **fields})


def contact(**fields):
    # The factory gives every contact the same phone number: not wanted here.
    return ContactFactory(**{"phone": "", **fields})


def pairs(candidates):
    return {
        frozenset((candidate.first_id, candidate.second_id)): [
            str(reason) for reason in candidate.reasons
        ]
        for candidate in candidates
    }


def user_with(django_user_model, *codenames, username="merger"):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "pw")
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="members", codename__in=codenames)
    )
    return user


@pytest.fixture
def merger(django_user_model):
    return user_with(
        django_user_model,
        "view_organisation",
        "change_organisation",
        "delete_organisation",
        "view_contact",
        "change_contact",
        "delete_contact",
    )


# --- Phone numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("012 345 678", "+85512345678"),
        ("+855 12 345 678", "+85512345678"),
        ("+855 012 345 678", "+85512345678"),
        ("00855 97 123 4567", "+855971234567"),
        ("០១២ ៣៤៥ ៦៧៨", "+85512345678"),
        ("(023) 217 482", "+85523217482"),
        ("+1 555 123 4567", None),  # foreign: refused, as before
        ("+61 2 9374 4000", None),
        ("123", None),
        ("012 ABC DEF", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_numbers_are_read_by_phonenumbers_as_cambodian(typed, stored):
    assert normalise_phone(typed) == stored


# --- Candidates --------------------------------------------------------------------------------


def test_same_acronym_however_written_is_a_candidate():
    first = organisation(acronym="KFA")
    second = organisation(acronym="k.f.a.")
    khmer_one = organisation(acronym="", acronym_km="គ.ស.ក")
    khmer_two = organisation(acronym="", acronym_km="គសក")
    organisation(acronym="OTHER")

    found = pairs(organisation_duplicates())

    assert found == {
        frozenset((first.pk, second.pk)): ["Same acronym: KFA"],
        frozenset((khmer_one.pk, khmer_two.pk)): ["Same acronym: គ.ស.ក"],
    }


def test_same_name_in_either_language_is_a_candidate():
    first = organisation(name_en="Kampot Farmers' Association")
    second = organisation(name_en="kampot farmers association")
    third = organisation(name_km="សមាគម កសិករ")
    fourth = organisation(name_km="សមាគមកសិករ")

    found = pairs(organisation_duplicates())

    assert found[frozenset((first.pk, second.pk))] == ["Same name: Kampot Farmers' Association"]
    assert found[frozenset((third.pk, fourth.pk))] == ["Same name: សមាគម កសិករ"]
    assert len(found) == 2


def test_khmer_and_english_entries_of_one_ngo_meet_through_their_domain():
    khmer = organisation(name_km="សមាគមកសិករកំពត", name_en="", email="info@kfa.org.kh")
    english = organisation(
        name_km="", name_en="Kampot Farmers Association", website="https://www.kfa.org.kh/"
    )
    by_contact = organisation(name_en="Somebody else")
    contact(organisation=by_contact, email="dara@KFA.org.kh")
    verified = organisation()
    OrganisationEmailDomain.objects.create(organisation=verified, domain="kfa.org.kh")

    found = pairs(organisation_duplicates())

    ids = [khmer.pk, english.pk, by_contact.pk, verified.pk]
    assert {frozenset((a, b)) for a in ids for b in ids if a < b} == set(found)
    assert found[frozenset((khmer.pk, english.pk))] == ["Same email or website domain: kfa.org.kh"]


def test_webmail_is_no_sign_of_a_duplicate():
    organisation(email="kfa.kampot@gmail.com")
    organisation(email="other.ngo@gmail.com")
    contact(email="dara@yahoo.com")
    contact(email="sok@yahoo.com")

    assert organisation_duplicates() == []


def test_one_phone_number_typed_three_ways_pairs_all_three():
    latin = organisation(name_en="KFA", phone="012 345 678")
    international = organisation(name_km="សមាគមកសិករកំពត")
    contact(organisation=international, phone="+855 12 345 678")
    khmer_digits = organisation(phone="០១២ ៣៤៥ ៦៧៨ / 023 217 482")
    organisation(phone="012 999 888")

    found = pairs(organisation_duplicates())

    ids = sorted([latin.pk, international.pk, khmer_digits.pk])
    assert set(found) == {
        frozenset((ids[0], ids[1])),
        frozenset((ids[0], ids[2])),
        frozenset((ids[1], ids[2])),
    }
    assert all(reasons == ["Same phone number: 012 345 678"] for reasons in found.values())


def test_a_pair_with_several_reasons_comes_first_and_lists_them_all():
    lone = organisation(acronym="ABC")
    organisation(acronym="A.B.C.")
    first = organisation(acronym="XYZ", email="a@xyz.org", phone="012 111 222")
    second = organisation(acronym="X.Y.Z", website="xyz.org", phone="+85512111222")

    candidates = organisation_duplicates()

    assert (candidates[0].first_id, candidates[0].second_id) == (first.pk, second.pk)
    assert [str(reason) for reason in candidates[0].reasons] == [
        "Same acronym: XYZ",
        "Same email or website domain: xyz.org",
        "Same phone number: 012 111 222",
    ]
    assert candidates[1].first_id == lone.pk


def test_contacts_with_the_same_name_email_or_phone_are_candidates():
    kfa, other = organisation(), organisation()
    dara = contact(organisation=kfa, full_name="Sok Dara", email="dara@kfa.org")
    dara_again = contact(organisation=kfa, full_name="sok  dara", email="x@kfa.org")
    moved = contact(organisation=other, full_name="Dara Sok", email="DARA@kfa.org")
    phone_one = contact(organisation=kfa, full_name="Chan", phone="012 345 678")
    phone_two = contact(organisation=other, full_name="Sophea", phone="០១២៣៤៥៦៧៨")
    contact(organisation=other, full_name="Nobody")

    found = pairs(contact_duplicates())

    assert found == {
        frozenset((dara.pk, dara_again.pk)): ["Same name: Sok Dara"],
        frozenset((dara.pk, moved.pk)): ["Same email address: dara@kfa.org"],
        frozenset((phone_one.pk, phone_two.pk)): ["Same phone number: 012 345 678"],
    }


def test_five_thousand_organisations_take_a_few_queries(django_assert_max_num_queries):
    Organisation.objects.bulk_create(
        Organisation(
            name_en=f"Organisation {number}",
            name_km=f"អង្គការ {number}",
            acronym=f"O{number}",
            slug=f"o-{number}",
            kind=Organisation.Kind.LOCAL_NGO,
            email=f"info@org{number % 4000}.org",
            phone=f"012 {number:06d}",
        )
        for number in range(5000)
    )

    with django_assert_max_num_queries(4):
        candidates = organisation_duplicates()

    # Organisations n and n + 4000 share a domain: 1,000 pairs, no more.
    assert len(candidates) == 1000


# --- Merging organisations ---------------------------------------------------------------------


@pytest.fixture
def two_entries(django_user_model):
    """Two entries of one NGO, each with rows attached, some of them clashing."""
    keep = organisation(acronym="KFA", name_en="Kampot Farmers Association")
    remove = organisation(
        acronym="",
        name_km="សមាគមកសិករកំពត",
        email="info@kfa.org",
        address="Kampot town",
        registration_number="1234",
        registration_date=datetime.date(2015, 3, 1),
    )
    sectors = SectorFactory.create_batch(2)
    keep.sectors.add(sectors[0])
    remove.sectors.add(*sectors)
    both_in, only_removed_in = ProvincialNetworkFactory.create_batch(2)
    proposer = django_user_model.objects.create_user("proposer")
    rows = {
        "keep_registration": RegistrationFactory(organisation=keep),
        "registrations": RegistrationFactory.create_batch(2, organisation=remove),
        "invitation": EventInvitationFactory(organisation=remove),
        "contact": contact(organisation=remove, full_name="Sok Dara"),
        "keep_dues": dues_record(organisation=keep, year=2024, approved_budget_usd=100_000),
        "clashing_dues": dues_record(organisation=remove, year=2024, approved_budget_usd=200_000),
        "dues": dues_record(organisation=remove, year=2025, approved_budget_usd=50_000),
        "keep_membership": NetworkMembership.objects.create(network=both_in, organisation=keep),
        "clashing_membership": NetworkMembership.objects.create(
            network=both_in, organisation=remove, role=NetworkMembership.Role.MEMBER
        ),
        "membership": NetworkMembership.objects.create(
            network=only_removed_in, organisation=remove
        ),
        "mou": MoUFactory(network=None, organisation=remove),
        "domain": OrganisationEmailDomain.objects.create(organisation=remove, domain="kfa.org"),
        "keep_proposal": ProfileChange.objects.create(organisation=keep, proposed_by=proposer),
        "clashing_proposal": ProfileChange.objects.create(
            organisation=remove, proposed_by=proposer, after={"address": "Kampot"}
        ),
    }
    return keep, remove, sectors, rows


def test_merging_two_organisations_loses_nothing_attached_to_either(merger, two_entries):
    keep, remove, sectors, rows = two_entries
    removed_pk = remove.pk

    result = organisations_merge(keep=keep, remove=remove, merged_by=merger)

    assert not Organisation.objects.filter(pk=removed_pk).exists()
    keep.refresh_from_db()
    # Everything of the removed entry now belongs to the kept one.
    assert Registration.objects.filter(organisation=keep).count() == 3
    assert EventInvitation.objects.get(pk=rows["invitation"].pk).organisation == keep
    assert Contact.objects.get(pk=rows["contact"].pk).organisation == keep
    assert MoU.objects.get(pk=rows["mou"].pk).organisation == keep
    assert OrganisationEmailDomain.objects.get(domain="kfa.org").organisation == keep
    assert NetworkMembership.objects.get(pk=rows["membership"].pk).organisation == keep
    assert set(keep.sectors.all()) == set(sectors)
    # Dues: the kept entry's own 2024 stays, 2025 moved; the removed entry's 2024 is recorded.
    assert {dues.year: dues.approved_budget_usd for dues in keep.dues.all()} == {
        2024: Decimal("100000.00"),
        2025: Decimal("50000.00"),
    }
    assert not MembershipDues.objects.filter(pk=rows["clashing_dues"].pk).exists()
    assert NetworkMembership.objects.filter(organisation=keep).count() == 2
    assert ProfileChange.objects.filter(organisation=keep).get() == rows["keep_proposal"]
    # Blank fields filled from the removed entry; the kept entry's own values stay.
    assert keep.acronym == "KFA"
    assert keep.email == "info@kfa.org"
    assert keep.address == "Kampot town"
    assert keep.registration_number == "1234"
    assert keep.registration_date == datetime.date(2015, 3, 1)
    assert keep.name_en == "Kampot Farmers Association"

    record = MergeRecord.objects.get()
    assert result.record == record
    assert (record.kind, record.kept_id, record.removed_id) == ("organisation", keep.pk, removed_pk)
    assert record.merged_by == merger
    assert record.removed_snapshot["fields"]["name_km"] == "សមាគមកសិករកំពត"
    assert record.moved["events.Registration.organisation"] == 2
    assert record.moved["members.MembershipDues.organisation"] == 1
    assert record.moved["networks.MoU.organisation"] == 1
    assert record.copied["email"] == "info@kfa.org"
    dropped = {entry["relation"]: entry["row"] for entry in record.dropped}
    assert set(dropped) == {
        "members.MembershipDues.organisation",
        "networks.NetworkMembership.organisation",
        "accounts.ProfileChange.organisation",
    }
    assert dropped["members.MembershipDues.organisation"]["fields"]["year"] == 2024
    assert dropped["members.MembershipDues.organisation"]["fields"]["approved_budget_usd"] == (
        "200000.00"
    )
    assert dropped["accounts.ProfileChange.organisation"]["fields"]["after"] == {
        "address": "Kampot"
    }
    # History: both entries' pasts stay; the kept one says what happened.
    history = keep.history.order_by("-history_date", "-history_id")
    assert history[0].history_change_reason.startswith("Merged ")
    assert history[0].history_change_reason.endswith(" into this")
    assert history[0].history_user == merger
    removed_history = Organisation.history.filter(id=removed_pk)
    assert removed_history.filter(history_type="+").exists()
    assert (
        removed_history.filter(history_type="-")
        .get()
        .history_change_reason.startswith("Merged into")
    )


def test_a_merge_that_fails_changes_nothing(merger):
    first = organisation()
    RegistrationFactory(organisation=first)

    with pytest.raises(ValidationError):
        organisations_merge(keep=first, remove=first, merged_by=merger)

    assert Registration.objects.get().organisation == first
    assert not MergeRecord.objects.exists()


def test_merging_contacts_moves_the_focal_person_and_invitations(merger, django_user_model):
    kfa, other = organisation(), organisation()
    keep = contact(organisation=kfa, full_name="Sok Dara", email="dara@kfa.org", phone="")
    remove = contact(organisation=other, full_name="Sok Dara", email="", phone="012 345 678")
    invitation = EventInvitationFactory(contact=remove)
    focal_person = FocalPerson.objects.create(
        contact=remove, user=django_user_model.objects.create_user("dara")
    )

    result = contacts_merge(keep=keep, remove=remove, merged_by=merger)

    keep.refresh_from_db()
    assert not Contact.objects.filter(pk=remove.pk).exists()
    assert keep.organisation == kfa
    assert (keep.email, keep.phone) == ("dara@kfa.org", "012 345 678")
    assert EventInvitation.objects.get(pk=invitation.pk).contact == keep
    assert FocalPerson.objects.get(pk=focal_person.pk).contact == keep
    assert result.record.kind == "contact"
    assert result.record.moved == {
        "accounts.FocalPerson.contact": 1,
        "events.EventInvitation.contact": 1,
    }


def test_two_focal_persons_keep_the_kept_contacts_and_record_the_other(merger, django_user_model):
    keep, remove = contact(full_name="Sok Dara"), contact(full_name="Sok Dara")
    kept_person = FocalPerson.objects.create(
        contact=keep, user=django_user_model.objects.create_user("one")
    )
    FocalPerson.objects.create(contact=remove, user=django_user_model.objects.create_user("two"))
    removed_pk = remove.pk

    result = contacts_merge(keep=keep, remove=remove, merged_by=merger)

    assert FocalPerson.objects.get() == kept_person
    [dropped] = result.record.dropped
    assert dropped["relation"] == "accounts.FocalPerson.contact"
    assert dropped["row"]["fields"]["contact"] == removed_pk


# --- The staff pages ---------------------------------------------------------------------------


def merge_url(first, second, kind="organisation", language="en"):
    return f"/{language}/admin/members/{kind}/duplicates/{first.pk}/{second.pk}/"


@pytest.mark.parametrize("kind", ["organisation", "contact"])
def test_anonymous_people_are_sent_to_sign_in(client, kind):
    records = [organisation(), organisation()] if kind == "organisation" else [contact(), contact()]
    for url in (f"/en/admin/members/{kind}/duplicates/", merge_url(*records, kind=kind)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "codenames",
    [
        [],
        ["view_organisation", "change_organisation", "view_contact", "change_contact"],
        ["view_organisation", "delete_organisation", "view_contact", "delete_contact"],
    ],
)
@pytest.mark.parametrize("kind", ["organisation", "contact"])
def test_staff_without_change_and_delete_permission_get_403(
    client, django_user_model, codenames, kind
):
    records = [organisation(), organisation()] if kind == "organisation" else [contact(), contact()]
    client.force_login(user_with(django_user_model, *codenames))
    before = (Organisation.objects.count(), Contact.objects.count())
    for url in (f"/en/admin/members/{kind}/duplicates/", merge_url(*records, kind=kind)):
        assert client.get(url).status_code == 403
    assert client.post(merge_url(*records, kind=kind), {"keep": records[0].pk}).status_code == 403
    assert (Organisation.objects.count(), Contact.objects.count()) == before


@pytest.mark.parametrize("language", ["en", "km"])
def test_the_list_shows_pairs_with_their_reasons(client, merger, language):
    first = organisation(
        acronym="KFA", name_en="Kampot Farmers Association", name_km="សមាគមកសិករកំពត"
    )
    second = organisation(acronym="K.F.A", name_en="KFA Kampot", name_km="កសិករកំពត")
    client.force_login(merger)

    response = client.get(ORGANISATION_DUPLICATES.format(language=language))

    assert response.status_code == 200
    text = response.text
    assert f'<html lang="{language}"' in text
    if language == "km":
        assert "សមាគមកសិករកំពត" in text and "កសិករកំពត" in text
    else:
        assert "Kampot Farmers Association" in text and "KFA Kampot" in text
    assert "KFA" in text
    assert f'href="/{language}/admin/members/organisation/duplicates/{first.pk}/{second.pk}/"' in (
        text
    )
    if language == "en":
        assert "Same acronym: KFA" in text


@pytest.mark.parametrize("kind", ["organisation", "contact"])
def test_ccc_staff_may_merge_and_coordinators_may_not(client, staff_user, coordinator, kind):
    changelist = f"/en/admin/members/{kind}/"
    duplicates = f"/en/admin/members/{kind}/duplicates/"
    client.force_login(staff_user)
    assert f'href="{duplicates}"' in client.get(changelist).text
    assert client.get(duplicates).status_code == 200
    client.force_login(coordinator)
    assert duplicates not in client.get(changelist).text
    assert client.get(duplicates).status_code == 403


def test_the_merge_record_is_there_to_read(client, staff_user, merger):
    keep, remove = organisation(), organisation()
    organisations_merge(keep=keep, remove=remove, merged_by=merger)
    record = MergeRecord.objects.get()
    client.force_login(staff_user)

    assert client.get("/en/admin/members/mergerecord/").status_code == 200
    page = client.get(f"/en/admin/members/mergerecord/{record.pk}/change/")
    assert page.status_code == 200
    assert remove.slug in page.text
    assert client.post(f"/en/admin/members/mergerecord/{record.pk}/delete/").status_code == 403
    assert MergeRecord.objects.exists()


def test_contact_duplicates_page(client, merger):
    first = contact(full_name="Sok Dara")
    second = contact(full_name="sok dara")
    client.force_login(merger)

    response = client.get(CONTACT_DUPLICATES.format(language="en"))

    assert response.status_code == 200
    assert "Same name: Sok Dara" in response.text
    assert str(first.organisation) in response.text
    assert merge_url(first, second, kind="contact") in response.text


@pytest.mark.parametrize("language", ["en", "km"])
def test_the_merge_screen_compares_and_changes_nothing(client, merger, two_entries, language):
    keep, remove, _sectors, _rows = two_entries
    client.force_login(merger)

    response = client.get(merge_url(keep, remove, language=language))

    assert response.status_code == 200
    text = response.text
    assert "Kampot Farmers Association" in text and "សមាគមកសិករកំពត" in text
    assert "csrfmiddlewaretoken" in text
    assert f'value="{keep.pk}"' in text and f'value="{remove.pk}"' in text
    if language == "en":
        assert "Registrations" in text and "Network memberships" in text
    assert Organisation.objects.count() == 2
    assert not MergeRecord.objects.exists()
    assert Registration.objects.filter(organisation=remove).count() == 2


def test_confirming_merges_and_shows_the_kept_record(client, merger, two_entries):
    keep, remove, _sectors, _rows = two_entries
    client.force_login(merger)

    response = client.post(merge_url(keep, remove), {"keep": keep.pk}, follow=True)

    assert response.redirect_chain[-1][0] == f"/en/admin/members/organisation/{keep.pk}/change/"
    assert not Organisation.objects.filter(pk=remove.pk).exists()
    assert "is merged into this record" in response.text
    assert "were not moved because this record has its own" in response.text
    assert MergeRecord.objects.get().merged_by == merger


def test_staff_may_keep_the_newer_record(client, merger):
    older, newer = organisation(), organisation()
    client.force_login(merger)

    response = client.post(merge_url(older, newer), {"keep": newer.pk})

    assert response.status_code == 302
    assert list(Organisation.objects.all()) == [newer]


def test_contact_merge_screen(client, merger):
    keep, remove = contact(full_name="Sok Dara"), contact(full_name="Sok Dara")
    client.force_login(merger)

    assert client.get(merge_url(keep, remove, kind="contact")).status_code == 200
    response = client.post(merge_url(keep, remove, kind="contact"), {"keep": remove.pk})

    assert response.status_code == 302
    assert response["Location"] == f"/en/admin/members/contact/{remove.pk}/change/"
    assert list(Contact.objects.all()) == [remove]


@pytest.mark.parametrize("keep", ["", "abc", "999999"])
def test_a_bad_choice_gets_the_screen_again_and_merges_nothing(client, merger, keep):
    first, second = organisation(), organisation()
    client.force_login(merger)

    response = client.post(merge_url(first, second), {"keep": keep})

    assert response.status_code == 400
    assert 'class="errorlist' in response.text
    assert Organisation.objects.count() == 2
    assert not MergeRecord.objects.exists()


def test_bad_ids_give_404(client, merger):
    first = organisation()
    client.force_login(merger)

    for url in (
        f"/en/admin/members/organisation/duplicates/{first.pk}/999999/",
        f"/en/admin/members/organisation/duplicates/{first.pk}/{first.pk}/",
        "/en/admin/members/contact/duplicates/999998/999999/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"keep": first.pk}).status_code == 404
    assert Organisation.objects.filter(pk=first.pk).exists()
