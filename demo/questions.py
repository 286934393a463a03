"""Demo registration questions: the learning forum type asks about food and interpretation (as
templates, copied to each new forum), the next CBO learning forum adds a question about nights
of accommodation, and its sample registrants have answered. Keyed by the English wording, so
loading twice changes nothing. None is required: other demos and the browser tests register
for these forums without answering (staff can tick "required" to try it)."""

from events.models import EventQuestion, EventType
from events.questions import event_questions_copy_from_type, registration_answers_save

Kind = EventQuestion.Kind

# (English, Khmer, kind, required, help in English, help in Khmer, choices as (English, Khmer))
FORUM_TEMPLATE_QUESTIONS = [
    (
        "Dietary needs",
        "តម្រូវការអាហារ",
        Kind.ONE_CHOICE,
        False,
        "For lunch and the coffee breaks.",
        "សម្រាប់អាហារថ្ងៃត្រង់ និងពេលសម្រាកកាហ្វេ។",
        [("None", "គ្មាន"), ("Vegetarian", "អាហារបួស"), ("Halal", "អាហារហាឡាល់")],
    ),
    (
        "Do you need Khmer–English interpretation?",
        "តើអ្នកត្រូវការការបកប្រែភាសាខ្មែរ–អង់គ្លេសទេ?",
        Kind.YES_NO,
        False,
        "",
        "",
        [],
    ),
]


def _question(*, owner, order, label_en, label_km, kind, required, help_en, help_km, choices):
    question, _created = EventQuestion.objects.update_or_create(
        **owner,
        label_en=label_en,
        defaults={
            "label_km": label_km,
            "kind": kind,
            "required": required,
            "help_text_en": help_en,
            "help_text_km": help_km,
            "order": order,
        },
    )
    for position, (choice_en, choice_km) in enumerate(choices):
        question.choices.update_or_create(
            label_en=choice_en, defaults={"label_km": choice_km, "order": position}
        )
    return question


def load_questions(events):
    """Template questions for learning forums, and the next CBO forum's questions and answers."""
    forum_type = EventType.objects.get(slug="learning-forum")
    for order, (label_en, label_km, kind, required, help_en, help_km, choices) in enumerate(
        FORUM_TEMPLATE_QUESTIONS
    ):
        _question(
            owner={"event_type": forum_type, "event": None},
            order=order,
            label_en=label_en,
            label_km=label_km,
            kind=kind,
            required=required,
            help_en=help_en,
            help_km=help_km,
            choices=choices,
        )
    event = events["cbo-learning-forum-next"]
    event_questions_copy_from_type(event=event)  # an event made before the templates existed
    nights = _question(
        owner={"event": event, "event_type": None},
        order=10,
        label_en="Nights of accommodation you need",
        label_km="ចំនួនយប់ស្នាក់នៅដែលអ្នកត្រូវការ",
        kind=Kind.NUMBER,
        required=False,
        help_en="For participants from the provinces: 0 to 2 nights.",
        help_km="សម្រាប់អ្នកចូលរួមមកពីខេត្ត៖ ០ ដល់ ២ យប់។",
        choices=[],
    )
    if (nights.min_value, nights.max_value) != (0, 2):
        nights.min_value, nights.max_value = 0, 2
        nights.save(update_fields=["min_value", "max_value"])
    _answer_samples(event, nights)


def _answer_samples(event, nights):
    questions = {question.label_en: question for question in event.questions.all()}
    diet = questions.get("Dietary needs")
    interpretation = questions.get("Do you need Khmer–English interpretation?")
    choices = list(diet.choices.all()) if diet else []
    for index, registration in enumerate(
        event.registrations.filter(answers__isnull=True).order_by("pk")
    ):
        answers = {nights.pk: index % 3}
        if diet and choices:
            answers[diet.pk] = str(choices[index % len(choices)].pk)
        if interpretation:
            answers[interpretation.pk] = "yes" if registration.language == "en" else "no"
        registration_answers_save(registration=registration, answers=answers)
