"""Reading a survey's responses: the figures per question for the staff summary, and every
response as a table for the downloads (in the staff member's language)."""

from collections import Counter, defaultdict

import tablib
from django.utils.translation import gettext

from core.spreadsheets import neutralise_dataset, sheet_title

from .models import RATING_MAX, RATING_MIN, Answer, Question


def _rows(labels, counter, answered):
    return [
        {
            "label": label,
            "count": counter.get(index, 0),
            "percent": round(100 * counter.get(index, 0) / answered) if answered else 0,
        }
        for index, label in labels
    ]


def survey_summary(survey):
    """{"responses": n, "questions": [...]}, one entry per question: `answered` (how many
    answered it), and `rows` (label, count, percent of those who answered it) for ratings and
    choices, with the `average` of a rating, or the `texts` of a text question. Answers are
    read in the order of their random keys, which says nothing about who answered when."""
    answers = defaultdict(list)
    for answer in (
        Answer.objects.filter(response__survey=survey)
        .order_by("id")
        .values("question_id", "rating", "choices", "text")
    ):
        answers[answer["question_id"]].append(answer)
    questions = []
    for question in survey.questions.all():
        given = answers[question.pk]
        entry = {"question": question, "answered": len(given)}
        if question.kind == Question.Kind.RATING:
            counter = Counter(answer["rating"] for answer in given)
            labels = [(n, str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]
            entry["rows"] = _rows(labels, counter, len(given))
            total = sum(answer["rating"] for answer in given)
            entry["average"] = round(total / len(given), 1) if given else None
        elif question.kind in Question.CHOICE_KINDS:
            counter = Counter(index for answer in given for index in answer["choices"])
            entry["rows"] = _rows(enumerate(question.choice_list()), counter, len(given))
        else:
            entry["texts"] = [answer["text"] for answer in given]
        questions.append(entry)
    return {"responses": survey.responses.count(), "questions": questions}


def _cell(question, answer):
    if answer is None:
        return ""
    if question.kind == Question.Kind.RATING:
        return answer.rating
    if question.kind in Question.CHOICE_KINDS:
        labels = question.choice_list()
        return "; ".join(labels[i] for i in answer.choices if 0 <= i < len(labels))
    return answer.text


def survey_responses_dataset(survey):
    """Every response, one row each, one column per question; named surveys add who answered.
    Anonymous responses come in the order of their random keys. Cells that a spreadsheet
    would run are neutralised (core.spreadsheets)."""
    questions = list(survey.questions.all())
    people = [] if survey.anonymous else [gettext("Full name"), gettext("Email"),
                                          gettext("Organisation")]  # fmt: skip
    headers = [gettext("Submitted on"), *people, *(str(q.label) for q in questions)]
    responses = survey.responses.prefetch_related("answers").select_related(
        "registration__organisation"
    )
    order = ["id"] if survey.anonymous else ["registration__full_name", "id"]
    dataset = tablib.Dataset(headers=headers)
    for response in responses.order_by(*order):
        by_question = {answer.question_id: answer for answer in response.answers.all()}
        who = []
        if not survey.anonymous:
            registration = response.registration
            who = (
                [registration.full_name, registration.email, registration.organisation_display]
                if registration
                else ["", "", ""]
            )
        dataset.append(
            [
                response.submitted_on,
                *who,
                *(_cell(question, by_question.get(question.pk)) for question in questions),
            ]
        )
    dataset.title = sheet_title(survey.title)
    return neutralise_dataset(dataset)
