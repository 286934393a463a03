"""The beat task of the surveys (every minute, made by migration 0002): invite the attendees
of ended events, then hand owed invitation emails, in claimed batches, to the workers. Safe to
run twice, or twice at once (see services.surveys_invite and core.outbox.claim_batch)."""

from celery import shared_task
from django.utils import timezone

from core import outbox

from .delivery import deliver_invitations
from .models import SurveyInvitation
from .services import surveys_invite

SWEEP_MAX_BATCHES = 50
MAX_IN_FLIGHT = 20 * outbox.BATCH_SIZE


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def sweep_surveys():
    invited = surveys_invite()
    in_flight = SurveyInvitation.objects.filter(
        status=SurveyInvitation.Status.CLAIMED,
        claimed_at__gte=timezone.now() - outbox.claim_timeout(),
    ).count()
    dispatched = 0
    for _batch in range(SWEEP_MAX_BATCHES):
        if in_flight >= MAX_IN_FLIGHT:
            break
        token, ids = outbox.claim_batch(SurveyInvitation)
        if not ids:
            break
        deliver_invitations.delay(ids, str(token))
        dispatched += len(ids)
        in_flight += len(ids)
    return {"invited": invited, "dispatched": dispatched}
