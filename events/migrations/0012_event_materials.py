# Event materials and minutes (issue 15, part 6); operations written by hand.
import django.db.models.deletion
from django.db import migrations, models

import core.storage
import events.models


class Migration(migrations.Migration):
    dependencies = [("events", "0011_registration_added_at_door")]

    operations = [
        migrations.CreateModel(
            name="EventMaterial",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("agenda", "Agenda"),
                            ("presentation", "Presentation"),
                            ("minutes", "Minutes"),
                            ("photo", "Photo"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("title", models.CharField(max_length=255, verbose_name="title")),
                ("title_km", models.CharField(max_length=255, null=True, verbose_name="title")),
                ("title_en", models.CharField(max_length=255, null=True, verbose_name="title")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        help_text=(
                            "PDF, image, Word, Excel or PowerPoint, at most 20 MB. Or give a link."
                        ),
                        max_length=255,
                        storage=core.storage.PrivateStorage(),
                        upload_to="event-materials/%Y/%m/",
                        validators=[events.models.validate_material_file],
                        verbose_name="file",
                    ),
                ),
                ("url", models.URLField(blank=True, max_length=500, verbose_name="link")),
                (
                    "visibility",
                    models.CharField(
                        choices=[("public", "Everyone"), ("registrants", "Registrants only")],
                        default="registrants",
                        help_text=(
                            "Registrants-only materials are shown on each confirmed registrant's"
                            " own page, with a link that works for seven days."
                        ),
                        max_length=12,
                        verbose_name="who can see it",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="materials",
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
            ],
            options={
                "verbose_name": "material",
                "verbose_name_plural": "materials",
                "ordering": ["order", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=(models.Q(file="") & ~models.Q(url=""))
                        | (~models.Q(file="") & models.Q(url="")),
                        name="event_material_file_or_link",
                        violation_error_message="Give either a file or a link, not both.",
                    )
                ],
            },
        ),
    ]
