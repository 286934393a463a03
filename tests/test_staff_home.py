"""The admin's home is a staff desk: it opens on what needs attention (the coming events, failed
emails, MoUs ending soon, lapsed members, work in progress), each block only for those who may
view it, in Khmer with Khmer digits on the Khmer site."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from core.models import StaffJob
from desk import dashboard
from events.models import (
    Event,
    EventMessage,
    EventMessageDelivery,
    Registration,
    RegistrationNotice,
    ReminderDelivery,
    ReminderRule,
)
from members.models import Organisation
from networks.models import MoUDigest, MoUDigestDelivery
from tests.factories import EventFactory, MoUFactory, OrganisationFactory, RegistrationFactory
from tests.test_khmer_admin import problems

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def desk_html(response):
    html = response.content.decode()
    start = html.index('<div class="desk">')
    return html[start : html.index('<div class="desk-apps">', start)]


@pytest.fixture
def attention():
    """One of each thing the desk shows, and one of each it must leave out."""
    now = timezone.now()
    soon = EventFactory(
        title_en="Forum in ten days",
        title_km="វេទិកាដប់ថ្ងៃ",
        starts_at=now + 10 * DAY,
        ends_at=now + 10 * DAY + datetime.timedelta(hours=3),
        # Noon in Phnom Penh five calendar days on, whatever the hour the test runs.
        registration_closes_at=timezone.localtime(now).replace(hour=12, minute=0) + 5 * DAY,
        capacity=40,
    )
    confirmed = RegistrationFactory.create_batch(3, event=soon)
    RegistrationFactory.create_batch(2, event=soon, status=Registration.Status.WAITING)
    rule = ReminderRule.objects.create(event=soon, offset=DAY)
    ReminderDelivery.objects.create(registration=confirmed[0], rule=rule, status="failed")
    ReminderDelivery.objects.create(registration=confirmed[1], rule=rule, status="pending")
    ReminderDelivery.objects.create(registration=confirmed[2], rule=rule, status="pending")
    RegistrationNotice.objects.create(registration=confirmed[0], kind="confirmed", status="failed")
    RegistrationNotice.objects.create(registration=confirmed[1], kind="confirmed", status="sent")
    EventFactory(title_en="Forum in ninety days", starts_at=now + 90 * DAY)
    EventFactory(title_en="Forum last week", starts_at=now - 7 * DAY)
    EventFactory(title_en="Cancelled forum", starts_at=now + 3 * DAY, status=Event.Status.CANCELLED)
    today = timezone.localdate()
    MoUFactory(title_en="MoU ending in a month", ends_on=today + 30 * DAY)
    MoUFactory(title_en="MoU ending next year", ends_on=today + 400 * DAY)
    OrganisationFactory(
        name_en="Lapsed Farmers Association",
        acronym="LFA",
        membership_status=Organisation.MembershipStatus.LAPSED,
    )
    StaffJob.objects.create(title="Import of contacts", total=2000, status="running")
    StaffJob.objects.create(title="Finished import", total=10, done=10, status="done")
    message = EventMessage.objects.create(event=soon, subject="Bring your laptop")
    EventMessageDelivery.objects.create(message=message, registration=confirmed[0])
    EventMessageDelivery.objects.create(message=message, registration=confirmed[1], status="sent")
    done = EventMessage.objects.create(event=soon, subject="All sent already")
    EventMessageDelivery.objects.create(message=done, registration=confirmed[0], status="sent")
    digest = MoUDigest.objects.create()
    MoUDigestDelivery.objects.create(
        digest=digest, week="2026-W48", recipient="staff@example.org", status="failed"
    )
    return soon


def test_anonymous_visitors_are_sent_to_the_login(client):
    for language in ("km", "en"):
        response = client.get(f"/{language}/admin/")
        assert response.status_code == 302
        assert f"/{language}/admin/login/" in response["Location"]


def test_each_block_holds_the_right_items(attention, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    with translation.override("en"):
        desk = dashboard.desk(boss)

    events = desk["events"]
    assert [row["title"] for row in events["rows"]] == ["Forum in ten days"]
    row = events["rows"][0]
    assert (row["confirmed"], row["capacity"], row["waiting"]) == (3, 40, 2)
    assert row["closes_in_days"] == 5
    assert (row["reminders_pending"], row["reminders_failed"]) == (2, 1)

    assert {row["label"]: row["count"] for row in desk["failed_emails"]["rows"]} == {
        "registration notices": 1,
        "reminder deliveries": 1,
        "MoU digest deliveries": 1,
    }
    assert desk["failed_emails"]["rows"][0]["url"] == (
        "/en/admin/events/registrationnotice/?status__exact=failed"
    )

    assert [row["title"] for row in desk["mous"]["rows"]] == ["MoU ending in a month"]
    assert desk["mous"]["rows"][0]["days_left"] == 30
    assert desk["mous"]["url"] == "/en/admin/networks/mou/?status=expiring"

    lapsed = desk["lapsed"]
    assert [row["name"] for row in lapsed["rows"]] == ["Lapsed Farmers Association (LFA)"]
    assert lapsed["url"] == "/en/admin/members/organisation/?membership_status__exact=lapsed"
    assert lapsed["behind_url"] == "/en/admin/members/membershipdues/lapsed/"

    in_progress = desk["in_progress"]
    assert [job["title"] for job in in_progress["jobs"]] == ["Import of contacts"]
    assert [(m["subject"], m["pending"]) for m in in_progress["messages"]] == [
        ("Bring your laptop", 1)
    ]
    assert [link["url"] for link in in_progress["links"]] == [
        "/en/admin/core/staffjob/",
        "/en/admin/events/eventmessage/",
        "/en/privacy/retention/",
    ]


def test_the_english_home_page_says_it_plainly(attention, admin_client):
    html = desk_html(admin_client.get("/en/admin/"))
    assert "Forum in ten days" in html and "Forum in ninety days" not in html
    assert "Cancelled forum" not in html and "Forum last week" not in html
    assert "3 confirmed of 40 seats" in html
    assert "2 on the waiting list" in html
    assert "Registration closes in 5 days" in html
    assert "Reminders still to send: 2" in html and "Reminders failed: 1" in html
    assert 'href="/en/admin/events/reminderdelivery/?status__exact=failed"' in html
    assert 'href="/en/admin/networks/moudigestdelivery/?status__exact=failed"' in html
    assert "MoU ending in a month" in html and "MoU ending next year" not in html
    assert "Lapsed Farmers Association" in html
    assert "Import of contacts" in html and "Finished import" not in html
    assert "Bring your laptop" in html and "All sent already" not in html


def test_empty_blocks_say_there_is_nothing(admin_client):
    html = desk_html(admin_client.get("/en/admin/"))
    assert "No events in the next 60 days." in html
    assert "No emails need a decision." in html
    assert "No MoU ends in the next 90 days." in html
    assert "No lapsed members." in html
    assert "No imports or messages in progress." in html


def test_the_khmer_home_page_has_khmer_digits_and_dates(attention, admin_client):
    response = admin_client.get("/km/admin/")
    assert response.status_code == 200
    html = desk_html(response)
    assert "វេទិកាដប់ថ្ងៃ" in html
    assert "៤០" in html and "ខែ" in html
    assert [found for found in problems(html, words=False) if "digits" in found] == []
    # The stock list of sections is still there, below the desk.
    assert 'class="app-events module' in response.content.decode()


def test_staff_see_every_block(attention, client, staff_user):
    client.force_login(staff_user)
    html = desk_html(client.get("/en/admin/"))
    for block in ("desk-events", "desk-emails", "desk-mous", "desk-lapsed", "desk-progress"):
        assert block in html
    assert "/en/admin/members/membershipdues/lapsed/" in html
    assert "moudigestdelivery" in html


def test_coordinators_see_only_what_their_permissions_allow(attention, client, coordinator):
    client.force_login(coordinator)
    response = client.get("/en/admin/")
    assert response.status_code == 200
    html = desk_html(response)
    assert "Forum in ten days" in html
    assert "reminderdelivery/?status__exact=failed" in html
    # No MoUs, no MoU digests, no dues for coordinators.
    assert "desk-mous" not in html and "MoU ending in a month" not in html
    assert "moudigestdelivery" not in html
    assert "membershipdues/lapsed" not in html
    assert "Bring your laptop" in html and "Import of contacts" in html


def test_staff_without_any_group_see_no_block(attention, client):
    user = get_user_model().objects.create_user("newcomer", password="pw", is_staff=True)
    client.force_login(user)
    response = client.get("/en/admin/")
    assert response.status_code == 200
    assert desk_html(response).count("<section") == 0


def test_a_section_page_has_no_desk(admin_client):
    html = admin_client.get("/en/admin/events/").content.decode()
    assert 'class="desk"' not in html


@pytest.mark.parametrize(
    "model",
    ["periodictask", "crontabschedule", "intervalschedule", "solarschedule", "clockedschedule"],
)
def test_schedules_are_for_superusers_only(client, admin_client, staff_user, coordinator, model):
    url = f"/en/admin/django_celery_beat/{model}/"
    assert f'href="{url}"' in admin_client.get("/en/admin/").content.decode()
    for user in (staff_user, coordinator):
        client.force_login(user)
        assert f'href="{url}"' not in client.get("/en/admin/").content.decode()
        assert client.get(url).status_code == 403


def test_staff_still_see_and_send_again_failed_emails(attention, client, staff_user):
    client.force_login(staff_user)
    url = "/en/admin/events/registrationnotice/?status__exact=failed"
    response = client.get(url)
    assert response.status_code == 200
    assert 'value="send_again"' in response.content.decode()
    failed = RegistrationNotice.objects.get(status="failed")
    response = client.post(
        url, {"action": "send_again", "_selected_action": [failed.pk]}, follow=True
    )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == "pending"


def test_the_events_block_lists_ten_and_counts_the_rest(admin_client):
    now = timezone.now()
    for day in range(1, 13):
        EventFactory(title_en=f"Weekly forum {day}", starts_at=now + day * DAY)
    html = desk_html(admin_client.get("/en/admin/"))
    assert html.count("Weekly forum") == 10 and "Weekly forum 11" not in html
    assert "And 2 more in these days." in html


def test_erasure_requests_awaiting_staff_are_on_the_desk(staff_user, coordinator):
    from privacy.data_requests import data_request_ask_erasure
    from privacy.models import DataRequest

    def request_links(user):
        return [
            link
            for link in dashboard.work_in_progress(user)["links"]
            if "datarequest" in link["url"]
        ]

    assert request_links(staff_user) == []
    data_request_ask_erasure(email="dara@example.org", source=DataRequest.Source.REGISTRANT)
    assert request_links(staff_user) == [
        {
            "label": "erasure requests awaiting confirmation: 1",
            "url": "/en/admin/privacy/datarequest/?status=awaiting",
        }
    ]
    assert request_links(coordinator) == []
