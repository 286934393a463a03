import datetime

import pytest
from django.core import mail
from django.utils import timezone

from networks.models import MoUDigest
from networks.services import mou_expiry_digest_send
from networks.tasks import send_mou_expiry_digest
from tests.factories import MoUFactory

pytestmark = pytest.mark.django_db


def mou(title, ends_in_days):
    today = timezone.localdate()
    return MoUFactory(
        title_en=title,
        title_km=title,
        starts_on=today - datetime.timedelta(days=1000),
        ends_on=today + datetime.timedelta(days=ends_in_days),
    )


def test_digest_lists_expiring_and_newly_expired_mous(settings, django_capture_on_commit_callbacks):
    settings.STAFF_NOTIFICATION_EMAILS = ["staff@example.org"]
    mou("Expiring soon", 30)
    mou("Far away", 400)
    mou("Just expired", -3)
    mou("Long expired", -200)
    with django_capture_on_commit_callbacks(execute=True):
        digest = mou_expiry_digest_send(language="en")
    (message,) = mail.outbox
    assert message.to == ["staff@example.org"]
    assert "Expiring soon" in message.body and "Just expired" in message.body
    assert "Far away" not in message.body and "Long expired" not in message.body
    assert (digest.expiring_count, digest.expired_count) == (1, 1)


def test_digest_goes_out_once_a_week_however_often_beat_runs(
    settings, django_capture_on_commit_callbacks
):
    settings.STAFF_NOTIFICATION_EMAILS = ["staff@example.org"]
    mou("Expiring soon", 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_mou_expiry_digest() == {"sent": True}
        assert send_mou_expiry_digest() == {"sent": False}
    assert len(mail.outbox) == 1
    assert MoUDigest.objects.count() == 1


def test_beat_schedule_is_in_the_database_for_staff_to_edit():
    from django_celery_beat.models import PeriodicTask

    tasks = dict(PeriodicTask.objects.values_list("task", "enabled"))
    assert tasks == {
        "events.tasks.sweep_outbox": True,
        "networks.tasks.send_mou_expiry_digest": True,
    }
