"""The events' outboxes and the task that sends them: which model each outbox name stands for
and how its rows become emails (see core/outbox.py for the claiming, sending and retrying).

Below the services: they ask for a delivery once their transaction commits. The beat sweep
that finds what is owed is in events.tasks, above the services it calls.
"""

from celery import shared_task

from core import outbox

from .emails import (
    certificate_email,
    event_message_email,
    notice_email,
    reminder_email,
    reminder_emails,
)
from .invitation_emails import invitation_email
from .models import (
    CertificateDelivery,
    EventMessageDelivery,
    InvitationDelivery,
    RegistrationNotice,
    ReminderDelivery,
)

OUTBOXES = {
    "notice": (RegistrationNotice, notice_email),
    "reminder": (ReminderDelivery, reminder_email),
    "message": (EventMessageDelivery, event_message_email),
    "certificate": (CertificateDelivery, certificate_email),
    "invitation": (InvitationDelivery, invitation_email),
}
# Outboxes whose batches load what their rows share once (core.outbox.deliver_claimed's
# `prepare`): a reminder batch asks which registrants are still owed in one query.
BATCH_PREPARE = {"reminder": reminder_emails}


# Named as when it lived in events.tasks, so that deliveries queued before an upgrade still run.
@shared_task(name="events.tasks.deliver_outbox", acks_late=True)
def deliver_outbox(model_name, ids=None, token=None):
    """Send outbox rows over one SMTP connection.

    With `token`, the rows were claimed by the sweep; with `ids` alone (just after a
    registration) or nothing, they are claimed here. Refusals and connection failures are
    recorded on each row, which the sweep tries again after its delay (see core/outbox.py).
    """
    model, build = OUTBOXES[model_name]
    counts = outbox.deliver(
        model,
        build,
        ids=ids,
        token=token,
        prepare=BATCH_PREPARE.get(model_name),
        connections=outbox.SMTP_CONNECTIONS,
    )
    if any(counts.values()) and outbox.claimable_exists(model):
        # Keep the pipeline full between sweeps: a worker that finished a batch takes the next.
        deliver_outbox.delay(model_name)
    # Failed attempts, whether tried again later or failed for good (the rows tell which).
    return {"sent": counts["sent"], "failed": counts["failed"] + counts[outbox.RETRY]}
