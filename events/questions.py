"""Questions an event asks on its registration form, and the answers people give.

Staff add questions to an event, or to an event type as templates that each new event of the
type copies (events.services.event_save calls event_questions_copy_from_type). This module holds
every rule about them: the form field of each kind of question (which is also its validation),
saving answers with what the person saw, and reading answers back for the registrant's page, the
admin, the export (one column per question) and the figures (counts per choice).

The shape of `answers`, as forms hand them to events.services.registration_create in
`data["answers"]`: {question id: value}, each value what the question's form field cleans to:
text for short and long text, "yes", "no" or "" for yes/no, a whole number or None, a choice id
(text) for one choice, a list of choice ids for several choices.
"""

from collections import defaultdict

from crispy_forms.layout import Field, Fieldset
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.localization import latin_digits, local_number
from core.text import clean_text

from .models import (
    EventQuestion,
    EventQuestionChoice,
    Registration,
    RegistrationAnswer,
    RegistrationAnswerChoice,
    in_active_language,
)

FIELD_PREFIX = "question_"
SHORT_TEXT_MAX_LENGTH = 255
LONG_TEXT_MAX_LENGTH = 2000
YES, NO = "yes", "no"
REQUIRED_MESSAGE = _("Please answer this question.")


def question_field_name(question_or_id):
    question_id = getattr(question_or_id, "pk", question_or_id)
    return f"{FIELD_PREFIX}{question_id}"


def event_questions(event):
    """The questions `event` asks on its forms, in order, with their choices (two queries). A
    choice question with no choices yet could not be answered: it is not asked until it has."""
    if event is None or event.pk is None:
        return []
    questions = EventQuestion.objects.filter(event=event).prefetch_related("choices")
    return [
        question for question in questions if not question.has_choices or question.choices.all()
    ]


# --- Form fields: the rules of each kind of answer --------------------------------------------


class TextAnswerField(forms.CharField):
    """Text, tidied as every name on the form is (core.text.clean_text)."""

    def to_python(self, value):
        return clean_text(super().to_python(value))


class NumberAnswerField(forms.IntegerField):
    """A whole number, Khmer digits read like Latin ones, within the question's range. The
    range is said in the reader's digits ("from ១ to ១០")."""

    widget = forms.TextInput

    def __init__(self, *, low=None, high=None, **kwargs):
        self.low, self.high = low, high
        kwargs.setdefault("error_messages", {})["invalid"] = _("Enter a whole number.")
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # A text box with a number keypad: a number box refuses Khmer digits in some browsers.
        return {**super().widget_attrs(widget), "inputmode": "numeric"}

    def to_python(self, value):
        if isinstance(value, str):
            value = latin_digits(value.strip())
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        low, high = self.low, self.high
        too_low = low is not None and value < low
        too_high = high is not None and value > high
        if not (too_low or too_high):
            return
        if low is not None and high is not None:
            message = gettext("Enter a number from %(low)s to %(high)s.")
        elif low is not None:
            message = gettext("Enter a number of at least %(low)s.")
        else:
            message = gettext("Enter a number of at most %(high)s.")
        limits = {
            "low": local_number(low) if low is not None else "",
            "high": local_number(high) if high is not None else "",
        }
        raise ValidationError(message % limits, code="out_of_range")


