# Certificates of attendance (H5): the outbox of certificates emailed to attendees, one row per
# registration. Written by hand (the other reserved migrations are filled at the same time).
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0009_message_languages")]

    operations = [
        migrations.CreateModel(
            name="CertificateDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("claimed", "Being sent"),
                            ("sent", "Sent"),
                            ("failed", "Failed"),
                            ("skipped", "No longer needed"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
                (
                    "next_attempt_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="next attempt"
                    ),
                ),
                ("claimed_at", models.DateTimeField(blank=True, null=True, verbose_name="claimed")),
                ("claim_token", models.UUIDField(blank=True, editable=False, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                (
                    "attempts",
                    models.PositiveSmallIntegerField(default=0, verbose_name="failed attempts"),
                ),
                ("error", models.TextField(blank=True, verbose_name="last error")),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="certificate_deliveries",
                        to="events.registration",
                        verbose_name="registration",
                    ),
                ),
            ],
            options={
                "verbose_name": "certificate delivery",
                "verbose_name_plural": "certificate deliveries",
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(
                        fields=["status", "next_attempt_at"], name="events_cert_status_23e4ae_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("registration",), name="certificate_delivery_once"
                    )
                ],
            },
        ),
    ]
