"""What needs staff attention, one function per block of the admin's home page.

Each function takes the user (and the moment, for tests) and returns plain data: numbers, dates,
names and admin links, or None when the user may not view what the block is about. The page
(desk/templatetags/desk.py, desk/templates/desk/desk.html) only lays them out.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.models import StaffJob
from events.models import (
    Event,
    EventMessage,
    EventMessageDelivery,
    RegistrationNotice,
    ReminderDelivery,
)
from members.models import Organisation
from members.services import members_lapsed
from networks.models import MOU_EXPIRY_WARNING_DAYS, MoU, MoUDigestDelivery, MoUStatus
from privacy.admin import HANDLE_PERMISSION as DATA_REQUEST_PERMISSION
from privacy.models import DataRequest
from privacy.retention_views import PERMISSION as RETENTION_PERMISSION

EVENT_DAYS = 60
# Rows listed in a block at most; its link leads to the whole list.
LIST_LIMIT = 10
# The outboxes whose failed emails staff decide on (send again, or leave), in the order shown.
OUTBOXES = (RegistrationNotice, ReminderDelivery, EventMessageDelivery, MoUDigestDelivery)


def can_view(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


def changelist_url(model, **filters):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def registration_closes_at(event):
    """When registration closes: its closing time, and at the latest the start."""
    if event.registration_closes_at is None:
        return event.starts_at
    return min(event.registration_closes_at, event.starts_at)


def days_between(earlier, later):
    """Calendar days from one moment to the other, in Phnom Penh."""
    return (timezone.localdate(later) - timezone.localdate(earlier)).days


def events_ahead(user, *, now=None, days=EVENT_DAYS, limit=LIST_LIMIT):
    """Events running now or starting in the next `days` days (not cancelled), soonest
    first: seats taken, the waiting list, days until registration closes, reminders."""
    if not can_view(user, Event):
        return None
    now = now or timezone.now()
    events = (
        Event.objects.exclude(status=Event.Status.CANCELLED)
        .filter(ends_at__gte=now, starts_at__lte=now + datetime.timedelta(days=days))
        .order_by("starts_at", "pk")
    )
    count = events.count()
    rows = []
    for event in events.with_registration_counts().with_reminder_counts()[:limit]:
        closes_at = registration_closes_at(event)
        rows.append(
            {
                "title": event.title,
                "url": change_url(event),
                "starts_at": event.starts_at,
                "is_draft": event.status == Event.Status.DRAFT,
                "status": event.get_status_display(),
                "confirmed": event.confirmed_count,
                "capacity": event.capacity,
                "waiting": event.waiting_count,
                # None once registration has closed (or the event has begun).
                "closes_in_days": days_between(now, closes_at) if now < closes_at else None,
                "reminders_pending": event.reminders_pending,
                "reminders_failed": event.reminders_failed,
            }
        )
    return {
        "days": days,
        "count": count,
        "more": count - len(rows),
        "rows": rows,
        "url": changelist_url(Event),
    }


def failed_emails(user):
    """Failed emails waiting for a decision, outbox by outbox (only those the user may view;
    outboxes with none are left out)."""
    outboxes = [model for model in OUTBOXES if can_view(user, model)]
    if not outboxes:
        return None
    rows = []
    for model in outboxes:
        count = model.objects.filter(status=model.Status.FAILED).count()
        if count:
            rows.append(
                {
                    "label": model._meta.verbose_name_plural,
                    "count": count,
                    "url": changelist_url(model, status__exact=model.Status.FAILED),
                }
            )
    return {"count": sum(row["count"] for row in rows), "rows": rows}


def mous_expiring(user, *, today=None, limit=LIST_LIMIT):
    """Signed MoUs that end within the warning period (90 days), soonest first."""
    if not can_view(user, MoU):
        return None
    today = today or timezone.localdate()
    mous = (
        MoU.objects.in_status(MoUStatus.EXPIRING, today)
        .select_related("network", "organisation")
        .order_by("ends_on", "pk")
    )
    rows = [
        {
            "title": mou.title,
            "counterparty": str(mou.counterparty or ""),
            "ends_on": mou.ends_on,
            "days_left": (mou.ends_on - today).days,
            "url": change_url(mou),
        }
        for mou in mous[:limit]
    ]
    return {
        "days": MOU_EXPIRY_WARNING_DAYS,
        "count": mous.count(),
        "rows": rows,
        "url": changelist_url(MoU, status=MoUStatus.EXPIRING),
    }


def lapsed_members(user, *, today=None, limit=LIST_LIMIT):
    """Members marked lapsed, and (for those who keep the dues) active members two years
    behind with their dues, whom the "Lapsed members" page lists."""
    if not can_view(user, Organisation):
        return None
    lapsed = Organisation.objects.filter(
        membership_status=Organisation.MembershipStatus.LAPSED
    ).order_by("slug")
    data = {
        "count": lapsed.count(),
        "rows": [
            {"name": str(organisation), "url": change_url(organisation)}
            for organisation in lapsed[:limit]
        ],
        "url": changelist_url(
            Organisation, membership_status__exact=Organisation.MembershipStatus.LAPSED
        ),
        "behind_count": None,
        "behind_url": None,
    }
    if user.has_perm("members.view_membershipdues"):
        data["behind_count"] = members_lapsed(today or timezone.localdate()).count()
        data["behind_url"] = reverse("admin:members_membershipdues_lapsed")
    return data


def work_in_progress(user):
    """Staff jobs not finished (imports in the background) and messages to registrants with
    emails still to send."""
    may_see_jobs = can_view(user, StaffJob)
    may_see_messages = can_view(user, EventMessage)
    if not (may_see_jobs or may_see_messages):
        return None
    jobs = []
    if may_see_jobs:
        unfinished = StaffJob.objects.filter(
            status__in=[StaffJob.Status.QUEUED, StaffJob.Status.RUNNING]
        ).order_by("created_at")
        jobs = [
            {
                "title": job.title,
                "status": job.get_status_display(),
                "done": job.current_done,
                "total": job.total,
                "percent": job.percent,
                "url": change_url(job),
            }
            for job in unfinished[:LIST_LIMIT]
        ]
    messages = []
    if may_see_messages:
        messages = [
            {
                "subject": message.subject,
                "event": str(message.event),
                "pending": message.pending_count,
                "sent": message.sent_count,
                "failed": message.failed_count,
                "url": change_url(message),
            }
            for message in EventMessage.objects.with_delivery_counts()
            .filter(pending_count__gt=0)
            .select_related("event")
            .order_by("created_at", "pk")[:LIST_LIMIT]
        ]
    links = [
        {"label": model._meta.verbose_name_plural, "url": changelist_url(model)}
        for model, allowed in ((StaffJob, may_see_jobs), (EventMessage, may_see_messages))
        if allowed
    ]
    if user.has_perm(RETENTION_PERMISSION):
        links.append(
            {"label": _("personal data due for anonymisation"), "url": reverse("privacy:retention")}
        )
    if user.has_perm(DATA_REQUEST_PERMISSION):
        awaiting = DataRequest.objects.awaiting_confirmation().count()
        if awaiting:
            links.append(
                {
                    "label": _("erasure requests awaiting confirmation: %(count)s")
                    % {"count": awaiting},
                    "url": changelist_url(DataRequest, status=DataRequest.Status.AWAITING),
                }
            )
    return {"jobs": jobs, "messages": messages, "links": links}


def desk(user, *, now=None):
    """Every block, None where the user may not view it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "events": events_ahead(user, now=now),
        "failed_emails": failed_emails(user),
        "mous": mous_expiring(user, today=today),
        "lapsed": lapsed_members(user, today=today),
        "in_progress": work_in_progress(user),
    }
