"""A focal person proposes changes to their organisation's entry; the public entry changes only
when CCC staff approve, and the history says who proposed and who approved."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from accounts.models import FocalPerson, ProfileChange
from accounts.proposals import (
    profile_change_approve,
    profile_change_propose,
    profile_change_reject,
)
from members.models import Organisation
from tests.factories import ContactFactory, OrganisationFactory, ProvinceFactory, SectorFactory

pytestmark = pytest.mark.django_db

FORM_URL = "accounts:profile-change"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def make_focal_person(organisation, **contact):
    from django.contrib.auth import get_user_model

    contact = ContactFactory(organisation=organisation, **contact)
    user = get_user_model().objects.create_user(username=f"focal-{contact.pk}", email=contact.email)
    user.set_unusable_password()
    user.save()
    return FocalPerson.objects.create(contact=contact, user=user)


@pytest.fixture
def organisation():
    return OrganisationFactory(
        name_en="Kampot Farmers Association",
        name_km="សមាគមកសិករកំពត",
        website="https://kfa.example.org",
    )


@pytest.fixture
def focal_person(organisation):
    return make_focal_person(organisation, full_name="Sok Dara", email="dara@kfa.example.org")


@pytest.fixture
def focal_client(client, focal_person):
    client.force_login(focal_person.user)
    return client


def reviewer(django_user_model, username="reviewer", *codenames):
    user = django_user_model.objects.create_user(
        username, f"{username}@ccc.example.org", "pw", is_staff=True, first_name=username.title()
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
    )
    return user


@pytest.fixture
def staff_reviewer(django_user_model):
    return reviewer(django_user_model, "reviewer", "change_profilechange", "view_profilechange")


@pytest.fixture
def staff_without_permission(django_user_model):
    return reviewer(django_user_model, "nobody")


def form_data(organisation, **changes):
    data = {
        "name_km": organisation.name_km,
        "name_en": organisation.name_en,
        "description_km": organisation.description_km or "",
        "description_en": organisation.description_en or "",
        "website": organisation.website,
        "email": organisation.email,
        "phone": organisation.phone,
        "sectors": [sector.pk for sector in organisation.sectors.all()],
        "provinces": [province.pk for province in organisation.provinces.all()],
    }
    data.update(changes)
    return data


def png(width=40, height=20, noise=False):
    if noise:
        import os

        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), "navy")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def public_page(client, organisation):
    client.logout()
    return client.get(organisation.get_absolute_url())


def propose(organisation, focal_person, **data):
    return profile_change_propose(
        organisation=organisation, proposed_by=focal_person.user, data=data
    )


def approve_url(change):
    return reverse("admin:accounts_profilechange_approve", args=[change.pk])


def reject_url(change):
    return reverse("admin:accounts_profilechange_reject", args=[change.pk])


def review_url(change):
    return reverse("admin:accounts_profilechange_change", args=[change.pk])


# The focal person's form


@pytest.mark.parametrize("language", ["km", "en"])
def test_form_starts_from_the_entry(focal_client, organisation, language):
    with translation.override(language):
        response = focal_client.get(reverse(FORM_URL))
    assert response.status_code == 200
    assert "សមាគមកសិករកំពត" in response.text
    assert 'value="https://kfa.example.org"' in response.text


def test_proposal_leaves_the_public_page_unchanged_until_approved(
    client, focal_client, organisation, staff_reviewer
):
    sector = SectorFactory(name_en="Agriculture", name_km="កសិកម្ម")
    response = focal_client.post(
        reverse(FORM_URL),
        form_data(organisation, name_en="Kampot Farmers Network", sectors=[sector.pk]),
    )
    assert response.status_code == 302

    change = ProfileChange.objects.get()
    assert change.status == ProfileChange.Status.PENDING
    assert change.after == {"name_en": "Kampot Farmers Network", "sectors": [sector.pk]}
    assert change.before == {"name_en": "Kampot Farmers Association", "sectors": []}
    page = focal_client.get(reverse(FORM_URL))
    assert "Waiting for CCC staff to review" in page.text
    assert "Kampot Farmers Network" in page.text
    assert "Agriculture" in page.text
    public = public_page(client, organisation)
    assert "Kampot Farmers Association" in public.text
    assert "Kampot Farmers Network" not in public.text

    client.force_login(staff_reviewer)
    assert client.post(approve_url(change)).status_code == 302
    public = public_page(client, organisation)
    assert "Kampot Farmers Network" in public.text
    assert "Agriculture" in public.text
    assert "Kampot Farmers Association" not in public.text


def test_form_shows_the_pending_proposal(focal_client, organisation, focal_person):
    propose(organisation, focal_person, name_en="Kampot Farmers Network")
    response = focal_client.get(reverse(FORM_URL))
    assert 'value="Kampot Farmers Network"' in response.text


def test_a_new_proposal_withdraws_the_pending_one(organisation, focal_person):
    first = propose(organisation, focal_person, name_en="First idea")
    second = propose(organisation, focal_person, name_en="Second idea")
    first.refresh_from_db()
    assert first.status == ProfileChange.Status.WITHDRAWN
    assert second.status == ProfileChange.Status.PENDING
    assert list(ProfileChange.objects.pending()) == [second]


def test_nothing_different_is_refused(focal_client, organisation, focal_person):
    response = focal_client.post(reverse(FORM_URL), form_data(organisation))
    assert response.status_code == 400
    assert "nothing for CCC staff to review" in response.text
    assert not ProfileChange.objects.exists()
    with pytest.raises(ValidationError):
        propose(organisation, focal_person, name_en=organisation.name_en)


def test_posting_another_organisation_changes_only_ones_own(client, focal_client, organisation):
    other = OrganisationFactory(name_en="Other Organisation")
    make_focal_person(other)
    response = focal_client.post(
        reverse(FORM_URL),
        {**form_data(organisation, name_en="Renamed"), "organisation": other.pk, "pk": other.pk},
    )
    assert response.status_code == 302
    change = ProfileChange.objects.get()
    assert change.organisation == organisation
    assert not other.profile_changes.exists()
    assert "Other Organisation" not in focal_client.get(reverse(FORM_URL)).text


def test_another_focal_person_does_not_see_the_proposal(client, organisation, focal_person):
    propose(organisation, focal_person, name_en="Secret new name")
    other = make_focal_person(OrganisationFactory())
    client.force_login(other.user)
    response = client.get(reverse(FORM_URL))
    assert response.status_code == 200
    assert "Secret new name" not in response.text
    assert organisation.name_en not in response.text


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse(FORM_URL))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert client.post(reverse(FORM_URL), {"name_en": "x"}).status_code == 302
    assert not ProfileChange.objects.exists()


@pytest.mark.parametrize("how", ["revoked", "inactive"])
def test_revoked_focal_person_is_sent_to_sign_in(client, organisation, focal_person, how):
    if how == "revoked":
        FocalPerson.objects.filter(pk=focal_person.pk).update(revoked_at=timezone.now())
    else:
        focal_person.user.is_active = False
        focal_person.user.save()
    client.force_login(focal_person.user)
    response = client.post(reverse(FORM_URL), form_data(organisation, name_en="Renamed"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert not ProfileChange.objects.exists()


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (SimpleUploadedFile("logo.png", b"not an image at all"), "must be an image"),
        (SimpleUploadedFile("logo.png", png(1000, 1000, noise=True)), "the limit is 2"),
        (SimpleUploadedFile("logo.png", png(4001, 10)), "at most 4000"),
    ],
    ids=["not-an-image", "too-many-bytes", "too-many-pixels"],
)
def test_bad_logo_is_refused_with_the_reason(focal_client, organisation, media, upload, reason):
    response = focal_client.post(
        reverse(FORM_URL), {**form_data(organisation, name_en="Renamed"), "logo": upload}
    )
    assert response.status_code == 400
    assert reason in response.text
    assert not ProfileChange.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_bad_website_is_refused(focal_client, organisation):
    response = focal_client.post(
        reverse(FORM_URL), form_data(organisation, website="not a web address")
    )
    assert response.status_code == 400
    assert "Enter a web address" in response.text
    assert not ProfileChange.objects.exists()


def test_logo_is_kept_aside_then_moved_into_place(
    focal_client, organisation, staff_reviewer, media
):
    response = focal_client.post(
        reverse(FORM_URL),
        {**form_data(organisation), "logo": SimpleUploadedFile("my logo.png", png())},
    )
    assert response.status_code == 302
    change = ProfileChange.objects.get()
    assert change.logo.name.startswith("logo-proposals/")
    organisation.refresh_from_db()
    assert not organisation.logo
    assert "Sending the form again replaces the logo" in focal_client.get(reverse(FORM_URL)).text

    staff = Client()
    staff.force_login(staff_reviewer)
    review = staff.get(review_url(change))
    assert change.logo.url in review.text
    staff.post(approve_url(change))
    organisation.refresh_from_db()
    assert organisation.logo.name.startswith("logos/")
    assert (media / organisation.logo.name).read_bytes() == png()
    assert organisation.logo.url in focal_client.get(reverse(FORM_URL)).text


# Staff review


def test_approval_is_in_the_history_with_proposer_and_approver(
    client, organisation, focal_person, staff_reviewer, admin_user
):
    change = propose(organisation, focal_person, name_en="Kampot Farmers Network")
    client.force_login(staff_reviewer)
    client.post(approve_url(change))

    change.refresh_from_db()
    assert change.status == ProfileChange.Status.APPROVED
    assert change.decided_by == staff_reviewer
    record = organisation.history.order_by("-history_date", "-history_id").first()
    assert record.name_en == "Kampot Farmers Network"
    assert record.history_user == staff_reviewer
    assert record.history_change_reason == "Proposed by Sok Dara, approved by Reviewer"
    client.force_login(admin_user)
    history = client.get(reverse("admin:members_organisation_history", args=[organisation.pk]))
    assert "Proposed by Sok Dara, approved by Reviewer" in history.text


def test_rejection_keeps_the_entry_and_tells_the_reason(
    client, focal_client, organisation, focal_person, staff_reviewer
):
    change = propose(organisation, focal_person, name_en="Kampot Farmers Network")
    staff = Client()
    staff.force_login(staff_reviewer)
    response = staff.post(reject_url(change), {"reason": "Please keep the registered name."})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ProfileChange.Status.REJECTED
    assert change.decision_reason == "Please keep the registered name."
    organisation.refresh_from_db()
    assert organisation.name_en == "Kampot Farmers Association"
    page = focal_client.get(reverse(FORM_URL))
    assert "were not approved" in page.text
    assert "Please keep the registered name." in page.text


def test_rejection_needs_a_reason(client, organisation, focal_person, staff_reviewer):
    change = propose(organisation, focal_person, name_en="Kampot Farmers Network")
    client.force_login(staff_reviewer)
    response = client.post(reject_url(change), {"reason": "  "})
    assert response.status_code == 400
    assert "Say why" in response.text
    change.refresh_from_db()
    assert change.status == ProfileChange.Status.PENDING


def test_review_page_shows_both_sides(client, organisation, focal_person, staff_reviewer):
    province = ProvinceFactory(code="KH-7", name_en="Kampot", name_km="កំពត")
    change = profile_change_propose(
        organisation=organisation,
        proposed_by=focal_person.user,
        data={"name_km": "បណ្តាញកសិករកំពត", "provinces": [province.pk]},
    )
    client.force_login(staff_reviewer)
    response = client.get(review_url(change))
    assert response.status_code == 200
    assert "សមាគមកសិករកំពត" in response.text
    assert "បណ្តាញកសិករកំពត" in response.text
    assert "Kampot" in response.text
    assert "Sok Dara" in response.text
    assert "Approve and publish" in response.text


def test_entry_changed_since_the_proposal_needs_confirmation(
    client, organisation, focal_person, staff_reviewer
):
    change = propose(organisation, focal_person, name_en="Kampot Farmers Network")
    Organisation.objects.filter(pk=organisation.pk).update(name_en="Changed by staff")
    client.force_login(staff_reviewer)
    response = client.post(approve_url(change))
    assert response.status_code == 409
    assert "The entry has changed since this was proposed" in response.text
    assert 'name="force"' in response.text
    organisation.refresh_from_db()
    assert organisation.name_en == "Changed by staff"

    assert client.post(approve_url(change), {"force": "1"}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.name_en == "Kampot Farmers Network"


def test_a_decided_proposal_is_not_decided_again(
    client, organisation, focal_person, staff_reviewer
):
    change = propose(organisation, focal_person, name_en="Kampot Farmers Network")
    profile_change_reject(change=change, decided_by=staff_reviewer, reason="No.")
    with pytest.raises(ValidationError):
        profile_change_approve(change=change, decided_by=staff_reviewer)
    client.force_login(staff_reviewer)
    assert client.post(approve_url(change)).status_code == 409
    organisation.refresh_from_db()
    assert organisation.name_en == "Kampot Farmers Association"


def test_get_on_approve_changes_nothing(client, organisation, focal_person, staff_reviewer):
    change = propose(organisation, focal_person, name_en="Kampot Farmers Network")
    client.force_login(staff_reviewer)
    assert client.get(approve_url(change)).status_code == 405
    assert client.get(reject_url(change)).status_code == 405
    change.refresh_from_db()
    assert change.status == ProfileChange.Status.PENDING
    organisation.refresh_from_db()
    assert organisation.name_en == "Kampot Farmers Association"


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_decisions_by_role(
    client, organisation, focal_person, staff_reviewer, staff_without_permission, decision
):
    change = propose(organisation, focal_person, name_en="Kampot Farmers Network")
    url = approve_url(change) if decision == "approve" else reject_url(change)
    data = {"reason": "Not this time."}

    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

    client.force_login(staff_without_permission)
    assert client.post(url, data).status_code == 403
    assert client.get(review_url(change)).status_code == 403
    change.refresh_from_db()
    assert change.status == ProfileChange.Status.PENDING

    client.force_login(staff_reviewer)
    assert client.get(review_url(change)).status_code == 200
    assert client.post(url, data).status_code == 302
    change.refresh_from_db()
    assert change.status != ProfileChange.Status.PENDING


def test_view_only_staff_see_but_cannot_decide(
    client, django_user_model, organisation, focal_person
):
    viewer = reviewer(django_user_model, "viewer", "view_profilechange")
    change = propose(organisation, focal_person, name_en="Kampot Farmers Network")
    client.force_login(viewer)
    response = client.get(review_url(change))
    assert response.status_code == 200
    assert "Approve and publish" not in response.text
    assert client.post(approve_url(change)).status_code == 403


def test_list_opens_on_pending_proposals(client, organisation, focal_person, staff_reviewer):
    decided = propose(organisation, focal_person, name_en="Old idea")
    profile_change_reject(change=decided, decided_by=staff_reviewer, reason="No.")
    other = OrganisationFactory(name_en="Battambang Youth")
    propose(other, make_focal_person(other), name_en="Battambang Youth Network")
    client.force_login(staff_reviewer)
    changelist = reverse("admin:accounts_profilechange_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    assert "Battambang Youth" in response.text
    assert "Kampot Farmers" not in response.text
    everything = client.get(changelist, {"status": "all"})
    assert "Kampot Farmers" in everything.text


# Services


def test_approval_sets_sectors_provinces_and_contacts(organisation, focal_person, admin_user):
    kept, dropped, added = SectorFactory(), SectorFactory(), SectorFactory()
    organisation.sectors.set([kept, dropped])
    province = ProvinceFactory(code="KH-12")
    change = propose(
        organisation,
        focal_person,
        sectors=[kept, added],
        provinces=[province.pk],
        email="info@kfa.example.org",
        phone="023 214 152",
    )
    assert change.before["sectors"] == sorted([kept.pk, dropped.pk])
    profile_change_approve(change=change, decided_by=admin_user)
    organisation.refresh_from_db()
    assert set(organisation.sectors.all()) == {kept, added}
    assert list(organisation.provinces.all()) == [province]
    assert (organisation.email, organisation.phone) == ("info@kfa.example.org", "023 214 152")


def test_bad_values_are_refused_by_the_service_too(organisation, focal_person):
    with pytest.raises(ValidationError) as refused:
        propose(organisation, focal_person, website="javascript:alert(1)", name_km=" ")
    assert set(refused.value.message_dict) == {"website", "name_km"}
    assert not ProfileChange.objects.exists()


def test_phone_must_be_a_cambodian_number(focal_client, organisation):
    response = focal_client.post(reverse(FORM_URL), form_data(organisation, phone="hello"))
    assert response.status_code == 400
    assert "Enter a Cambodian phone number" in response.text
    assert not ProfileChange.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_proposals_and_decisions_at_once_leave_one_pending(postgresql, django_user_model):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    organisation = OrganisationFactory()
    focal_person = make_focal_person(organisation)
    staff = django_user_model.objects.create_user("approver", is_staff=True)
    first = propose(organisation, focal_person, name_en="Proposal 0")
    workers = 12
    start = threading.Barrier(workers)

    def act(index):
        try:
            start.wait(timeout=30)
            if index % 3 == 0:
                profile_change_approve(change=first, decided_by=staff)
            else:
                propose(organisation, focal_person, name_en=f"Proposal {index}")
            return "done"
        except ValidationError as error:
            return error.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(act, range(workers)))

    assert set(outcomes) <= {"done", "not_pending"}
    assert ProfileChange.objects.pending().count() == 1
    assert ProfileChange.objects.filter(status=ProfileChange.Status.APPROVED).count() <= 1


def test_long_slug_keeps_the_proposed_logo_name_unguessable(focal_person, organisation):
    Organisation.objects.filter(pk=organisation.pk).update(slug="a" * 200)
    organisation.refresh_from_db()
    change = profile_change_propose(
        organisation=organisation,
        proposed_by=focal_person.user,
        data={},
        logo=SimpleUploadedFile("logo.png", png()),
    )
    assert len(change.logo.name) <= 100
    assert not change.logo.name.startswith("logo-proposals/aaaa")


@pytest.mark.parametrize(("role", "status"), [("coordinator", 403), ("staff_user", 302)])
def test_staff_groups_decide_as_promised(request, organisation, focal_person, role, status):
    """CCC staff review the register, proposals included; event coordinators do not."""
    change = propose(organisation, focal_person, name_en="Kampot Farmers Network")
    staff = Client()
    staff.force_login(request.getfixturevalue(role))
    assert staff.post(approve_url(change)).status_code == status
    change.refresh_from_db()
    assert (change.status == ProfileChange.Status.APPROVED) == (status == 302)
