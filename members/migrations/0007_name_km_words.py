from django.db import migrations, models

from core.wordbreak import khmer_word_breaks


def fill_name_km_words(apps, schema_editor):
    Organisation = apps.get_model("members", "Organisation")
    batch = []
    for organisation in Organisation.objects.only("pk", "name_km").iterator(chunk_size=2000):
        organisation.name_km_words = khmer_word_breaks(organisation.name_km or "")
        batch.append(organisation)
        if len(batch) == 2000:
            Organisation.objects.bulk_update(batch, ["name_km_words"])
            batch = []
    Organisation.objects.bulk_update(batch, ["name_km_words"])


class Migration(migrations.Migration):
    dependencies = [("members", "0006_search_walk_indexes")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="name_km_words",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.AddField(
            model_name="historicalorganisation",
            name="name_km_words",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.RunPython(fill_name_km_words, migrations.RunPython.noop),
    ]
