"""The survey invitations' outbox and the task that sends it (core/outbox.py claims, sends
and retries). Below the services, which ask for a delivery once their transaction commits."""

from celery import shared_task

from core import outbox

from .emails import invitation_email
from .models import SurveyInvitation


@shared_task(acks_late=True)
def deliver_invitations(ids=None, token=None):
    """Send invitation emails over one SMTP connection: the rows in `ids` claimed by the
    sweep under `token`, or (without a token) up to a batch of owed ones claimed here."""
    counts = outbox.deliver(SurveyInvitation, invitation_email, ids=ids, token=token)
    if any(counts.values()) and outbox.claimable_exists(SurveyInvitation):
        deliver_invitations.delay()  # a worker that finished a batch takes the next
    return {"sent": counts["sent"], "failed": counts["failed"] + counts[outbox.RETRY]}
