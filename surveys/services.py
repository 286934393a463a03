"""Evaluation surveys: copying a type's template, inviting attendees once, and taking one
response per invitation (docs/decisions.md, "Evaluation surveys")."""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, Registration
from events.telegram_outbox import SURVEY, telegram_queue_links

from .delivery import deliver_invitations
from .emails import invitation_url
from .models import Answer, Question, Survey, SurveyInvitation, SurveyResponse

logger = logging.getLogger(__name__)

TRANSLATED_QUESTION_FIELDS = ("label_km", "label_en", "choices_km", "choices_en")


class SurveyRefused(Exception):
    """A survey link that cannot be answered: `message` for the person, `status` for the page."""

    def __init__(self, message, status, code):
        super().__init__(str(message))
        self.message, self.status, self.code = message, status, code


def _invalid():
    return SurveyRefused(
        _("This survey link is not valid. Please use the link in your email as it is."),
        404,
        "invalid",
    )


def _not_attended():
    return SurveyRefused(
        _("This survey is for the people who took part in the event. The event team has "
          "not marked you as having attended; if you did, please contact them."),
        403,
        "not_attended",
    )  # fmt: skip


def _already_answered():
    return SurveyRefused(
        _("This survey has already been answered with this link. Thank you: each person "
          "answers once."),
        409,
        "answered",
    )  # fmt: skip


def survey_copy_questions(*, survey: Survey, template: Survey) -> int:
    """Copy the template's questions into `survey` when it has none yet; returns how many
    were copied (0 when it already had questions: nothing is ever added twice)."""
    with transaction.atomic():
        list(Survey.objects.select_for_update().filter(pk=survey.pk).values_list("pk"))
        if survey.questions.exists():
            return 0
        copies = [
            Question(
                survey=survey,
                position=question.position,
                kind=question.kind,
                required=question.required,
                **{field: getattr(question, field) for field in TRANSLATED_QUESTION_FIELDS},
            )
            for question in template.questions.all()
        ]
        Question.objects.bulk_create(copies)
    return len(copies)


def survey_from_template(*, event: Event, template: Survey) -> Survey:
    """The event's survey: its own if it has one, or else a copy of `template` made now.
    One survey per event (unique), so two sweeps at once make one copy."""
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                event=event,
                title_km=template.title_km,
                title_en=template.title_en,
                intro_km=template.intro_km,
                intro_en=template.intro_en,
                anonymous=template.anonymous,
                open_days=template.open_days,
            )
            survey_copy_questions(survey=survey, template=template)
    except IntegrityError:
        return Survey.objects.get(event=event)
    return survey


def _events_owed_a_template_copy(now):
    """Ended published events without a survey whose type has a template made before they
    ended, still within the template's days open (older events never get one)."""
    candidates = Event.objects.filter(
        status=Event.Status.PUBLISHED,
        ends_at__lte=now,
        survey__isnull=True,
        event_type__survey_template__isnull=False,
    ).select_related("event_type__survey_template")
    for event in candidates:
        template = event.event_type.survey_template
        if template.created_at <= event.ends_at and not _closed(event, template, now):
            yield event, template


def _closed(event, survey, now):
    return now >= event.ends_at + datetime.timedelta(days=survey.open_days)


def surveys_invite(*, now=None) -> int:
    """Owe each attendee of every ended event with an open survey one invitation; returns how
    many were added.

    Templates are copied first (survey_from_template). Only people marked as attended are
    invited; those marked later are invited by a later run. One invitation per survey and
    registration (unique): running twice, or two runs at once, invites nobody twice. A worker
    is asked after commit; the sweep sends what that misses.
    """
    now = now or timezone.now()
    for event, template in list(_events_owed_a_template_copy(now)):
        survey_from_template(event=event, template=template)
    surveys = (
        Survey.objects.filter(
            event__status=Event.Status.PUBLISHED,
            event__ends_at__lte=now,
            questions__isnull=False,
        )
        .select_related("event")
        .distinct()
    )
    added = 0
    for survey in surveys:
        if not survey.is_open(now):
            continue
        invited = SurveyInvitation.objects.filter(survey=survey, registration=OuterRef("pk"))
        owed = list(
            survey.event.registrations.filter(status=Registration.Status.ATTENDED)
            .filter(~Exists(invited))
            .values_list("pk", flat=True)
        )
        if not owed:
            continue
        with transaction.atomic():
            SurveyInvitation.objects.bulk_create(
                [SurveyInvitation(survey=survey, registration_id=pk) for pk in owed],
                ignore_conflicts=True,
            )
            _telegram_the_links(survey, owed)
            transaction.on_commit(_ask_a_worker)
        added += len(owed)
    return added


