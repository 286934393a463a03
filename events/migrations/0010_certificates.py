# Reserved for H5 (certificates of attendance): write this migration's operations by hand.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("events", "0009_message_languages")]

    operations = []
