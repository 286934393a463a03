"""Celery tasks: thin wrappers around the outbox (core/outbox.py) and the services. Each is
safe to run twice. (The delivery task itself, which the services queue, is in events.delivery.)

No task waits with a long countdown: on Redis such tasks come back after the visibility timeout
and run twice (celery#2481). The beat sweep finds what is owed in the database instead.
"""

import logging

from celery import shared_task
from django.utils import timezone

from core import outbox
from networks.models import MoUDigestDelivery
from networks.tasks import deliver_mou_digests

from .delivery import OUTBOXES, deliver_outbox
from .models import TelegramMessage
from .services import offers_pass_on_expired, reminders_schedule
from .telegram_outbox import deliver_telegram

logger = logging.getLogger(__name__)

# Bounds one sweep's work; what is left waits for the next minute.
SWEEP_MAX_BATCHES = 200
# Claimed rows waiting in the queue for a worker, at most. A claim is renewed only once a
# worker works on it, so a batch that waits longer than the claim timeout is taken over by the
# next sweep (never sent twice: its first task finds the claim gone and does nothing).
MAX_IN_FLIGHT = 20 * outbox.BATCH_SIZE


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def sweep_outbox():
    """Every minute (beat): pass on seat offers not accepted in time, write due reminders into
    the ledger, then hand every owed email,
    in claimed batches, to the workers. Two sweeps at once share the work without overlap.
    The MoU digest's outbox (networks) is looked at too, for its retries and "send again"."""
    offers_passed = offers_pass_on_expired()
    scheduled = reminders_schedule()
    dispatched = 0
    for model_name, (model, _build) in OUTBOXES.items():
        # Fresh claims only: stale ones (a dead worker's) are there to be taken over.
        in_flight = model.objects.filter(
            status=model.Status.CLAIMED,
            claimed_at__gte=timezone.now() - outbox.claim_timeout(),
        ).count()
        for _batch in range(SWEEP_MAX_BATCHES):
            if in_flight >= MAX_IN_FLIGHT:
                break
            token, ids = outbox.claim_batch(model)
            if not ids:
                break
            deliver_outbox.delay(model_name, ids, str(token))
            dispatched += len(ids)
            in_flight += len(ids)
    if outbox.claimable_exists(MoUDigestDelivery):
        deliver_mou_digests.delay()
    telegram_dispatched = _dispatch_telegram()
    return {
        "offers_passed_on": offers_passed,
        "reminders_scheduled": scheduled,
        "telegram_dispatched": telegram_dispatched,
        "dispatched": dispatched,
    }


def _dispatch_telegram():
    """Telegram's outbox, claimed in batches like the emails' (events.telegram_outbox)."""
    dispatched = 0
    for _batch in range(SWEEP_MAX_BATCHES):
        token, ids = outbox.claim_batch(TelegramMessage)
        if not ids:
            break
        deliver_telegram.delay(ids, str(token))
        dispatched += len(ids)
    return dispatched
