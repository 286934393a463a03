"""The answering form, one field per question, built per request in the page's language."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from core.localization import local_digits

from .models import RATING_MAX, RATING_MIN, Question

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5000


def field_name(question):
    return f"question_{question.pk}"


def _field(question):
    common = {"label": question.label, "required": question.required}
    if question.kind == Question.Kind.RATING:
        return forms.TypedChoiceField(
            choices=[(n, local_digits(n)) for n in range(RATING_MIN, RATING_MAX + 1)],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            help_text=_("%(lowest)s is the lowest, %(highest)s the highest.")
            % {"lowest": local_digits(RATING_MIN), "highest": local_digits(RATING_MAX)},
            **common,
        )
    if question.kind in Question.CHOICE_KINDS:
        choices = list(enumerate(question.choice_list()))
        if question.kind == Question.Kind.ONE_CHOICE:
            return forms.TypedChoiceField(
                choices=choices, coerce=int, empty_value=None, widget=forms.RadioSelect, **common
            )
        return forms.TypedMultipleChoiceField(
            choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple, **common
        )
    if question.kind == Question.Kind.SHORT_TEXT:
        return forms.CharField(max_length=SHORT_TEXT_MAX, **common)
    return forms.CharField(
        max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), **common
    )


class SurveyAnswerForm(forms.Form):
    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[field_name(question)] = _field(question)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", _("Send my answers")))

    def answers(self):
        """{question: cleaned value} for the service."""
        return {
            question: self.cleaned_data.get(field_name(question)) for question in self.questions
        }
