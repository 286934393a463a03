# Questions per event (issue 15, part 1): see events.questions.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0013_approval_and_offers")]

    operations = [
        migrations.CreateModel(
            name="EventQuestion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("label", models.CharField(max_length=255, verbose_name="question")),
                ("label_km", models.CharField(max_length=255, null=True, verbose_name="question")),
                ("label_en", models.CharField(max_length=255, null=True, verbose_name="question")),
                (
                    "help_text",
                    models.CharField(blank=True, max_length=500, verbose_name="help text"),
                ),
                (
                    "help_text_km",
                    models.CharField(
                        blank=True, max_length=500, null=True, verbose_name="help text"
                    ),
                ),
                (
                    "help_text_en",
                    models.CharField(
                        blank=True, max_length=500, null=True, verbose_name="help text"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("short_text", "Short text"),
                            ("long_text", "Long text"),
                            ("one_choice", "One choice"),
                            ("several_choices", "Several choices"),
                            ("yes_no", "Yes or no"),
                            ("number", "Whole number"),
                        ],
                        default="short_text",
                        help_text="The choices of a choice question, and the range of a number, are set on the question's own page (“Change”, once it is saved).",
                        max_length=20,
                        verbose_name="kind of answer",
                    ),
                ),
                (
                    "required",
                    models.BooleanField(
                        default=False,
                        help_text="People registering online must answer it. Staff adding a registration may leave it empty.",
                        verbose_name="required",
                    ),
                ),
                (
                    "min_value",
                    models.IntegerField(
                        blank=True,
                        help_text="For a number only.",
                        null=True,
                        verbose_name="smallest number",
                    ),
                ),
                (
                    "max_value",
                    models.IntegerField(
                        blank=True,
                        help_text="For a number only.",
                        null=True,
                        verbose_name="largest number",
                    ),
                ),
                (
                    "max_choices",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="For several choices only: how many one person may choose. Empty: any.",
                        null=True,
                        verbose_name="most choices",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "event",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="questions",
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
                (
                    "event_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="template_questions",
                        to="events.eventtype",
                        verbose_name="event type",
                    ),
                ),
            ],
            options={
                "verbose_name": "question",
                "verbose_name_plural": "questions",
                "ordering": ["order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="EventQuestionChoice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("label", models.CharField(max_length=255, verbose_name="choice")),
                ("label_km", models.CharField(max_length=255, null=True, verbose_name="choice")),
                ("label_en", models.CharField(max_length=255, null=True, verbose_name="choice")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="choices",
                        to="events.eventquestion",
                        verbose_name="question",
                    ),
                ),
            ],
            options={
                "verbose_name": "choice",
                "verbose_name_plural": "choices",
                "ordering": ["order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="RegistrationAnswer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "question_label_km",
                    models.CharField(blank=True, max_length=255, verbose_name="question in Khmer"),
                ),
                (
                    "question_label_en",
                    models.CharField(
                        blank=True, max_length=255, verbose_name="question in English"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("short_text", "Short text"),
                            ("long_text", "Long text"),
                            ("one_choice", "One choice"),
                            ("several_choices", "Several choices"),
                            ("yes_no", "Yes or no"),
                            ("number", "Whole number"),
                        ],
                        max_length=20,
                        verbose_name="kind of answer",
                    ),
                ),
                ("text", models.TextField(blank=True, verbose_name="text")),
                ("number", models.IntegerField(blank=True, null=True, verbose_name="number")),
                ("yes", models.BooleanField(blank=True, null=True, verbose_name="yes")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "question",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="answers",
                        to="events.eventquestion",
                        verbose_name="question",
                    ),
                ),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="events.registration",
                        verbose_name="registration",
                    ),
                ),
            ],
            options={
                "verbose_name": "answer",
                "verbose_name_plural": "answers",
                "ordering": ["registration", "order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="RegistrationAnswerChoice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "label_km",
                    models.CharField(blank=True, max_length=255, verbose_name="choice in Khmer"),
                ),
                (
                    "label_en",
                    models.CharField(blank=True, max_length=255, verbose_name="choice in English"),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "answer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="chosen",
                        to="events.registrationanswer",
                        verbose_name="answer",
                    ),
                ),
                (
                    "choice",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="chosen_in",
                        to="events.eventquestionchoice",
                        verbose_name="choice",
                    ),
                ),
            ],
            options={
                "verbose_name": "chosen choice",
                "verbose_name_plural": "chosen choices",
                "ordering": ["answer", "order", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="eventquestion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("event__isnull", False), ("event_type__isnull", True)),
                    models.Q(("event__isnull", True), ("event_type__isnull", False)),
                    _connector="OR",
                ),
                name="event_question_of_event_or_type",
                violation_error_message="A question belongs either to an event or to an event type.",
            ),
        ),
        migrations.AddConstraint(
            model_name="eventquestion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("min_value__isnull", True),
                    ("max_value__isnull", True),
                    ("max_value__gte", models.F("min_value")),
                    _connector="OR",
                ),
                name="event_question_range_in_order",
                violation_error_message="The largest number must not be smaller than the smallest.",
            ),
        ),
        migrations.AddConstraint(
            model_name="registrationanswer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("question__isnull", False)),
                fields=("registration", "question"),
                name="registration_answer_once_per_question",
            ),
        ),
    ]
