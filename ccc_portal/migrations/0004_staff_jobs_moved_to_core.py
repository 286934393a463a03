"""StaffJob now belongs to core (core/migrations/0001_staff_jobs_from_ccc_portal.py): it leaves
ccc_portal's state only. Its table, "ccc_portal_staffjob", stays where it is, rows and all."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ccc_portal", "0003_staff_jobs"),
        ("core", "0001_staff_jobs_from_ccc_portal"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="StaffJob")],
            database_operations=[],
        ),
    ]
