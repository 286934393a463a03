# Reserved for H2 (series recurrence; duplicate): write this migration's operations by hand.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("events", "0007_event_message_outbox")]

    operations = []
