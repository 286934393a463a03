# Written by hand (H2: series recurrence; duplicate).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0007_event_message_outbox")]

    operations = [
        migrations.AddField(
            model_name="eventseries",
            name="recurrence_rule",
            field=models.CharField(
                blank=True,
                help_text=(
                    "An iCalendar rule (RRULE). For example FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU is "
                    "every second month on the first Tuesday, and FREQ=MONTHLY;BYDAY=-1FR the "
                    "last Friday of every month. Leave empty if the series has no rule."
                ),
                max_length=500,
                verbose_name="recurrence rule",
            ),
        ),
        migrations.AddField(
            model_name="eventseries",
            name="recurrence_starts_at",
            field=models.DateTimeField(
                blank=True,
                help_text=(
                    "The date and time the rule counts from. Every occurrence starts at this "
                    "time of day."
                ),
                null=True,
                verbose_name="first occurrence",
            ),
        ),
        migrations.AddField(
            model_name="eventseries",
            name="recurrence_dates",
            field=models.TextField(
                blank=True,
                help_text=(
                    "Dates outside the rule, or instead of one: one per line, written as "
                    "year-month-day (for example 2027-03-16)."
                ),
                verbose_name="extra dates",
            ),
        ),
        migrations.AddField(
            model_name="eventseries",
            name="recurrence_template",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "Each new occurrence copies this event of the series. Leave empty to copy "
                    "the series' latest event."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="events.event",
                verbose_name="event to copy",
            ),
        ),
    ]
