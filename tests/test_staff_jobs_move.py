"""Staff jobs moved from ccc_portal to core: a database from before the move keeps its jobs, and
the people who could follow them still can."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import StaffJob

BEFORE_THE_MOVE = [("ccc_portal", "0003_staff_jobs"), ("core", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_jobs_and_the_right_to_see_them_survive_the_move(django_user_model):
    executor = migrate(BEFORE_THE_MOVE)
    try:
        old_apps = executor.loader.project_state([("ccc_portal", "0003_staff_jobs")]).apps
        OldStaffJob = old_apps.get_model("ccc_portal", "StaffJob")
        job = OldStaffJob.objects.create(
            title="Import of 2,000 organisations from register.xlsx",
            status="done",
            total=2000,
            done=2000,
            outcome="Imported: 2000 new, 0 changed, 0 unchanged.",
        )
        clerk = django_user_model.objects.create_user("clerk", "clerk@example.org", "pw")
        clerk.user_permissions.add(
            Permission.objects.get(content_type__app_label="ccc_portal", codename="view_staffjob")
        )
    finally:
        migrate(latest())

    moved = StaffJob.objects.get(pk=job.pk)
    assert moved.title == "Import of 2,000 organisations from register.xlsx"
    assert (moved.status, moved.done, moved.total) == ("done", 2000, 2000)
    assert moved.outcome == "Imported: 2000 new, 0 changed, 0 unchanged."
    clerk = django_user_model.objects.get(pk=clerk.pk)
    assert clerk.has_perm("core.view_staffjob")
    assert not ContentType.objects.filter(app_label="ccc_portal", model="staffjob").exists()