def _telegram_the_links(survey, registration_ids):
    """The survey's link on Telegram too, for attendees who opted in (events.telegram_outbox),
    each with their own invitation's link, in the same transaction as the invitations."""
    invitations = SurveyInvitation.objects.filter(
        survey=survey,
        registration_id__in=registration_ids,
        registration__telegram_chat__isnull=False,
    ).select_related("registration")
    links = {
        invitation.registration_id: invitation_url(invitation, invitation.registration.language)
        for invitation in invitations
    }
    telegram_queue_links(kind=SURVEY, once_key=f"survey:{survey.pk}", links=links)


def _ask_a_worker():
    try:
        deliver_invitations.delay()
    except Exception:  # broker unreachable: the sweep sends them later
        logger.warning("Could not queue survey invitations; the sweep will send them")


def invitation_for_token(token, now=None) -> SurveyInvitation:
    """The invitation a link stands for, if it may still be answered; otherwise raises
    SurveyRefused: a link we did not sign (404), someone not marked as attended (403), a
    survey already answered (409) or closed (410)."""
    public_id = SurveyInvitation.public_id_from_token(token)
    if public_id is None:
        raise _invalid()
    invitation = (
        SurveyInvitation.objects.select_related("survey__event", "registration")
        .filter(public_id=public_id)
        .first()
    )
    if invitation is None:
        raise _invalid()
    if invitation.registration.status != Registration.Status.ATTENDED:
        raise _not_attended()
    if invitation.answered:
        raise _already_answered()
    if not invitation.survey.is_open(now):
        raise SurveyRefused(_("This survey is closed: answers are no longer taken."), 410, "closed")
    return invitation


def response_submit(*, invitation: SurveyInvitation, answers: dict) -> SurveyResponse:
    """Record an invitation's answers ({question: value}, values already validated by the
    form: an int for a rating or one choice, a list of ints for several, text for text).

    Once per invitation, even with two submissions at once: the invitation is marked answered
    by a conditional UPDATE in the same transaction, and the second finds nothing to mark
    (SurveyRefused, 409). In an anonymous survey the response keeps no registration, and only
    the date (not the time) it came in.
    """
    with transaction.atomic():
        # A condition on the row itself, so that PostgreSQL checks it again on the row a
        # concurrent submission has just changed (a join would be checked on the old one).
        marked = SurveyInvitation.objects.filter(pk=invitation.pk, answered=False).update(
            answered=True
        )
        if not marked:
            raise _already_answered()
        attended = Registration.objects.filter(
            pk=invitation.registration_id, status=Registration.Status.ATTENDED
        )
        if not attended.exists():
            raise _not_attended()  # rolls the mark back
        survey = invitation.survey
        response = SurveyResponse.objects.create(
            survey=survey,
            registration=None if survey.anonymous else invitation.registration,
            submitted_on=timezone.localdate(),
        )
        Answer.objects.bulk_create(
            [
                _answer(response, question, value)
                for question, value in answers.items()
                if value not in (None, "", [])
            ]
        )
    return response


def _answer(response, question, value):
    answer = Answer(response=response, question=question)
    if question.kind == Question.Kind.RATING:
        answer.rating = value
    elif question.kind == Question.Kind.ONE_CHOICE:
        answer.choices = [value]
    elif question.kind == Question.Kind.SEVERAL_CHOICES:
        answer.choices = sorted(value)
    else:
        answer.text = value
    return answer
