from celery import shared_task

from .services import mou_expiry_digest_send


@shared_task(acks_late=True)
def send_mou_expiry_digest():
    """Weekly (beat): the MoU expiry digest for staff; at most one a week, however often run."""
    digest = mou_expiry_digest_send()
    return {"sent": digest is not None}
