import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0014_questions")]

    operations = [
        migrations.CreateModel(
            name="EventPhoto",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("source_name", models.CharField(editable=False, max_length=255)),
                (
                    "large",
                    models.FileField(
                        editable=False, max_length=255, upload_to="", verbose_name="large copy"
                    ),
                ),
                ("large_width", models.PositiveIntegerField(editable=False)),
                ("large_height", models.PositiveIntegerField(editable=False)),
                (
                    "thumbnail",
                    models.FileField(
                        editable=False, max_length=255, upload_to="", verbose_name="thumbnail"
                    ),
                ),
                ("thumbnail_width", models.PositiveIntegerField(editable=False)),
                ("thumbnail_height", models.PositiveIntegerField(editable=False)),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="web_photos",
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
                (
                    "material",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="web_photo",
                        to="events.eventmaterial",
                        verbose_name="material",
                    ),
                ),
            ],
            options={
                "verbose_name": "web copy of a photo",
                "verbose_name_plural": "web copies of photos",
                "ordering": ["material__order", "material__pk"],
            },
        ),
        migrations.CreateModel(
            name="EventReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "narrative",
                    models.TextField(
                        blank=True,
                        help_text=(
                            "What was discussed and decided, and what comes next. No one's name."
                        ),
                        verbose_name="narrative",
                    ),
                ),
                (
                    "narrative_km",
                    models.TextField(
                        blank=True,
                        help_text=(
                            "What was discussed and decided, and what comes next. No one's name."
                        ),
                        null=True,
                        verbose_name="narrative",
                    ),
                ),
                (
                    "narrative_en",
                    models.TextField(
                        blank=True,
                        help_text=(
                            "What was discussed and decided, and what comes next. No one's name."
                        ),
                        null=True,
                        verbose_name="narrative",
                    ),
                ),
                (
                    "is_published",
                    models.BooleanField(
                        default=False,
                        help_text="Shown on the event's page once the event has ended.",
                        verbose_name="published",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="report",
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
            ],
            options={
                "verbose_name": "event report",
                "verbose_name_plural": "event reports",
                "ordering": ["-event__starts_at"],
            },
        ),
    ]
