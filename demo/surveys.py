"""Demo evaluation surveys: a template for learning forums (copied for each forum that ends
from now on) and an anonymous survey of the 2023 CBO learning forum with a few responses, so
that the staff summary has something to show. Idempotent."""

import datetime

from events.models import EventType
from surveys.models import Answer, Question, Survey, SurveyResponse

TITLE = ("Learning forum evaluation", "ការវាយតម្លៃវេទិកាសិក្សា")
INTRO = (
    "Thank you for taking part. Your answers help us plan the next forums.",
    "សូមអរគុណចំពោះការចូលរួម។ ចម្លើយរបស់អ្នកជួយយើងរៀបចំវេទិកាលើកក្រោយ។",
)
# (kind, required, label en, label km, choices en, choices km)
QUESTIONS = [
    (Question.Kind.RATING, True, "How useful was the forum for your work?",
     "តើវេទិកានេះមានប្រយោជន៍សម្រាប់ការងាររបស់អ្នកកម្រិតណា?", "", ""),
    (Question.Kind.RATING, True, "How well was the forum organised?",
     "តើវេទិកានេះត្រូវបានរៀបចំបានល្អកម្រិតណា?", "", ""),
    (Question.Kind.ONE_CHOICE, True, "Would you take part again?",
     "តើអ្នកនឹងចូលរួមម្តងទៀតដែរឬទេ?",
     "Yes\nMaybe\nNo", "ចូលរួម\nប្រហែល\nមិនចូលរួម"),
    (Question.Kind.SEVERAL_CHOICES, False, "Which parts helped you most?",
     "តើផ្នែកណាខ្លះដែលមានប្រយោជន៍ជាងគេសម្រាប់អ្នក?",
     "Presentations\nGroup discussions\nQuestions and answers\nMeeting other organisations",
     "បទបង្ហាញ\nកិច្ចពិភាក្សាជាក្រុម\nសំណួរ និងចម្លើយ\nការជួបអង្គការផ្សេងៗ"),
    (Question.Kind.LONG_TEXT, False, "What should we do better next time?",
     "តើយើងគួរធ្វើអ្វីឱ្យប្រសើរជាងនេះនៅពេលក្រោយ?", "", ""),
]  # fmt: skip
# One tuple per response: the answers to QUESTIONS in order (None: not answered).
RESPONSES = [
    (5, 4, 0, [0, 1], "More time for group discussions."),
    (4, 4, 0, [1], ""),
    (4, 5, 1, [0, 3], "សូមផ្ញើឯកសារមុនវេទិកា។"),
    (3, 3, 1, None, ""),
    (5, 5, 0, [1, 2, 3], "Keep the same venue."),
    (2, 3, 2, [0], "The room was too small."),
]


def _questions(survey):
    for position, (kind, required, label_en, label_km, choices_en, choices_km) in enumerate(
        QUESTIONS, start=1
    ):
        Question.objects.update_or_create(
            survey=survey,
            position=position,
            defaults={
                "kind": kind,
                "required": required,
                "label_en": label_en,
                "label_km": label_km,
                "choices_en": choices_en,
                "choices_km": choices_km,
            },
        )
    return list(survey.questions.order_by("position"))


def load_surveys(events):
    """The learning forums' template and the 2023 CBO forum's survey with its responses."""
    texts = {"title_en": TITLE[0], "title_km": TITLE[1], "intro_en": INTRO[0], "intro_km": INTRO[1]}
    template, _ = Survey.objects.update_or_create(
        event_type=EventType.objects.get(slug="learning-forum"),
        defaults={**texts, "anonymous": True},
    )
    _questions(template)
    forum = events["cbo-learning-forum-2023-09"]
    survey, _ = Survey.objects.update_or_create(event=forum, defaults={**texts, "anonymous": True})
    questions = _questions(survey)
    if survey.responses.exists():
        return
    answered_on = (forum.ends_at + datetime.timedelta(days=2)).date()
    for values in RESPONSES:
        response = SurveyResponse.objects.create(survey=survey, submitted_on=answered_on)
        for question, value in zip(questions, values, strict=True):
            if value in (None, ""):
                continue
            answer = Answer(response=response, question=question)
            if question.kind == Question.Kind.RATING:
                answer.rating = value
            elif question.kind == Question.Kind.ONE_CHOICE:
                answer.choices = [value]
            elif question.kind == Question.Kind.SEVERAL_CHOICES:
                answer.choices = value
            else:
                answer.text = value
            answer.save()
