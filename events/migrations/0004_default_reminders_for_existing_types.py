import datetime

from django.db import migrations

OUT_OF_THE_BOX = [datetime.timedelta(days=1), datetime.timedelta(hours=2)]


def add_defaults(apps, schema_editor):
    EventType = apps.get_model("events", "EventType")
    DefaultReminder = apps.get_model("events", "DefaultReminder")
    for event_type in EventType.objects.all():
        for offset in OUT_OF_THE_BOX:
            DefaultReminder.objects.get_or_create(event_type=event_type, offset=offset)


class Migration(migrations.Migration):
    dependencies = [("events", "0003_outbox_and_default_reminders")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
