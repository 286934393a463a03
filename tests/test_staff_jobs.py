"""Long staff actions run in Celery, and the admin shows how far they got and how they ended."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import StaffJob
from members.models import Organisation

pytestmark = pytest.mark.django_db


def run_inline(monkeypatch, task):
    monkeypatch.setattr(task, "delay", lambda *args: task.apply(args=args))


def test_a_big_import_runs_in_a_worker_with_progress(
    client, staff_user, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from core.tasks import import_spreadsheet

    settings.IMPORT_IN_BACKGROUND_ROWS = 10
    run_inline(monkeypatch, import_spreadsheet)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name_km", "name_en", "kind", "membership_status"])
    for index in range(25):
        writer.writerow([f"អង្គការ{index}", f"Imported NGO {index}", "local_ngo", "active"])
    client.force_login(staff_user)
    preview = client.post(
        "/en/admin/members/organisation/import/",
        {
            "import_file": SimpleUploadedFile("big.csv", buffer.getvalue().encode()),
            "format": "1",
            "resource": "0",
        },
    )
    form = preview.context["confirm_form"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/admin/members/organisation/process_import/", {**form.initial, "resource": "0"}
        )
    job = StaffJob.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/core/staffjob/{job.pk}/change/")
    assert job.status == "done" and job.done == job.total == 25
    assert "25 new" in job.outcome
    assert Organisation.objects.filter(name_en__startswith="Imported NGO").count() == 25
    page = client.get(response["Location"])
    assert 'value="100"' in page.text and "25 / 25" in page.text


def test_running_jobs_refresh_their_page(client, staff_user):
    job = StaffJob.objects.create(title="Long import", total=1000, status="running")
    from core.jobs import job_progress

    job_progress(job.pk, 400)
    client.force_login(staff_user)
    page = client.get(f"/en/admin/core/staffjob/{job.pk}/change/")
    assert 'http-equiv="refresh"' in page.text
    assert "400 / 1000" in page.text
