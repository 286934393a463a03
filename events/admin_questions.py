"""Questions in the admin: the questions of an event and the template questions of an event type
as inlines (their choices on each question's own page), the event's questions on the form staff
add a registration with, and the answers, read-only, on a registration's page. The rules are in
events.questions."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from core.admin_localization import KhmerDigitsAdminMixin, KhmerDigitsInlineMixin
from core.localization import join_list

from .admin_forms import RegistrationAddForm
from .models import Event, EventQuestion, EventQuestionChoice
from .questions import (
    FIELD_PREFIX,
    answers_from_form,
    event_questions,
    question_fields_add,
    registration_answers,
)


class QuestionsFormSet(BaseInlineFormSet):
    """A post without this section (a script, or a page opened before questions existed)
    leaves the questions as they are, rather than refusing the whole event."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.add_prefix(TOTAL_FORM_COUNT) not in self.data:
            self.data = self.data.copy()
            self.data[self.add_prefix(TOTAL_FORM_COUNT)] = "0"
            self.data[self.add_prefix(INITIAL_FORM_COUNT)] = "0"


class QuestionInline(KhmerDigitsInlineMixin, TranslationTabularInline):
    model = EventQuestion
    formset = QuestionsFormSet
    extra = 0
    fields = ["label", "kind", "required", "order", "choices_list"]
    readonly_fields = ["choices_list"]
    show_change_link = True
    verbose_name_plural = _("questions on the registration form")

    @admin.display(description=_("choices"))
    def choices_list(self, question):
        if question.pk is None or not question.has_choices:
            return "—"
        labels = [choice.label for choice in question.choices.all()]
        if not labels:
            return gettext("None yet: add them on the question's page (“Change”).")
        return join_list(labels)


class EventQuestionInline(QuestionInline):
    fk_name = "event"


class TemplateQuestionInline(QuestionInline):
    fk_name = "event_type"
    verbose_name = _("template question")
    verbose_name_plural = _("template questions (each new event of this type gets a copy)")


class EventQuestionChoiceInline(KhmerDigitsInlineMixin, TranslationTabularInline):
    model = EventQuestionChoice
    extra = 0
    fields = ["label", "order"]


class EventQuestionForm(forms.ModelForm):
    class Meta:
        model = EventQuestion
        fields = [
            "event",
            "event_type",
            "label",
            "help_text",
            "kind",
            "required",
            "order",
            "min_value",
            "max_value",
            "max_choices",
        ]

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("kind")
        if kind != EventQuestion.Kind.NUMBER:
            for name in ("min_value", "max_value"):
                if cleaned_data.get(name) is not None:
                    self.add_error(name, _("Only a number question has a range."))
        if kind != EventQuestion.Kind.SEVERAL_CHOICES and cleaned_data.get("max_choices"):
            self.add_error("max_choices", _("Only a several-choices question has a limit."))
        return cleaned_data


@admin.register(EventQuestion)
class EventQuestionAdmin(KhmerDigitsAdminMixin, TranslationAdmin):
    """A question with its choices. Changing or deleting either leaves the answers given so
    far readable: each answer keeps the wording the person saw."""

    form = EventQuestionForm
    inlines = [EventQuestionChoiceInline]
    list_display = ["label", "event", "event_type", "kind", "required", "order"]
    list_filter = ["kind", "event_type"]
    list_select_related = ["event", "event_type"]
    search_fields = ["label_km", "label_en", "event__title_km", "event__title_en"]
    autocomplete_fields = ["event"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "event",
                    "event_type",
                    "label",
                    "help_text",
                    "kind",
                    "required",
                    "order",
                ],
                "description": _(
                    "A question belongs to one event, or to an event type as a template that "
                    "each new event of the type copies. Answers already given keep the wording "
                    "people saw, whatever you change here."
                ),
            },
        ),
        (_("Number"), {"fields": ["min_value", "max_value"]}),
        (_("Several choices"), {"fields": ["max_choices"]}),
    ]


# --- Adding a registration: the event's questions ---------------------------------------------


def _event_from(value):
    if not str(value or "").isdigit():
        return None
    return Event.objects.filter(pk=value).first()


def _requested_event(request):
    """The event of the add form: posted, or prefilled from the event's page (?event=)."""
    return _event_from(request.POST.get("event") or request.GET.get("event"))


# Posted with the question fields (in their fieldset's description): the event whose questions
# staff were shown. Saving for an event whose questions they have not seen shows them first.
QUESTIONS_SHOWN = "questions_shown_for_event"


class RegistrationAddWithQuestionsForm(RegistrationAddForm):
    """The add form, with the chosen event's questions: staff may leave required ones empty
    (a phoned-in registration may lack an answer), and what they give is checked as online."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.event_asking = _event_from(
            self.data.get("event") if self.is_bound else self.initial.get("event")
        )
        self.question_names = question_fields_add(self, event=self.event_asking, by_staff=True)

    def clean(self):
        cleaned_data = super().clean()
        event = self.event_asking
        if self.question_names and self.data.get(QUESTIONS_SHOWN) != str(event.pk):
            # The event was chosen on this page (not from its own page): its questions were
            # not on the form yet. Nothing is saved; the form comes back with them.
            raise forms.ValidationError(
                _("This event asks questions of the people registering: they are below now. "
                  "Answer what you can, then save again."),
                code="questions_not_shown",
            )  # fmt: skip
        cleaned_data["answers"] = answers_from_form(self)
        return cleaned_data


def question_add_fieldsets(request):
    """The add form's fieldset of the event's questions (none before an event is chosen)."""
    event = _requested_event(request)
    names = [f"{FIELD_PREFIX}{question.pk}" for question in event_questions(event)]
    if not names:
        return []
    description = format_html(
        '{}<input type="hidden" name="{}" value="{}">',
        _(
            "The event's questions. You may leave required ones empty; the answers you give "
            "are checked as on the online form."
        ),
        QUESTIONS_SHOWN,
        event.pk,
    )
    return [(_("Questions"), {"fields": names, "description": description})]


class RegistrationAnswersAdminMixin:
    """For RegistrationAdmin: the answers, read-only (`answers_given`), and the question fields
    kept out of the ModelForm factory (the form adds them itself)."""

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        names = flatten_fieldsets(self.get_fieldsets(request, obj))
        return exclude + [name for name in names if str(name).startswith(FIELD_PREFIX)]

    @admin.display(description=_("answers"))
    def answers_given(self, registration):
        answers = registration_answers(registration)
        if not answers:
            return "—"
        rows = format_html_join(
            "",
            "<dt>{}</dt><dd>{}</dd>",
            ((answer.question_label, answer.display_value or "—") for answer in answers),
        )
        return format_html('<dl class="registration-answers">{}</dl>', rows)
