"""Celery tasks: thin wrappers around the outbox and the services. Each is safe to run twice.

No task waits with a long countdown: on Redis such tasks come back after the visibility timeout
and run twice (celery#2481). The beat sweep finds what is owed in the database instead.
"""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ccc_portal.jobs import job_finish, job_progress, job_running

from . import outbox
from .emails import notice_email, reminder_email
from .models import Registration, RegistrationNotice, ReminderDelivery
from .services import reminders_schedule

logger = logging.getLogger(__name__)

OUTBOXES = {
    "notice": (RegistrationNotice, notice_email),
    "reminder": (ReminderDelivery, reminder_email),
}
CONNECTION_ERRORS = (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, OSError)
# Bounds one sweep's work; what is left waits for the next minute.
SWEEP_MAX_BATCHES = 200
# Claimed rows waiting for a worker, at most: claims must be sent well within the claim
# timeout, or the next sweeps would take them over while they still sit in the queue.
MAX_IN_FLIGHT = 20 * outbox.BATCH_SIZE


@shared_task(bind=True, max_retries=outbox.MAX_ATTEMPTS, acks_late=True)
def deliver_outbox(self, model_name, ids=None, token=None):
    """Send outbox rows over one SMTP connection.

    With `token`, the rows were claimed by the sweep; with `ids` alone (just after a
    registration), they are claimed here. When the mail server cannot be reached at all, the
    task retries with a growing delay (1, 2, 4 … minutes); after the last try the rows are
    marked failed with the reason, for staff to see and send again.
    """
    model, build = OUTBOXES[model_name]
    if token is None:
        queryset = model.objects.filter(pk__in=ids) if ids else None
        token, ids = outbox.claim_batch(model, queryset=queryset)
    else:
        ids = outbox.refresh_claim(model, ids, token)
    if not ids:
        return {"sent": 0, "failed": 0}
    try:
        sent, failed = outbox.deliver_claimed(model, ids, token, build)
    except CONNECTION_ERRORS as error:
        if self.request.retries >= self.max_retries:
            outbox.fail_claimed(model, ids, token, error)
            raise
        countdown = int(outbox.retry_delay(self.request.retries + 1).total_seconds())
        raise self.retry(
            exc=error, countdown=countdown, args=(model_name, ids, str(token))
        ) from error
    if outbox.claimable_exists(model):
        # Keep the pipeline full between sweeps: a worker that finished a batch takes the next.
        deliver_outbox.delay(model_name)
    return {"sent": sent, "failed": failed}


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def sweep_outbox():
    """Every minute (beat): write due reminders into the ledger, then hand every owed email,
    in claimed batches, to the workers. Two sweeps at once share the work without overlap."""
    scheduled = reminders_schedule()
    dispatched = 0
    for model_name, (model, _build) in OUTBOXES.items():
        # Fresh claims only: stale ones (a dead worker's) are there to be taken over.
        in_flight = model.objects.filter(
            status=model.Status.CLAIMED,
            claimed_at__gte=timezone.now() - outbox.CLAIM_TIMEOUT,
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
    return {"reminders_scheduled": scheduled, "dispatched": dispatched}


@shared_task(acks_late=False, time_limit=30 * 60, soft_time_limit=29 * 60)
def send_event_message(event_id, subject, body, registration_ids, job_id=None):
    """Staff's message to registrants. Not retried as a whole (that would send twice to those
    already reached); a failure for one address is counted and the rest go on."""
    registrations = Registration.objects.filter(event_id=event_id, pk__in=registration_ids)
    sent = failed = 0
    if job_id:
        job_running(job_id)
    with get_connection() as connection:
        for registration in registrations.iterator():
            message = EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[registration.email],
                connection=connection,
            )
            try:
                message.send()
                sent += 1
            except (smtplib.SMTPException, OSError):
                failed += 1
            if job_id:
                job_progress(job_id, sent + failed)
    logger.info("Message to registrants of event %s: %s sent, %s failed", event_id, sent, failed)
    if job_id:
        job_finish(
            job_id,
            done=sent + failed,
            outcome=_("%(sent)d sent, %(failed)d failed.") % {"sent": sent, "failed": failed},
        )
    return {"sent": sent, "failed": failed}
