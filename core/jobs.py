"""Record and report the progress of long staff actions (see core.models.StaffJob)."""

from django.core.cache import cache
from django.utils import timezone

from .models import StaffJob

PROGRESS_TTL = 24 * 3600


def job_start(*, title, total, user=None) -> StaffJob:
    return StaffJob.objects.create(title=str(title), total=total, created_by=user)


def job_running(job_id):
    StaffJob.objects.filter(pk=job_id).update(status=StaffJob.Status.RUNNING)


def job_progress(job_id, done):
    """Note progress where others can read it, even from inside a transaction."""
    cache.set(f"staff-job-progress:{job_id}", done, PROGRESS_TTL)


def job_finish(job_id, *, done, outcome, failed=False):
    StaffJob.objects.filter(pk=job_id).update(
        status=StaffJob.Status.FAILED if failed else StaffJob.Status.DONE,
        done=done,
        outcome=str(outcome),
        finished_at=timezone.now(),
    )
