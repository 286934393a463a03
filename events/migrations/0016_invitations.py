# Invitations for closed meetings (issue 15, part 4): Event.by_invitation, EventInvitation and
# its outbox, InvitationDelivery.

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

BY_INVITATION = models.BooleanField(
    default=False,
    help_text=(
        "Only people invited from the event's “Invitations” page can register, each through "
        "the personal link in their invitation."
    ),
    verbose_name="by invitation only",
)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0015_public_report"),
        ("members", "0006_search_walk_indexes"),
        ("networks", "0004_mou_digest_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(model_name="event", name="by_invitation", field=BY_INVITATION),
        migrations.AddField(
            model_name="historicalevent", name="by_invitation", field=BY_INVITATION
        ),
        migrations.CreateModel(
            name="EventInvitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254, verbose_name="email")),
                ("name", models.CharField(blank=True, max_length=150, verbose_name="name")),
                (
                    "language",
                    models.CharField(
                        choices=[("km", "ខ្មែរ"), ("en", "English")],
                        default="km",
                        max_length=2,
                        verbose_name="preferred language",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("invited", "Invited, no answer yet"),
                            ("registered", "Registered"),
                            ("declined", "Declined"),
                        ],
                        default="invited",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="invited"),
                ),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="answered"),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="event_invitations",
                        to="members.contact",
                        verbose_name="contact",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
                (
                    "invited_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="invited by",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="event_invitations",
                        to="networks.provincialnetwork",
                        verbose_name="provincial network",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="event_invitations",
                        to="members.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "registration",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="invitations",
                        to="events.registration",
                        verbose_name="registration",
                    ),
                ),
            ],
            options={
                "verbose_name": "invitation",
                "verbose_name_plural": "invitations",
                "ordering": ["event", "created_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="InvitationDelivery",
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
                    "kind",
                    models.CharField(
                        choices=[("invitation", "Invitation"), ("reminder", "Reminder")],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                (
                    "invitation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="events.eventinvitation",
                        verbose_name="invitation",
                    ),
                ),
            ],
            options={
                "verbose_name": "invitation email",
                "verbose_name_plural": "invitation emails",
                "ordering": ["-created_at"],
            },
        ),
        migrations.AddConstraint(
            model_name="eventinvitation",
            constraint=models.UniqueConstraint(
                fields=("event", "email"),
                name="event_invitation_one_per_email",
                violation_error_message="This address is already invited to this event.",
            ),
        ),
        migrations.AddIndex(
            model_name="invitationdelivery",
            index=models.Index(
                fields=["status", "next_attempt_at"], name="events_invi_status_5f44a5_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="invitationdelivery",
            constraint=models.UniqueConstraint(
                fields=("invitation", "kind"), name="invitation_delivery_once"
            ),
        ),
    ]
