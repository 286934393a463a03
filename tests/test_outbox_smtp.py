"""What the outbox does with each answer of a real SMTP server on loopback, in this process
(no Redis, no worker): accepted, refused for now, refused for good, unreachable, no longer
owed, and a slow batch that keeps its claim."""

import datetime
import time

import pytest
from django.utils import timezone

from core import outbox
from events.emails import notice_email
from events.models import RegistrationNotice
from events.tasks import deliver_outbox
from tests.factories import RegistrationFactory
from tests.helpers import unused_port
from tests.smtp import NO_SUCH_USER, TRY_LATER, smtp_server, use_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with smtp_server(settings) as handler:
        yield handler


def confirmations(count):
    """Confirmation emails owed to `count` new registrants, oldest first."""
    notices = [
        RegistrationNotice.objects.create(registration=RegistrationFactory(), kind="confirmed")
        for _ in range(count)
    ]
    return notices, [notice.registration.email for notice in notices]


def deliver():
    return outbox.deliver(RegistrationNotice, notice_email)


def row(notice):
    notice.refresh_from_db()
    return notice


def make_due(*notices):
    RegistrationNotice.objects.filter(pk__in=[n.pk for n in notices]).update(
        next_attempt_at=timezone.now()
    )


def test_an_accepted_email_is_marked_sent_once(smtp):
    (notice,), (email,) = confirmations(1)
    assert deliver_outbox.apply(args=("notice",)).get() == {"sent": 1, "failed": 0}
    assert smtp.counts == {email: 1}
    assert row(notice).status == "sent" and row(notice).sent_at is not None
    assert deliver()["sent"] == 0  # nothing left to send


def test_a_temporary_refusal_is_tried_again_later_and_then_sent(smtp):
    (notice,), (email,) = confirmations(1)
    smtp.answers = [TRY_LATER]
    before = timezone.now()
    assert deliver()["retry"] == 1
    notice = row(notice)
    assert (notice.status, notice.attempts, notice.error) == ("pending", 1, TRY_LATER)
    assert notice.next_attempt_at >= before + datetime.timedelta(seconds=60)
    assert deliver()["retry"] == 0  # not due yet: the sweep leaves it alone
    make_due(notice)
    assert deliver()["sent"] == 1
    assert smtp.counts == {email: 1}
    assert (row(notice).status, row(notice).error) == ("sent", "")


def test_a_permanent_refusal_fails_at_once_with_the_servers_words(smtp):
    (gone, kept), (gone_email, kept_email) = confirmations(2)
    smtp.refuse = {gone_email: NO_SUCH_USER}
    counts = deliver()
    assert (counts["failed"], counts["sent"]) == (1, 1)
    gone = row(gone)
    assert (gone.status, gone.attempts, gone.error) == ("failed", 1, NO_SUCH_USER)
    assert smtp.counts == {kept_email: 1}  # the rest of the batch went on
    assert row(kept).status == "sent"


def test_a_message_refused_after_data_fails_at_once(smtp):
    (notice,), _ = confirmations(1)
    smtp.answers = ["554 5.7.1 Message rejected"]
    deliver()
    assert (row(notice).status, row(notice).error) == ("failed", "554 5.7.1 Message rejected")


def test_temporary_refusals_fail_after_the_last_attempt(smtp):
    (notice,), _ = confirmations(1)
    smtp.answers = [TRY_LATER] * outbox.MAX_ATTEMPTS
    delays = []
    for _attempt in range(outbox.MAX_ATTEMPTS):
        deliver()
        notice = row(notice)
        delays.append(round((notice.next_attempt_at - timezone.now()).total_seconds() / 60))
        make_due(notice)
    assert (notice.status, notice.attempts, notice.error) == (
        "failed", outbox.MAX_ATTEMPTS, TRY_LATER,
    )  # fmt: skip
    assert delays[:-1] == [1, 2, 4, 8]  # minutes, doubling
    assert smtp.received == []
    assert deliver()["sent"] == 0  # failed rows wait for staff


def test_an_unreachable_server_is_tried_again_with_back_off(settings):
    notices, emails = confirmations(2)
    use_smtp(settings, unused_port())  # nothing listens there
    assert deliver()["retry"] == 2
    for notice in notices:
        notice = row(notice)
        assert (notice.status, notice.attempts) == ("pending", 1)
        assert "ConnectionRefusedError" in notice.error
    make_due(*notices)
    with smtp_server(settings) as handler:
        assert deliver()["sent"] == 2
    assert handler.counts == dict.fromkeys(emails, 1)


def test_a_server_closing_the_connection_holds_the_rest_of_the_batch(smtp):
    notices, emails = confirmations(3)
    smtp.answers = ["421 4.3.2 Shutting down"]
    counts = deliver()
    assert counts == {"sent": 0, "retry": 3, "failed": 0, "skipped": 0}
    assert [row(n).status for n in notices] == ["pending"] * 3
    make_due(*notices)
    assert deliver()["sent"] == 3
    assert smtp.counts == dict.fromkeys(emails, 1)


def test_an_email_no_longer_owed_is_closed_unsent(smtp):
    (notice,), _ = confirmations(1)
    registration = notice.registration
    registration.status = "cancelled"
    registration.save()
    assert deliver()["skipped"] == 1
    assert row(notice).status == "skipped"
    assert smtp.received == []


def test_staff_can_send_a_failed_email_again(smtp):
    (notice,), (email,) = confirmations(1)
    smtp.refuse = {email: NO_SUCH_USER}
    deliver()
    assert row(notice).status == "failed"
    smtp.refuse = {}  # the address was fixed at the other end
    assert outbox.resend(RegistrationNotice.objects.filter(pk=notice.pk)) == 1
    notice = row(notice)
    assert (notice.status, notice.attempts, notice.error) == ("pending", 0, "")
    deliver()
    assert smtp.counts == {email: 1}


def test_a_slow_batch_renews_its_claim_so_no_one_takes_it_over(settings, smtp):
    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 1
    smtp.delay = 0.4  # five emails take two seconds: twice the claim timeout
    notices, emails = confirmations(5)
    taken_over = []

    def build(notice):
        # Another worker's sweep, at every step of this batch: it finds nothing to take.
        taken_over.extend(outbox.claim_batch(RegistrationNotice)[1])
        return notice_email(notice)

    began = time.monotonic()
    counts = outbox.deliver(RegistrationNotice, build)
    assert time.monotonic() - began > 2 * outbox.claim_timeout().total_seconds()
    assert counts["sent"] == 5 and taken_over == []
    assert smtp.counts == dict.fromkeys(emails, 1)


def test_a_stale_claim_is_taken_over_after_the_claim_timeout(settings):
    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 30
    confirmations(1)
    claimed_at = timezone.now()  # at the latest: the claim below lasts from a moment later
    _, dead_workers = outbox.claim_batch(RegistrationNotice)
    assert outbox.claim_batch(RegistrationNotice)[1] == []
    soon = claimed_at + datetime.timedelta(seconds=29)
    assert outbox.claim_batch(RegistrationNotice, now=soon)[1] == []
    later = timezone.now() + datetime.timedelta(seconds=31)
    assert outbox.claim_batch(RegistrationNotice, now=later)[1] == dead_workers
