"""Celery tasks: ids in, fetch, call the domain code. Each is safe to run twice."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from .emails import registration_email
from .models import Registration
from .services import EmailKind

# Kinds tracked by the outbox column: sent once, and owed until they are.
OUTBOX_KINDS = {EmailKind.CONFIRMED, EmailKind.WAITING}
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
    acks_late=True,
)
def send_registration_email(registration_id, kind):
    registration = (
        Registration.objects.select_related("event__event_type", "organisation")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        return "gone"
    if kind in OUTBOX_KINDS:
        # Claim the outbox row: of two runs of this task only one sends.
        claimed = Registration.objects.filter(
            pk=registration_id, confirmation_sent_at__isnull=True
        ).update(confirmation_sent_at=timezone.now())
        if not claimed:
            return "already sent"
        try:
            registration_email(registration, kind).send()
        except Exception:
            # Give the claim back so that the retry (or the sweep) sends it.
            with transaction.atomic():
                Registration.objects.filter(pk=registration_id).update(confirmation_sent_at=None)
            raise
        return "sent"
    registration_email(registration, kind).send()
    return "sent"


@shared_task(acks_late=False, time_limit=30 * 60, soft_time_limit=29 * 60)
def send_event_message(event_id, subject, body, registration_ids):
    """Staff's message to registrants. Not retried as a whole (that would send twice to those
    already reached); a failure for one address is counted and the rest go on."""
    registrations = Registration.objects.filter(event_id=event_id, pk__in=registration_ids)
    sent = failed = 0
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
            except TRANSIENT_ERRORS:
                failed += 1
    return {"sent": sent, "failed": failed}
