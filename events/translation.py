import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import (
    Event,
    EventMaterial,
    EventMessage,
    EventQuestion,
    EventQuestionChoice,
    EventReport,
    EventSeries,
    EventType,
)


@register(EventType)
class EventTypeTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("km", "en")


@register(EventSeries)
class EventSeriesTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"km": ("name",), "en": ("name",)}


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description", "venue")
    required_languages = {"km": ("title",), "en": ("title",)}


@register(EventMessage)
class EventMessageTranslationOptions(TranslationOptions):
    # Either language may be left empty: its readers then get the other one
    # (EventMessage.text_for); the form asks for at least one.
    fields = ("subject", "body")
    required_languages = ()


@register(EventMaterial)
class EventMaterialTranslationOptions(TranslationOptions):
    fields = ("title",)
    required_languages = ("km", "en")


# --- Questions ---
@register(EventQuestion)
class EventQuestionTranslationOptions(TranslationOptions):
    fields = ("label", "help_text")
    required_languages = {"km": ("label",), "en": ("label",)}


@register(EventQuestionChoice)
class EventQuestionChoiceTranslationOptions(TranslationOptions):
    fields = ("label",)
    required_languages = ("km", "en")


# --- Public report ---
@register(EventReport)
class EventReportTranslationOptions(TranslationOptions):
    # Both are required to publish (EventReport.clean), not to save a draft.
    fields = ("narrative",)
    required_languages = ()


# History (django-simple-history) is registered here, after the translation fields exist, so
# that the historical tables keep both languages.
for model in (Event,):
    simple_history.register(model, app="events")
