"""The MoU expiry digest as one staff address gets it, built when it is sent."""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.mail import sender

from .models import MOU_EXPIRY_WARNING_DAYS, MoUDigestDelivery
from .services import digest_mous


def mou_digest_email(delivery: MoUDigestDelivery, now=None):
    """The MoUs as they stand when it is sent: those expiring within 90 days, and those expired
    since the last digest this address received (so a week that failed is not lost)."""
    today = timezone.localdate(now or timezone.now())
    previous = (
        MoUDigestDelivery.objects.filter(
            recipient=delivery.recipient,
            status=MoUDigestDelivery.Status.SENT,
            digest__sent_at__lt=delivery.digest.sent_at,
        )
        .select_related("digest")
        .order_by("-digest__sent_at")
        .first()
    )
    issued_on = timezone.localdate(delivery.digest.sent_at)
    since = (
        timezone.localdate(previous.digest.sent_at)
        if previous
        else issued_on - datetime.timedelta(days=7)
    )
    expiring, expired = digest_mous(today=today, since=since)
    with translation.override(delivery.language):
        context = {
            "expiring": expiring,
            "expired": expired,
            "since": since,
            "days": MOU_EXPIRY_WARNING_DAYS,
            "admin_url": f"{settings.SITE_URL}/{delivery.language}/admin/networks/mou/",
            "LANGUAGE_CODE": delivery.language,
        }
        message = EmailMultiAlternatives(
            subject=_("MoUs to renew: %(expiring)d expiring, %(expired)d expired")
            % {"expiring": len(expiring), "expired": len(expired)},
            body=render_to_string("emails/networks/mou_digest.txt", context),
            from_email=sender(),
            to=[delivery.recipient],
        )
        message.attach_alternative(
            render_to_string("emails/networks/mou_digest.html", context), "text/html"
        )
    return message
