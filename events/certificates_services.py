"""Certificates of attendance: who gets one, finding one by its code, and emailing them.

Everyone marked as attended gets a certificate (events.certificates renders it). Emailing goes
through the outbox: one CertificateDelivery per registration, so asking again only reaches
those who have not had theirs yet.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef

from core import outbox

from .certificates import registration_pk_from_code
from .models import CertificateDelivery, Event, Registration
from .services import _deliver_after_commit
from .telegram_outbox import CERTIFICATE, telegram_queue_event_news


def certificate_registrations(event: Event):
    """The event's attendees, by name (the order staff hand the printed certificates out)."""
    return (
        event.registrations.filter(status=Registration.Status.ATTENDED)
        .select_related("event")
        .order_by("full_name", "pk")
    )


def certificate_registration(code):
    """The attendee a verification code belongs to, or None: an unknown or altered code, or
    a registration no longer marked as attended."""
    pk = registration_pk_from_code(code)
    if pk is None:
        return None
    return (
        Registration.objects.filter(pk=pk, status=Registration.Status.ATTENDED)
        .select_related("event")
        .first()
    )


def certificates_to_email(event: Event):
    """Attendees whose certificate has not been emailed or queued yet: no delivery, or one
    skipped because they were no longer marked as attended when its turn came."""
    queued = CertificateDelivery.objects.filter(registration=OuterRef("pk")).exclude(
        status=CertificateDelivery.Status.SKIPPED
    )
    return certificate_registrations(event).filter(~Exists(queued))


def certificates_email(*, event: Event) -> int:
    """Owe each attendee not yet emailed their certificate; returns how many.

    One outbox row per registration (unique): sending again reaches only attendees added since
    (and those skipped before), never anyone twice. The PDF is rendered, in the attendee's
    language, when the email is sent; a worker is asked after commit.
    """
    with transaction.atomic():
        # One send per event at a time, so the count is exact when staff press twice.
        list(Event.objects.select_for_update().filter(pk=event.pk).values_list("pk"))
        owed = list(certificates_to_email(event).values_list("pk", flat=True))
        if not owed:
            return 0
        skipped = CertificateDelivery.objects.filter(
            registration_id__in=owed, status=CertificateDelivery.Status.SKIPPED
        )
        outbox.resend(skipped)
        CertificateDelivery.objects.bulk_create(
            [CertificateDelivery(registration_id=pk) for pk in owed], ignore_conflicts=True
        )
        # "Your certificate has been emailed", on Telegram for those who opted in.
        telegram_queue_event_news(
            registrations=Registration.objects.filter(pk__in=owed),
            kind=CERTIFICATE,
            once_key=CERTIFICATE,
        )
        _deliver_after_commit("certificate", None)
    return len(owed)
