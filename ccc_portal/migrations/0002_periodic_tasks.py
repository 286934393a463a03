"""The beat schedule, as rows staff can see and edit (django-celery-beat)."""

from django.db import migrations

SWEEP = "Send due reminders and owed emails"
DIGEST = "Weekly MoU expiry digest"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SWEEP,
        defaults={"task": "events.tasks.sweep_outbox", "interval": every_minute},
    )
    monday_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="1",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Phnom_Penh",
    )
    PeriodicTask.objects.get_or_create(
        name=DIGEST,
        defaults={"task": "networks.tasks.send_mou_expiry_digest", "crontab": monday_morning},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[SWEEP, DIGEST]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ccc_portal", "0001_staff_groups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
