"""Celery tasks of the privacy app: thin wrappers around privacy.retention."""

import logging

from celery import shared_task

from .retention import BATCH_SIZE, anonymise_due

logger = logging.getLogger(__name__)

# One night's run stops starting new batches after this long; the rest waits for the next night
# (the time limits below leave room for the batch under way).
TIME_BUDGET_SECONDS = 20 * 60


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def anonymise_expired_registrations(batch_size=BATCH_SIZE, time_budget=TIME_BUDGET_SECONDS):
    """Nightly (beat, ccc_portal/migrations/0005_retention_schedule.py): anonymise the
    registrations whose event ended more than REGISTRATION_RETENTION_MONTHS ago, `batch_size`
    rows per transaction. Safe to run twice at once or again after a crash: each row is
    anonymised once (privacy.retention.anonymise_registrations)."""
    count = anonymise_due(batch_size=batch_size, time_budget=time_budget)
    logger.info("Retention: anonymised %d registrations", count)
    return count
