"""Staff keep the register in the admin, in Khmer and English; bad input is refused clearly."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from events.models import Event, Registration
from networks.models import MoU
from tests.factories import (
    EventFactory,
    MoUFactory,
    OrganisationFactory,
    ProvincialNetworkFactory,
    RegistrationFactory,
)
from tests.helpers import event_form_data

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "members_province",
    "members_sector",
    "members_organisation",
    "networks_provincialnetwork",
    "networks_mou",
    "networks_supportproject",
    "events_eventtype",
    "events_eventseries",
    "events_event",
    "events_registration",
    "events_reminderdelivery",
]


@pytest.mark.parametrize("language", ["km", "en"])
@pytest.mark.parametrize("model", CHANGELISTS)
def test_every_changelist_opens_for_staff(client, staff_user, demo, model, language):
    client.force_login(staff_user)
    response = client.get(f"/{language}/admin/{model.replace('_', '/', 1)}/")
    assert response.status_code == 200
    assert f'lang="{language}"' in response.text


def test_admin_speaks_khmer(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/km/admin/")
    assert "អង្គការ" in response.text  # the Members app's models, in Khmer


def test_organisation_search_finds_khmer_fragments_and_acronyms(client, staff_user, demo):
    client.force_login(staff_user)
    url = "/en/admin/members/organisation/"
    assert "CDPO" in client.get(url, {"q": "ជនពិការ"}).text
    response = client.get(url, {"q": "hacc"})
    assert "HIV/AIDS Coordinating Committee" in response.text
    assert "NGO Education Partnership" not in response.text


def test_edit_form_shows_both_languages_side_by_side(client, staff_user):
    client.force_login(staff_user)
    organisation = OrganisationFactory()
    response = client.get(f"/en/admin/members/organisation/{organisation.pk}/change/")
    assert 'name="name_km"' in response.text
    assert 'name="name_en"' in response.text


def test_event_list_shows_confirmed_waiting_and_capacity(client, staff_user):
    client.force_login(staff_user)
    event = EventFactory(title_en="Counted forum", capacity=2)
    RegistrationFactory.create_batch(2, event=event, status=Registration.Status.CONFIRMED)
    RegistrationFactory(event=event, status=Registration.Status.WAITING)
    response = client.get("/en/admin/events/event/")
    row = next(line for line in response.text.split("<tr") if "Counted forum" in line)
    cells = [cell.split(">", 1)[1].split("<", 1)[0] for cell in row.split("<td")[1:]]
    assert cells[-4:-1] == ["2", "2", "1"]  # capacity, confirmed, waiting


def test_coordinator_runs_events_but_cannot_change_organisations(client, coordinator):
    organisation = OrganisationFactory(name_en="Untouched")
    client.force_login(coordinator)
    assert client.get("/en/admin/events/event/").status_code == 200
    change_url = f"/en/admin/members/organisation/{organisation.pk}/change/"
    response = client.post(change_url, {"name_en": "Changed", "name_km": "x"})
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name_en == "Untouched"
    assert client.get("/en/admin/networks/mou/").status_code == 403


@pytest.mark.parametrize("language", ["en", "km"])
def test_admin_refuses_an_event_that_ends_before_it_starts(client, staff_user, language):
    client.force_login(staff_user)
    event = EventFactory()
    before = timezone.localtime(event.starts_at) - datetime.timedelta(days=1)
    response = client.post(
        f"/{language}/admin/events/event/{event.pk}/change/",
        event_form_data(event, ends_at_0=before.strftime("%d/%m/%Y")),
    )
    assert response.status_code == 200
    with translation.override(language):
        expected = translation.gettext("An event must end after it starts.")
    assert language == "en" or expected != "An event must end after it starts."  # translated
    assert expected in response.text
    saved = Event.objects.get(pk=event.pk)
    assert saved.ends_at == event.ends_at


def test_admin_refuses_negative_capacity(client, staff_user):
    client.force_login(staff_user)
    event = EventFactory(capacity=20)
    response = client.post(
        f"/en/admin/events/event/{event.pk}/change/", event_form_data(event, capacity=-5)
    )
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.text
    assert Event.objects.get(pk=event.pk).capacity == 20


def test_admin_saves_a_valid_change(client, staff_user):
    client.force_login(staff_user)
    event = EventFactory(capacity=20)
    response = client.post(
        f"/en/admin/events/event/{event.pk}/change/", event_form_data(event, capacity=30)
    )
    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).capacity == 30


def mou_form_data(network, **overrides):
    data = {
        "title_km": "អនុស្សរណៈ",
        "title_en": "MoU",
        "network": network.pk,
        "signed_on": "01/01/2026",
        "starts_on": "02/01/2026",
        "ends_on": "01/01/2029",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("mou.pdf", b"not a pdf at all"), "Upload the signed MoU as a PDF"),
        (SimpleUploadedFile("mou.exe", b"%PDF-1.7 fake"), "Upload the signed MoU as a PDF"),
        (
            SimpleUploadedFile("big.pdf", b"%PDF-1.7" + b"0" * (10 * 1024 * 1024)),
            "the limit is 10.0",
        ),
    ],
)
def test_mou_upload_must_be_a_pdf_of_at_most_10_mb(client, staff_user, upload, message):
    client.force_login(staff_user)
    network = ProvincialNetworkFactory()
    response = client.post("/en/admin/networks/mou/add/", mou_form_data(network, document=upload))
    assert response.status_code == 200
    assert message in response.text
    assert not MoU.objects.exists()


def test_mou_with_a_pdf_is_saved(client, staff_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    client.force_login(staff_user)
    network = ProvincialNetworkFactory()
    upload = SimpleUploadedFile("signed.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    response = client.post("/en/admin/networks/mou/add/", mou_form_data(network, document=upload))
    assert response.status_code == 302
    assert MoU.objects.get().document.name.endswith(".pdf")


def test_admin_refuses_an_mou_that_ends_before_it_starts(client, staff_user):
    client.force_login(staff_user)
    mou = MoUFactory()
    response = client.post(
        f"/en/admin/networks/mou/{mou.pk}/change/",
        mou_form_data(mou.network, ends_on="01/01/2025", title_en=mou.title_en),
    )
    assert "An MoU must end after it starts." in response.text
    mou.refresh_from_db()
    assert mou.ends_on > mou.starts_on


def test_admin_refuses_a_duplicate_active_registration(client, staff_user):
    client.force_login(staff_user)
    existing = RegistrationFactory(email="dara@example.org")
    response = client.post(
        "/en/admin/events/registration/add/",
        {
            "event": existing.event_id,
            "full_name": "Someone Else",
            "gender": "male",
            "email": "Dara@example.org",
            "language": "km",
            "status": "confirmed",
            "organisation_name": "Other",
        },
    )
    assert response.status_code == 200
    assert "This email address is already registered for this event." in response.text
    assert Registration.objects.count() == 1


def test_staff_groups_exist_with_their_permissions(db):
    from django.contrib.auth.models import Group

    staff = Group.objects.get(name="CCC staff")
    coordinators = Group.objects.get(name="Event coordinators")
    assert staff.permissions.filter(codename="change_organisation").exists()
    assert coordinators.permissions.filter(codename="change_event").exists()
    assert not coordinators.permissions.filter(codename="change_organisation").exists()


def test_ccc_staff_hold_every_permission_of_the_register_even_for_later_models(db):
    from django.contrib.auth.models import Group, Permission

    staff = set(Group.objects.get(name="CCC staff").permissions.all())
    everything = set(
        Permission.objects.filter(
            content_type__app_label__in=[
                "members",
                "networks",
                "events",
                "core",
                "surveys",
                "accounts",
                "privacy",
            ]
        )
    )
    assert staff == everything
    assert any(p.codename == "view_membershipdues" for p in staff)


def test_celery_beat_schedules_are_hidden_from_staff_but_not_from_superusers(db, client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    for group in Group.objects.all():
        assert not group.permissions.filter(content_type__app_label="django_celery_beat").exists()
    User = get_user_model()
    staff = User.objects.create_user("staffer", password="x", is_staff=True)
    staff.groups.add(Group.objects.get(name="CCC staff"))
    client.force_login(staff)
    index = client.get("/en/admin/")
    assert "/admin/django_celery_beat/" not in index.text
    assert client.get("/en/admin/django_celery_beat/crontabschedule/").status_code == 403
    root = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    assert "/admin/django_celery_beat/" in client.get("/en/admin/").text
