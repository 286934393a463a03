import logging
import smtplib

from celery import shared_task

from .services import sign_in_link_send

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=15,
    retry_backoff_max=120,
    max_retries=4,  # the link lasts 15 minutes: later retries would send a dead link
)
def send_sign_in_link(email, language, next_url=""):
    """Run for every request, known address or not, so that the page answers alike and as
    fast. A retry after a lost acknowledgement sends a second link: harmless, as the first one
    used ends the other."""
    return sign_in_link_send(email=email, language=language, next_url=next_url)
