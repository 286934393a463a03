# Staff messages to registrants in Khmer and in English (H4): the translation fields that
# events/translation.py registers for EventMessage, and each message written before gets its
# one text in both languages, so that every reader still gets what was sent. review_key keeps
# a message from being sent twice from the same review page.
from django.db import migrations, models


def copy_text_into_both_languages(apps, schema_editor):
    EventMessage = apps.get_model("events", "EventMessage")
    for message in EventMessage.objects.all().only("pk", "subject", "body").iterator():
        EventMessage.objects.filter(pk=message.pk).update(
            subject_km=message.subject,
            subject_en=message.subject,
            body_km=message.body,
            body_en=message.body,
        )


def copy_khmer_back(apps, schema_editor):
    EventMessage = apps.get_model("events", "EventMessage")
    for message in EventMessage.objects.all().iterator():
        subject = message.subject_km or message.subject_en or message.subject
        body = message.body_km or message.body_en or message.body
        EventMessage.objects.filter(pk=message.pk).update(subject=subject, body=body)


class Migration(migrations.Migration):
    dependencies = [("events", "0008_series_recurrence")]

    operations = [
        migrations.AddField(
            model_name="eventmessage",
            name="subject_km",
            field=models.CharField(max_length=200, null=True, verbose_name="subject"),
        ),
        migrations.AddField(
            model_name="eventmessage",
            name="subject_en",
            field=models.CharField(max_length=200, null=True, verbose_name="subject"),
        ),
        migrations.AddField(
            model_name="eventmessage",
            name="body_km",
            field=models.TextField(null=True, verbose_name="message"),
        ),
        migrations.AddField(
            model_name="eventmessage",
            name="body_en",
            field=models.TextField(null=True, verbose_name="message"),
        ),
        migrations.AddField(
            model_name="eventmessage",
            name="review_key",
            field=models.UUIDField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.RunPython(copy_text_into_both_languages, copy_khmer_back, elidable=True),
    ]
