"""Writes and side effects for networks and MoUs."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.roles import CCC_STAFF

from .models import MoU, MoUDigest, MoUDigestDelivery, MoUStatus

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


def iso_week(day):
    """The ISO week of a date as a key, such as "2026-W48"."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_mous(*, today, since):
    """The digest's two lists: MoUs expiring within 90 days, and those expired since `since`."""
    mous = MoU.objects.with_status(today).select_related("network", "organisation")
    expiring = list(mous.filter(current_status=MoUStatus.EXPIRING).order_by("ends_on"))
    expired = list(
        mous.filter(current_status=MoUStatus.EXPIRED, ends_on__gte=since).order_by("ends_on")
    )
    return expiring, expired


@transaction.atomic
def mou_expiry_digest_send(*, now=None, language="km"):
    """Owe staff this week's MoU expiry digest: one outbox row per address (MoUDigestDelivery),
    sent by networks.tasks and retried like every email until the server takes it; it is only
    done when sent, and a failed one stays for staff to see and send again.

    At most one digest per week: the last digest row is locked while this one is written, and
    (week, address) is unique, so two beat runs at once owe one email each. Returns the
    digest, or None when this week's is already owed.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    week = iso_week(today)
    last = MoUDigest.objects.select_for_update().order_by("-sent_at").first()
    if last and now - last.sent_at < DIGEST_MIN_INTERVAL:
        return None
    if MoUDigestDelivery.objects.filter(week=week).exists():
        return None
    since = timezone.localdate(last.sent_at) if last else today - datetime.timedelta(days=7)
    expiring, expired = digest_mous(today=today, since=since)
    recipients = digest_recipients()
    try:
        with transaction.atomic():
            digest = MoUDigest.objects.create(
                sent_at=now,
                recipients=", ".join(recipients),
                expiring_count=len(expiring),
                expired_count=len(expired),
            )
            MoUDigestDelivery.objects.bulk_create(
                MoUDigestDelivery(
                    digest=digest,
                    week=week,
                    recipient=recipient,
                    language=language,
                    created_at=now,
                    next_attempt_at=now,
                )
                for recipient in recipients
            )
    except IntegrityError:  # another run wrote this week's digest meanwhile
        return None
    return digest
