"""The two staff groups, "CCC staff" and "Event coordinators", with their permissions.

Later model changes are picked up by the post_migrate hook in ccc_portal.apps, which calls the
same function.
"""

from django.db import migrations

from ccc_portal.permissions import create_all_permissions, sync_staff_groups


def create_groups(apps, schema_editor):
    create_all_permissions(apps)
    sync_staff_groups(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["CCC staff", "Event coordinators"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("members", "0001_initial"),
        ("networks", "0001_initial"),
        ("events", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
