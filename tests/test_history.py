"""Every change to organisations, networks, MoUs and events is kept; a deleted record can be
restored from its history."""

import pytest

from members.models import Organisation
from tests.factories import EventFactory, MoUFactory, OrganisationFactory, ProvincialNetworkFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory", [OrganisationFactory, ProvincialNetworkFactory, MoUFactory, EventFactory]
)
def test_changes_are_recorded(factory):
    record = factory()
    record.save()
    assert record.history.count() == 2
    assert [h.history_type for h in record.history.order_by("history_date")] == ["+", "~"]


def test_who_changed_what_is_visible_in_the_admin(client, staff_user):
    organisation = OrganisationFactory(name_en="Old name")
    client.force_login(staff_user)
    data = {
        "name_km": organisation.name_km,
        "name_en": "New name",
        "acronym": organisation.acronym,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "membership_status": organisation.membership_status,
        "is_public": "on",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "email_domains-TOTAL_FORMS": 0,
        "email_domains-INITIAL_FORMS": 0,
    }
    response = client.post(f"/en/admin/members/organisation/{organisation.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = organisation.history.latest("history_date")
    assert latest.history_user == staff_user
    assert latest.name_en == "New name" and latest.prev_record.name_en == "Old name"
    page = client.get(f"/en/admin/members/organisation/{organisation.pk}/history/")
    assert page.status_code == 200 and "staff" in page.text


def test_a_deleted_organisation_is_listed_and_can_be_restored(client, staff_user):
    organisation = OrganisationFactory(name_en="Gone by mistake", name_km="បាត់")
    pk = organisation.pk
    organisation.delete()
    client.force_login(staff_user)
    listing = client.get("/en/admin/members/organisation/deleted/")
    assert "Gone by mistake" in listing.text
    version = Organisation.history.filter(id=pk, history_type="+").get()
    form_page = client.get(f"/en/admin/members/organisation/{pk}/history/{version.history_id}/")
    assert form_page.status_code == 200
    form = form_page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value not in (None, []) and name != "logo"
    }
    data.update(
        {
            "contacts-TOTAL_FORMS": 0,
            "contacts-INITIAL_FORMS": 0,
            "email_domains-TOTAL_FORMS": 0,
            "email_domains-INITIAL_FORMS": 0,
            "is_public": "on",
        }
    )
    response = client.post(
        f"/en/admin/members/organisation/{pk}/history/{version.history_id}/", data
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=pk).name_en == "Gone by mistake"


def test_deleted_lists_exist_for_networks_mous_and_events(client, staff_user):
    client.force_login(staff_user)
    for url in [
        "/en/admin/networks/provincialnetwork/deleted/",
        "/en/admin/networks/mou/deleted/",
        "/en/admin/events/event/deleted/",
    ]:
        assert client.get(url).status_code == 200
    assert "Deleted records" in client.get("/en/admin/members/organisation/").text
