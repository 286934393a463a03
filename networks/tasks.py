from celery import shared_task

from core import outbox

from .emails import mou_digest_email
from .models import MoUDigestDelivery
from .services import mou_expiry_digest_send


@shared_task(acks_late=True)
def deliver_mou_digests():
    """Send the MoU digest emails that are owed: this week's, a retry that has come due, or
    one staff asked to send again (the minute sweep asks for those)."""
    return outbox.deliver(MoUDigestDelivery, mou_digest_email)


@shared_task(acks_late=True)
def send_mou_expiry_digest():
    """Weekly (beat): owe staff this week's MoU expiry digest (at most one a week, however
    often run), then send it."""
    digest = mou_expiry_digest_send()
    return {"queued": digest is not None, **deliver_mou_digests()}
