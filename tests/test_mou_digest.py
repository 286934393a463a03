"""The weekly MoU expiry digest: what it lists, once a week, and through the outbox: a week
is only done when the server took the email; a refusal is kept for staff to send again."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core import outbox
from events.tasks import sweep_outbox
from networks.models import MoUDigest, MoUDigestDelivery
from networks.services import mou_expiry_digest_send
from networks.tasks import deliver_mou_digests, send_mou_expiry_digest
from tests.factories import MoUFactory
from tests.smtp import NO_SUCH_USER, TRY_LATER, smtp_server

pytestmark = pytest.mark.django_db
STAFF = "staff@example.org"


@pytest.fixture(autouse=True)
def staff_address(settings):
    settings.STAFF_NOTIFICATION_EMAILS = [STAFF]


@pytest.fixture
def smtp(settings):
    with smtp_server(settings) as handler:
        yield handler


def mou(title, ends_in_days):
    today = timezone.localdate()
    return MoUFactory(
        title_en=title,
        title_km=title,
        starts_on=today - datetime.timedelta(days=1000),
        ends_on=today + datetime.timedelta(days=ends_in_days),
    )


def test_digest_lists_expiring_and_newly_expired_mous():
    mou("Expiring soon", 30)
    mou("Far away", 400)
    mou("Just expired", -3)
    mou("Long expired", -200)
    digest = mou_expiry_digest_send(language="en")
    assert (digest.expiring_count, digest.expired_count) == (1, 1)
    assert mail.outbox == []  # owed, not yet sent
    deliver_mou_digests()
    (message,) = mail.outbox
    assert message.to == [STAFF]
    assert message.subject == "MoUs to renew: 1 expiring, 1 expired"
    assert "Expiring soon" in message.body and "Just expired" in message.body
    assert "Far away" not in message.body and "Long expired" not in message.body


def test_each_address_gets_its_own_copy(settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["a@example.org", "b@example.org"]
    send_mou_expiry_digest()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert set(MoUDigestDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_digest_goes_out_once_a_week_however_often_beat_runs():
    mou("Expiring soon", 30)
    first = send_mou_expiry_digest()
    assert (first["queued"], first["sent"]) == (True, 1)
    assert send_mou_expiry_digest() == {
        "queued": False, "sent": 0, "retry": 0, "failed": 0, "skipped": 0,
    }  # fmt: skip
    assert len(mail.outbox) == 1
    assert MoUDigest.objects.count() == MoUDigestDelivery.objects.count() == 1


def test_a_busy_server_delays_the_digest_and_the_minute_sweep_sends_it(smtp, monkeypatch):
    monkeypatch.setattr(deliver_mou_digests, "delay", lambda: deliver_mou_digests.apply())
    mou("Expiring soon", 30)
    smtp.answers = [TRY_LATER]
    assert send_mou_expiry_digest()["retry"] == 1
    delivery = MoUDigestDelivery.objects.get()
    assert (delivery.status, delivery.error) == ("pending", TRY_LATER)  # not done: still owed
    sweep_outbox.apply()
    assert smtp.received == []  # its delay has not passed
    MoUDigestDelivery.objects.update(next_attempt_at=timezone.now())
    sweep_outbox.apply()
    assert smtp.counts == {STAFF: 1}
    assert MoUDigestDelivery.objects.get().status == "sent"


def test_a_refused_digest_is_kept_for_staff_and_sent_again(smtp, client, staff_user):
    smtp.refuse = {STAFF: NO_SUCH_USER}
    send_mou_expiry_digest()
    delivery = MoUDigestDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error) == ("failed", 1, NO_SUCH_USER)
    client.force_login(staff_user)
    page = client.get("/en/admin/networks/moudigestdelivery/", {"status__exact": "failed"})
    assert STAFF in page.text and "No such user" in page.text
    smtp.refuse = {}
    response = client.post(
        "/en/admin/networks/moudigestdelivery/",
        {"action": "send_again", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "1 email will be sent again" in response.text
    deliver_mou_digests()
    assert smtp.counts == {STAFF: 1}


def test_a_week_that_never_arrived_is_covered_by_the_next_digest(smtp):
    last_week = timezone.now() - datetime.timedelta(days=7)
    mou("Expired since last week", -5)
    mou("Expired long before", -30)
    smtp.answers = ["250 OK", "554 5.7.1 Rejected"]
    mou_expiry_digest_send(now=last_week - datetime.timedelta(days=7), language="en")
    deliver_mou_digests()  # two weeks ago: delivered
    mou_expiry_digest_send(now=last_week, language="en")
    deliver_mou_digests()  # last week: refused for good
    assert list(MoUDigestDelivery.objects.values_list("status", flat=True)) == ["failed", "sent"]
    mou_expiry_digest_send(language="en")
    assert deliver_mou_digests()["sent"] == 1
    this_week = smtp.contents[-1].decode()
    # Expired since the last digest that reached this address, two weeks ago.
    assert "Expired since last week" in this_week
    assert "Expired long before" not in this_week


def test_the_weekly_task_only_counts_the_week_once_sent(smtp):
    smtp.answers = [TRY_LATER] * outbox.MAX_ATTEMPTS
    send_mou_expiry_digest()
    # Beat running again the same week neither owes a second digest nor drops this one.
    assert send_mou_expiry_digest()["queued"] is False
    assert MoUDigestDelivery.objects.get().status == "pending"


def test_beat_schedule_is_in_the_database_for_staff_to_edit():
    from django_celery_beat.models import PeriodicTask

    tasks = dict(PeriodicTask.objects.values_list("task", "enabled"))
    assert tasks == {
        "events.tasks.sweep_outbox": True,
        "networks.tasks.send_mou_expiry_digest": True,
        "privacy.tasks.anonymise_expired_registrations": True,
        "surveys.tasks.sweep_surveys": True,
    }
