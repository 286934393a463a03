"""Evaluation surveys: a survey of an event (or an event type's template for its events), its
questions, one invitation per attendee (an outbox row) and the responses.

Anonymous surveys keep no way back from a response to the person (docs/decisions.md,
"Evaluation surveys"): a response and its answers have random (UUID) keys, no link to the
invitation or the registration, and only the date they came in; the invitation only learns
that it was used (a flag, no time).
"""

import datetime
import uuid

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventType, OutboxEntry, OutboxQuerySet, Registration

INVITATION_TOKEN_SALT = "surveys.invitation.answer"
RATING_MIN, RATING_MAX = 1, 5


class SurveyQuerySet(models.QuerySet):
    def templates(self):
        """Event types' templates, copied for each of their events that ends."""
        return self.filter(event_type__isnull=False)

    def of_events(self):
        return self.filter(event__isnull=False)


class Survey(models.Model):
    """The survey of one event, or the template of an event type (exactly one of the two)."""

    title = models.CharField(_("title"), max_length=255)
    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown above the questions.")
    )
    event = models.OneToOneField(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="survey",
        null=True,
        blank=True,
    )
    event_type = models.OneToOneField(
        EventType,
        verbose_name=_("template for the event type"),
        on_delete=models.CASCADE,
        related_name="survey_template",
        null=True,
        blank=True,
        help_text=_(
            "A template: each event of this type that ends after the template was made gets "
            "a copy of it, unless the event has a survey of its own."
        ),
    )
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_(
            "Responses are kept without any link to the person who answered. This cannot be "
            "changed once the invitations have gone out."
        ),
    )
    open_days = models.PositiveSmallIntegerField(
        _("days open"),
        default=30,
        help_text=_("How many days after the event ends people may answer."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evaluation survey")
        verbose_name_plural = _("evaluation surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, event_type__isnull=True)
                | Q(event__isnull=True, event_type__isnull=False),
                name="survey_of_an_event_or_a_type",
                violation_error_message=_(
                    "Choose either an event or an event type (for a template), not both."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_template(self):
        return self.event_type_id is not None

    def closes_at(self):
        """The end of answering: `open_days` after the event ends (None for a template)."""
        if self.event is None:
            return None
        return self.event.ends_at + datetime.timedelta(days=self.open_days)

    def is_open(self, now=None):
        """Answers are taken: the event has ended and the survey has not closed."""
        if self.event is None:
            return False
        now = now or timezone.now()
        return self.event.ends_at <= now < self.closes_at()


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating from 1 to 5")
        ONE_CHOICE = "one_choice", _("One choice")
        SEVERAL_CHOICES = "several_choices", _("Several choices")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")

    CHOICE_KINDS = (Kind.ONE_CHOICE, Kind.SEVERAL_CHOICES)
    TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=True)
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_("For one choice or several choices: one choice per line, in the same order "
                    "in both languages."),
    )  # fmt: skip

    class Meta:
        ordering = ["survey", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.label

    @staticmethod
    def _lines(text):
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def choice_list(self):
        """The choices in the active language (modeltranslation falls back to the other)."""
        return self._lines(self.choices)

    def clean(self):
        super().clean()
        counts = {
            language: len(self._lines(getattr(self, f"choices_{language}", "")))
            for language in ("km", "en")
        }
        errors = {}
        if self.kind in self.CHOICE_KINDS:
            errors = {
                f"choices_{language}": _("Give at least two choices, one per line.")
                for language, count in counts.items()
                if count < 2
            }
        if not errors and self.kind in self.CHOICE_KINDS and counts["km"] != counts["en"]:
            errors["choices_en"] = _("Give the same number of choices in Khmer and in English.")
        if not errors:
            errors = self._answered_choices_kept(counts["en"])
        if errors:
            raise ValidationError(errors)

    def _answered_choices_kept(self, count):
        """Answers store the positions of the choices: once people have answered, the kind and
        the number of choices stay (a spelling fix on a line is fine; a new or moved choice
        would change what earlier answers say)."""
        if self.pk is None or not self.answers.exists():
            return {}
        saved = type(self).objects.get(pk=self.pk)
        if saved.kind == self.kind and len(self._lines(saved.choices_en)) == count:
            return {}
        return {
            "kind" if saved.kind != self.kind else "choices_en": _(
                "People have already answered this question, so its kind and its number of "
                "choices stay as they are; keep each choice on its line. To ask something "
                "else, add a new question."
            )
        }


class InvitationQuerySet(OutboxQuerySet):
    def for_delivery(self):
        return self.select_related("registration__event", "survey__event")


class SurveyInvitation(OutboxEntry):
    """One attendee's link to a survey, and its email (an outbox row): one per survey and
    registration, so the sweep may run any number of times. `answered` is all it learns when
    the link is used: no time, nothing that points at the response."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations"
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    # Random and never shown as such: the link carries it signed (see token).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    answered = models.BooleanField(_("answered"), default=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "registration"], name="survey_invitation_once"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return str(self.registration)

    def is_owed(self, now=None):
        """Still worth emailing: marked as attended, not answered, the survey still open, the
        person's data not anonymised."""
        return (
            self.registration.status == Registration.Status.ATTENDED
            and self.registration.anonymised_at is None
            and not self.answered
            and self.survey.is_open(now)
        )

    @property
    def token(self):
        return signing.dumps(str(self.public_id), salt=INVITATION_TOKEN_SALT)

    @staticmethod
    def public_id_from_token(token):
        """The public id a link carries, or None when we did not sign it."""
        try:
            return uuid.UUID(signing.loads(token, salt=INVITATION_TOKEN_SALT))
        except (signing.BadSignature, ValueError, TypeError):
            return None


class SurveyResponse(models.Model):
    """One attendee's answers. In an anonymous survey `registration` stays empty; the random
    key and the bare date leave nothing to line it up with an invitation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.SET_NULL,
        related_name="survey_responses",
        null=True,
        blank=True,
    )
    submitted_on = models.DateField(_("submitted on"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "registration"],
                condition=Q(registration__isnull=False),
                name="survey_response_once_per_person",
            ),
        ]

    def __str__(self):
        return str(self.survey)


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    # The positions of the chosen choices (0 for the first), the same in both languages.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="answer_rating_in_range",
            ),
        ]

    def __str__(self):
        return str(self.question)