class ChoicesAnswerField(forms.MultipleChoiceField):
    """Several choices, at most `max_choices` of them (None: any number)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, max_choices=None, **kwargs):
        self.max_choices = max_choices
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if self.max_choices and len(value) > self.max_choices:
            raise ValidationError(
                ngettext(
                    "Choose at most %(count)s answer.",
                    "Choose at most %(count)s answers.",
                    self.max_choices,
                )
                % {"count": local_number(self.max_choices)},
                code="too_many_choices",
            )


def _range_hint(low, high):
    """The range of a number question, said before anyone types (in the reader's digits)."""
    if low is None and high is None:
        return ""
    limits = {
        "low": local_number(low) if low is not None else "",
        "high": local_number(high) if high is not None else "",
    }
    if low is not None and high is not None:
        return gettext("A whole number from %(low)s to %(high)s.") % limits
    if low is not None:
        return gettext("A whole number of at least %(low)s.") % limits
    return gettext("A whole number of at most %(high)s.") % limits


def question_form_field(question, *, by_staff=False):
    """The form field that asks `question` in the page's language and checks its answer.

    Staff adding a registration may leave required questions empty (a phoned-in registration
    may not have every answer); everything they do give is checked the same way.
    """
    required = question.required and not by_staff
    help_text = question.help_text or ""
    if question.kind == EventQuestion.Kind.NUMBER and not help_text:
        help_text = _range_hint(question.min_value, question.max_value)
    if by_staff and question.required:
        staff_note = gettext("Required online; you may leave it empty.")
        help_text = f"{help_text} {staff_note}".strip()
    common = {
        "label": question.label,
        "help_text": help_text,
        "required": required,
        "error_messages": {
            "required": REQUIRED_MESSAGE,
            "invalid_choice": _("Choose one of the answers offered."),
        },
    }
    kind = question.kind
    choices = [(str(choice.pk), choice.label) for choice in question.choices.all()]
    if kind == EventQuestion.Kind.LONG_TEXT:
        return TextAnswerField(
            max_length=LONG_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    if kind == EventQuestion.Kind.ONE_CHOICE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == EventQuestion.Kind.SEVERAL_CHOICES:
        return ChoicesAnswerField(choices=choices, max_choices=question.max_choices, **common)
    if kind == EventQuestion.Kind.YES_NO:
        return forms.ChoiceField(
            choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **common
        )
    if kind == EventQuestion.Kind.NUMBER:
        return NumberAnswerField(low=question.min_value, high=question.max_value, **common)
    return TextAnswerField(max_length=SHORT_TEXT_MAX_LENGTH, **common)


def question_fields_add(form, *, event, by_staff=False):
    """Add a field per question of `event` to `form`; returns their names, in order.

    The form's clean() then calls answers_from_form(form) for `cleaned_data["answers"]`."""
    form.questions = event_questions(event)
    names = []
    for question in form.questions:
        name = question_field_name(question)
        form.fields[name] = question_form_field(question, by_staff=by_staff)
        names.append(name)
    return names


def question_layout(names):
    """The crispy layout of the question fields: one group under a heading, or nothing."""
    if not names:
        return []
    return [Fieldset(_("Questions from the organisers"), *[Field(name) for name in names])]


def answers_from_form(form):
    """{question id: cleaned value} of the questions `form` asks (question_fields_add)."""
    answers = {}
    for question in getattr(form, "questions", []):
        name = question_field_name(question)
        if name in form.cleaned_data:
            answers[question.pk] = form.cleaned_data[name]
    return answers


def _is_empty(value):
    return value in (None, "", [], ())


# --- Writes -----------------------------------------------------------------------------------


def registration_answers_save(*, registration, answers):
    """Check `answers` (see the module's docstring) against the questions of the registration's
    event and save them, each with the question's and the chosen choices' labels in both
    languages as they were when the person answered.

    Every answer given is checked by its question's form field, as the form checks it: an
    answer to another event's question, a choice the question does not offer, a number out of
    range or too many choices raise ValidationError keyed by form field name, and nothing is
    saved (call it inside the transaction that creates the registration, as registration_create
    does, so the registration is not saved either). Required questions are enforced by the
    public form; staff adding a registration may leave them empty. `answers` None or empty:
    nothing asked (a walk-in at the door, the demo), nothing saved.
    """
    if not answers:
        return []
    questions = {
        question.pk: question
        for question in EventQuestion.objects.filter(
            event_id=registration.event_id, pk__in=[int(key) for key in answers]
        ).prefetch_related("choices")
    }
    errors, cleaned = {}, []
    for key, value in answers.items():
        question = questions.get(int(key))
        if question is None:
            errors[question_field_name(key)] = [gettext("This question is not asked here.")]
            continue
        try:
            value = question_form_field(question, by_staff=True).clean(value)
        except ValidationError as error:
            errors[question_field_name(question)] = error.messages
            continue
        if not _is_empty(value):
            cleaned.append((question, value))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        saved = []
        for question, value in sorted(cleaned, key=lambda pair: (pair[0].order, pair[0].pk)):
            saved.append(_answer_save(registration, question, value))
    return saved


def _answer_save(registration, question, value):
    kind = question.kind
    answer = RegistrationAnswer(
        registration=registration,
        question=question,
        question_label_km=question.label_km or "",
        question_label_en=question.label_en or "",
        kind=kind,
        order=question.order,
    )
    if kind == EventQuestion.Kind.YES_NO:
        answer.yes = value == YES
    elif kind == EventQuestion.Kind.NUMBER:
        answer.number = value
    elif kind not in EventQuestion.WITH_CHOICES:
        answer.text = value
    answer.save()
    if kind in EventQuestion.WITH_CHOICES:
        chosen_ids = {int(each) for each in ([value] if isinstance(value, str) else value)}
        RegistrationAnswerChoice.objects.bulk_create(
            [
                RegistrationAnswerChoice(
                    answer=answer,
                    choice=choice,
                    label_km=choice.label_km or "",
                    label_en=choice.label_en or "",
                    order=choice.order,
                )
                for choice in question.choices.all()
                if choice.pk in chosen_ids
            ]
        )
    return answer


@transaction.atomic
def event_questions_copy_from_type(*, event):
    """Give a new event its type's template questions, with their choices, as its own (staff
    may then change the event's copy without touching the type's). An event that already has
    questions of its own is left as it is. Returns the questions added."""
    if event.questions.exists():
        return []
    templates = EventQuestion.objects.filter(event_type_id=event.event_type_id)
    return _questions_copy(templates, event)


@transaction.atomic
def event_questions_copy_from_event(*, source, event):
    """Give `event`, a new copy of `source` (a duplicate, the next occurrence of a series), the
    questions of `source` in place of the type's templates it got when it was saved. Questions
    someone has already answered are kept. Returns the questions added."""
    event.questions.filter(answers__isnull=True).delete()
    return _questions_copy(EventQuestion.objects.filter(event=source), event)


def _questions_copy(templates, event):
    copies = []
    templates = templates.prefetch_related("choices")
    for template in templates:
        choices = list(template.choices.all())
        template.pk = None
        template.id = None
        template._state.adding = True
        template.event, template.event_type = event, None
        template.save()
        EventQuestionChoice.objects.bulk_create(
            [
                EventQuestionChoice(
                    question=template,
                    label_km=choice.label_km,
                    label_en=choice.label_en,
                    order=choice.order,
                )
                for choice in choices
            ]
        )
        copies.append(template)
    return copies


# --- Reads: the registrant's page, the admin, exports, figures --------------------------------


def registration_answers(registration):
    """The registration's answers in order, their choices loaded (for display_value)."""
    return list(registration.answers.prefetch_related("chosen"))


def answer_export_value(answer):
    """An answer in a spreadsheet cell: the number as a number, the rest as text in the staff
    member's language (choices joined by "; ")."""
    if answer.kind == EventQuestion.Kind.NUMBER:
        return answer.number
    if answer.kind in EventQuestion.WITH_CHOICES:
        return "; ".join(answer.chosen_labels)
    if answer.kind == EventQuestion.Kind.YES_NO:
        return "" if answer.yes is None else str(_("Yes") if answer.yes else _("No"))
    return answer.text


def export_columns(registrations):
    """The question columns of an export of `registrations`: [(key, heading)], and
    {registration id: {key: answer}}.

    One column per question the registrations' events ask (headed by the question in the
    staff member's language; two events asking a question worded the same share a column), in
    the order they are asked, then one per question since deleted that someone had answered
    (headed by the question as they saw it). Two queries, whatever the number of rows."""
    headings, order = {}, {}
    answers_by_registration = defaultdict(dict)
    questions = EventQuestion.objects.filter(
        event__in=registrations.order_by().values("event_id")
    ).order_by("event_id", "order", "pk")
    key_of_question = {}
    for question in questions:
        key = ("q", question.label)
        key_of_question[question.pk] = key
        headings.setdefault(key, question.label)
        order.setdefault(key, (0, len(order)))
    answers = (
        RegistrationAnswer.objects.filter(registration__in=registrations.order_by().values("pk"))
        .prefetch_related("chosen")
        .order_by("registration_id", "order", "pk")
    )
    for answer in answers:
        key = key_of_question.get(answer.question_id)
        if key is None:  # the question was deleted: keep it under its saved wording
            key = ("q", answer.question_label)
            headings.setdefault(key, answer.question_label)
            order.setdefault(key, (1, len(order)))
        cell = answers_by_registration[answer.registration_id]
        value = answer_export_value(answer)
        if key in cell and not _is_empty(cell[key]):  # one event asked the same wording twice
            value = f"{cell[key]}; {value}"
        cell[key] = value
    columns = sorted(headings.items(), key=lambda item: order[item[0]])
    return columns, answers_by_registration


def question_figures(registrations):
    """Counts per choice of each choice and yes/no question the registrations' event asks:
    [{"label", "kind", "rows": [{"label", "registered", "attended"}]}], one list row per choice
    (the event's choices first, in order, even when nobody chose them; then choices since
    deleted, by their saved label). Counted in the database, three queries in all.
    `registrations`: those to count (active registrations of one event)."""
    attended = Q(answer__registration__status=Registration.Status.ATTENDED)
    event_ids = registrations.order_by().values("event_id")
    questions = list(
        EventQuestion.objects.filter(
            event__in=event_ids,
            kind__in=[*EventQuestion.WITH_CHOICES, EventQuestion.Kind.YES_NO],
        ).prefetch_related("choices")
    )
    counted = defaultdict(dict)
    chosen = (
        RegistrationAnswerChoice.objects.filter(
            answer__registration__in=registrations.order_by().values("pk"),
            answer__question__in=[q.pk for q in questions],
        )
        .values("answer__question_id", "choice_id", "label_km", "label_en")
        .annotate(registered=Count("pk"), attended=Count("pk", filter=attended))
        .order_by()
    )
    for row in chosen:
        key = row["choice_id"] or ("deleted", row["label_km"], row["label_en"])
        counts = counted[row["answer__question_id"]].setdefault(
            key,
            {
                "label": in_active_language(row["label_km"], row["label_en"]),
                "registered": 0,
                "attended": 0,
            },
        )
        counts["registered"] += row["registered"]
        counts["attended"] += row["attended"]
    yes_no = (
        RegistrationAnswer.objects.filter(
            registration__in=registrations.order_by().values("pk"),
            question__in=[q.pk for q in questions if q.kind == EventQuestion.Kind.YES_NO],
            yes__isnull=False,
        )
        .values("question_id", "yes")
        .annotate(
            registered=Count("pk"),
            attended=Count("pk", filter=Q(registration__status=Registration.Status.ATTENDED)),
        )
        .order_by()
    )
    for row in yes_no:
        counted[row["question_id"]][row["yes"]] = {
            "registered": row["registered"],
            "attended": row["attended"],
        }
    figures = []
    for question in questions:
        counts = counted.get(question.pk, {})
        if question.kind == EventQuestion.Kind.YES_NO:
            options = [(True, gettext("Yes")), (False, gettext("No"))]
        else:
            options = [(choice.pk, choice.label) for choice in question.choices.all()]
        rows = [
            {
                "label": label,
                "registered": counts.get(key, {}).get("registered", 0),
                "attended": counts.get(key, {}).get("attended", 0),
            }
            for key, label in options
        ]
        known = {key for key, _label in options}
        rows += [row for key, row in counts.items() if key not in known and "label" in row]
        figures.append({"label": question.label, "kind": question.kind, "rows": rows})
    return figures
