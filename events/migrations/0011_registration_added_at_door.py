from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0010_certificates")]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="added_at_door",
            field=models.BooleanField(default=False, editable=False, verbose_name="walk-in"),
        ),
    ]
