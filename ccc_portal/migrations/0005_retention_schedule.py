"""The nightly retention run (privacy.tasks.anonymise_expired_registrations) as a beat row
staff can see; 02:30 in Phnom Penh, when no one registers."""

from django.db import migrations

RETENTION = "Anonymise registrants' personal data after the retention period"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Phnom_Penh",
    )
    PeriodicTask.objects.get_or_create(
        name=RETENTION,
        defaults={"task": "privacy.tasks.anonymise_expired_registrations", "crontab": nightly},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=RETENTION).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ccc_portal", "0004_staff_jobs_moved_to_core"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
