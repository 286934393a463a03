"""A big import runs in a worker (core.tasks.import_spreadsheet): however it ends, the staff job
says how, and a failed import leaves the register as it was.

The admin hands the task a file it already checked in the preview; these tests start from that
hand-over (a job, the resource's dotted path, the rows as JSON) and break it the ways a worker
meets: a row that went bad between preview and confirm, a row that raises, an import that dies.
"""

import pytest
import tablib

from core import tasks
from core.models import StaffJob
from core.tasks import import_spreadsheet
from members.models import Organisation
from members.resources import OrganisationResource
from tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

RESOURCE = "members.resources.OrganisationResource"
HEADER = ["name_km", "name_en", "kind", "membership_status", "head_office_province"]


def rows_json(rows, header=HEADER):
    return tablib.Dataset(*rows, headers=header).export("json")


def good_row(index, province=""):
    return [f"អង្គការ{index}", f"Worker NGO {index}", "local_ngo", "active", province]


def new_job(staff_user, total):
    return StaffJob.objects.create(title="Import", total=total, created_by=staff_user)


class RowExplodes(OrganisationResource):
    """An error a widget does not turn into a message: the third row raises."""

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if row["name_en"] == "Worker NGO 2":
            raise RuntimeError("the disk is full")


class ImportDies(OrganisationResource):
    """The import itself fails (the database went away mid-way)."""

    def import_data(self, dataset, **kwargs):
        raise ConnectionError("server closed the connection unexpectedly")


def test_a_row_that_went_bad_after_the_preview_fails_the_job_and_imports_nothing(staff_user):
    # The preview saw Kampot; by the time the worker runs, the province is gone.
    rows = [good_row(0), good_row(1), good_row(2, province="Kampot"), good_row(3)]
    job = new_job(staff_user, len(rows))

    result = import_spreadsheet(job.pk, RESOURCE, rows_json(rows), staff_user.pk)

    job.refresh_from_db()
    assert result == {"imported": 0}
    assert job.status == StaffJob.Status.FAILED and job.done == 0
    assert job.outcome.startswith("Nothing was imported.")
    assert "Row 3: head_office_province: Unknown province “Kampot”." in job.outcome
    assert job.finished_at is not None
    assert not Organisation.objects.exists()


def test_only_the_first_twenty_bad_rows_are_listed(staff_user):
    rows = [good_row(index, province="Atlantis") for index in range(25)]
    job = new_job(staff_user, len(rows))

    import_spreadsheet(job.pk, RESOURCE, rows_json(rows), staff_user.pk)

    job.refresh_from_db()
    listed = [line for line in job.outcome.splitlines() if line.startswith("Row ")]
    assert len(listed) == tasks.ERRORS_SHOWN == 20
    assert listed[0].startswith("Row 1:") and listed[-1].startswith("Row 20:")


def test_a_row_that_raises_fails_the_job_with_its_row_and_rolls_back_the_rows_before_it(
    staff_user,
):
    rows = [good_row(index) for index in range(4)]
    job = new_job(staff_user, len(rows))

    result = import_spreadsheet(job.pk, f"{__name__}.RowExplodes", rows_json(rows), staff_user.pk)

    job.refresh_from_db()
    assert result == {"imported": 0}
    assert job.status == StaffJob.Status.FAILED
    assert "Row 3: the disk is full" in job.outcome
    assert not Organisation.objects.exists()


def test_an_import_that_dies_tells_staff_why_and_lets_the_worker_see_the_error(staff_user):
    rows = [good_row(0)]
    job = new_job(staff_user, len(rows))

    with pytest.raises(ConnectionError):
        import_spreadsheet(job.pk, f"{__name__}.ImportDies", rows_json(rows), staff_user.pk)

    job.refresh_from_db()
    assert job.status == StaffJob.Status.FAILED and job.done == 0
    assert job.outcome == "server closed the connection unexpectedly"
    assert not Organisation.objects.exists()


def test_progress_is_shown_as_rows_go_and_the_end_counts_them(staff_user, monkeypatch):
    ProvinceFactory(code="KH-7", name_en="Kampot", name_km="កំពត", slug="kampot")
    monkeypatch.setattr(tasks, "PROGRESS_EVERY", 2)
    seen = []
    monkeypatch.setattr(tasks, "job_progress", lambda job_id, done: seen.append(done))
    rows = [good_row(index, province="Kampot") for index in range(5)]
    job = new_job(staff_user, len(rows))

    result = import_spreadsheet(job.pk, RESOURCE, rows_json(rows))

    job.refresh_from_db()
    assert result == {"imported": 5}
    assert seen == [2, 4]
    assert job.status == StaffJob.Status.DONE and job.done == 5
    assert job.outcome == "Imported: 5 new, 0 changed, 0 unchanged."
    assert Organisation.objects.filter(head_office_province__code="KH-7").count() == 5


def test_rows_the_worker_cannot_read_fail_the_job(staff_user):
    job = new_job(staff_user, 1)

    with pytest.raises(Exception):  # noqa: B017 - whichever error tablib raises
        import_spreadsheet(job.pk, RESOURCE, "{not json", staff_user.pk)

    job.refresh_from_db()
    assert job.status == StaffJob.Status.FAILED
