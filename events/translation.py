from modeltranslation.translator import TranslationOptions, register

from .models import Event, EventSeries, EventType


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
