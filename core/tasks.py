"""Celery tasks of the ground floor: a big spreadsheet import, run for any app's admin."""

import tablib
from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .jobs import job_finish, job_progress, job_running

PROGRESS_EVERY = 100
ERRORS_SHOWN = 20


# The name it had in members.tasks, so that an import queued before an upgrade still runs.
@shared_task(
    name="members.tasks.import_spreadsheet",
    acks_late=False,
    time_limit=60 * 60,
    soft_time_limit=59 * 60,
)
def import_spreadsheet(job_id, resource_path, dataset_json, user_id=None):
    """A big import, confirmed by staff after its preview, run in one transaction by a worker.

    Not acknowledged late: a redelivered import would run twice. Its progress is written to the
    cache as it goes (the rows are invisible to others until the commit).
    """
    job_running(job_id)
    counter = {"rows": 0}

    def after_import_row(row, row_result, **kwargs):
        counter["rows"] += 1
        if counter["rows"] % PROGRESS_EVERY == 0:
            job_progress(job_id, counter["rows"])

    try:
        dataset = tablib.Dataset().load(dataset_json, format="json")
        resource = import_string(resource_path)()
        resource.after_import_row = after_import_row
        user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        result = resource.import_data(
            dataset,
            dry_run=False,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=user,
        )
    except Exception as error:  # reported to staff on the job, not lost in a log
        job_finish(job_id, done=0, outcome=str(error), failed=True)
        raise
    if result.has_errors() or result.has_validation_errors():
        lines = [
            _("Row %(number)s: %(errors)s")
            % {
                "number": row.number,
                "errors": "; ".join(
                    f"{field}: {', '.join(map(str, messages))}"
                    for field, messages in row.error_dict.items()
                ),
            }
            for row in result.invalid_rows[:ERRORS_SHOWN]
        ] + [
            _("Row %(number)s: %(errors)s")
            % {"number": number, "errors": "; ".join(str(e.error) for e in errors)}
            for number, errors in result.row_errors()[:ERRORS_SHOWN]
        ]
        job_finish(
            job_id,
            done=0,
            outcome=_("Nothing was imported.") + "\n" + "\n".join(lines),
            failed=True,
        )
        return {"imported": 0}
    totals = result.totals
    outcome = _("Imported: %(new)s new, %(update)s changed, %(skip)s unchanged.") % {
        "new": totals.get("new", 0),
        "update": totals.get("update", 0),
        "skip": totals.get("skip", 0),
    }
    job_finish(job_id, done=len(dataset), outcome=outcome)
    return {"imported": len(dataset)}
