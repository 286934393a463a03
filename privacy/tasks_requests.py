"""The task that emails a person their data (privacy.data_requests.data_request_email_send):
queued once the request is saved, so the page answers at once, and retried when the mail
server fails. Not privacy.tasks, which holds the retention run."""

import smtplib

from celery import shared_task

from .data_requests import data_request_email_failed, data_request_email_send

MAX_RETRIES = 5


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def email_personal_data(self, request_id, language):
    """Send, or retry after 30 s, 1, 2, 4 and 8 minutes (short countdowns only: a long ETA on
    Redis is delivered again after the visibility timeout); after the last, the request is
    closed as failed. A run after the request was closed (a redelivery) sends nothing."""
    try:
        return data_request_email_send(request_id=request_id, language=language)
    except (smtplib.SMTPException, OSError) as error:
        if self.request.retries >= MAX_RETRIES:
            data_request_email_failed(request_id=request_id)
            raise
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error
