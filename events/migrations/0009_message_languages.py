# Reserved for H4 (bilingual staff messages): write this migration's operations by hand.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("events", "0008_series_recurrence")]

    operations = []
