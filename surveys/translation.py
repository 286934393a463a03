from modeltranslation.translator import TranslationOptions, register

from .models import Question, Survey


@register(Survey)
class SurveyTranslationOptions(TranslationOptions):
    fields = ("title", "intro")
    required_languages = {"km": ("title",), "en": ("title",)}


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    # Choices may be empty (text and rating questions); Question.clean checks them.
    fields = ("label", "choices")
    required_languages = {"km": ("label",), "en": ("label",)}
