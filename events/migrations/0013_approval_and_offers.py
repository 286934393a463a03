# Approval before confirming, and freed seats offered from the waiting list (issue 15).
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0012_event_materials"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="offer_window_hours",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="When a seat is freed, the first person on the waiting list is offered it for this many hours; if they do not accept in time, it passes to the next. Leave empty to give the seat at once.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(336),
                ],
                verbose_name="hours to accept a freed seat",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="requires_approval",
            field=models.BooleanField(
                default=False,
                help_text="New registrations wait for a staff member to approve them before they take a seat.",
                verbose_name="approve registrations first",
            ),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="offer_window_hours",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="When a seat is freed, the first person on the waiting list is offered it for this many hours; if they do not accept in time, it passes to the next. Leave empty to give the seat at once.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(336),
                ],
                verbose_name="hours to accept a freed seat",
            ),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="requires_approval",
            field=models.BooleanField(
                default=False,
                help_text="New registrations wait for a staff member to approve them before they take a seat.",
                verbose_name="approve registrations first",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="decided_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="approved or rejected at"
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="approved or rejected by",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="decision_reason",
            field=models.TextField(blank=True, editable=False, verbose_name="reason given"),
        ),
        migrations.AddField(
            model_name="registration",
            name="offer_expires_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="offer open until"
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="offer_outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("accepted", "Accepted"),
                    ("declined", "Declined"),
                    ("passed_on", "Passed on (not accepted in time)"),
                ],
                editable=False,
                max_length=10,
                verbose_name="seat offer",
            ),
        ),
        migrations.AlterField(
            model_name="registration",
            name="status",
            field=models.CharField(
                choices=[
                    ("confirmed", "Confirmed"),
                    ("waiting", "Waiting list"),
                    ("cancelled", "Cancelled"),
                    ("attended", "Attended"),
                    ("pending", "Awaiting approval"),
                    ("offered", "Seat offered"),
                    ("rejected", "Not approved"),
                ],
                default="confirmed",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="registrationnotice",
            name="kind",
            field=models.CharField(
                choices=[
                    ("confirmed", "Confirmation"),
                    ("waiting", "Waiting list"),
                    ("promoted", "Promoted from the waiting list"),
                    ("existing", "Link sent again"),
                    ("cancelled", "Cancellation confirmed"),
                    ("changed", "Event changed"),
                    ("event_cancelled", "Event cancelled"),
                    ("pending", "Awaiting approval"),
                    ("rejected", "Not approved"),
                    ("offered", "Seat offered"),
                    ("offer_passed", "Seat offer passed on"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(
                condition=models.Q(("status", "offered")),
                fields=["offer_expires_at"],
                name="registration_open_offers",
            ),
        ),
    ]
