"""StaffJob moves from ccc_portal to core, its table and rows untouched.

The table stays "ccc_portal_staffjob" (made by ccc_portal's 0003, named in the model's Meta):
this migration only tells Django's state that the model is core's now, and ccc_portal's 0004
takes it out of ccc_portal's state. The content type moves with it, so the permission rows
staff groups and users hold ("view staff jobs"…) and the admin's log entries stay attached.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, source="ccc_portal", target="core"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    if content_types.filter(app_label=target, model="staffjob").exists():
        return
    content_types.filter(app_label=source, model="staffjob").update(app_label=target)
    ContentType.objects.clear_cache()


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="core", target="ccc_portal")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("ccc_portal", "0003_staff_jobs"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StaffJob",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("title", models.CharField(max_length=255, verbose_name="title")),
                        ("status", models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")], default="queued", max_length=10, verbose_name="status")),
                        ("total", models.PositiveIntegerField(default=0, verbose_name="total")),
                        ("done", models.PositiveIntegerField(default=0, verbose_name="done")),
                        ("outcome", models.TextField(blank=True, verbose_name="outcome")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="started")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="started by")),
                    ],
                    options={
                        "verbose_name": "staff job",
                        "verbose_name_plural": "staff jobs",
                        "db_table": "ccc_portal_staffjob",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
