"""Writes and side effects for networks and MoUs."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ccc_portal.permissions import CCC_STAFF

from .models import MOU_EXPIRY_WARNING_DAYS, MoU, MoUDigest, MoUStatus

# A digest sent less than this long ago is not sent again (a retried or doubled beat run).
DIGEST_MIN_INTERVAL = datetime.timedelta(days=6)


def digest_recipients():
    """STAFF_NOTIFICATION_EMAILS, or else the email of every active member of CCC staff."""
    if settings.STAFF_NOTIFICATION_EMAILS:
        return list(settings.STAFF_NOTIFICATION_EMAILS)
    users = (
        get_user_model().objects.filter(is_active=True, groups__name=CCC_STAFF).exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


@transaction.atomic
def mou_expiry_digest_send(*, now=None, language="km"):
    """Email staff the MoUs expiring within 90 days and those expired since the last digest.

    At most one digest per week: the digest row is locked and written in the same
    transaction, so two beat runs at once send one email. Returns the digest, or None.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    last = MoUDigest.objects.select_for_update().order_by("-sent_at").first()
    if last and now - last.sent_at < DIGEST_MIN_INTERVAL:
        return None
    since = timezone.localdate(last.sent_at) if last else today - datetime.timedelta(days=7)
    mous = MoU.objects.with_status(today).select_related("network", "organisation")
    expiring = list(mous.filter(current_status=MoUStatus.EXPIRING).order_by("ends_on"))
    expired = list(
        mous.filter(current_status=MoUStatus.EXPIRED, ends_on__gte=since).order_by("ends_on")
    )
    recipients = digest_recipients()
    digest = MoUDigest.objects.create(
        sent_at=now,
        recipients=", ".join(recipients),
        expiring_count=len(expiring),
        expired_count=len(expired),
    )
    if recipients:
        context = {
            "expiring": expiring,
            "expired": expired,
            "since": since,
            "days": MOU_EXPIRY_WARNING_DAYS,
            "admin_url": f"{settings.SITE_URL}/{language}/admin/networks/mou/",
        }
        with translation.override(language):
            message = EmailMultiAlternatives(
                subject=_("MoUs to renew: %(expiring)d expiring, %(expired)d expired")
                % {"expiring": len(expiring), "expired": len(expired)},
                body=render_to_string("emails/networks/mou_digest.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=recipients,
            )
            message.attach_alternative(
                render_to_string("emails/networks/mou_digest.html", context), "text/html"
            )
        # Sent after commit: a rolled-back digest sends nothing.
        transaction.on_commit(message.send)
    return digest
