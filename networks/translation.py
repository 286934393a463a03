import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import MoU, ProvincialNetwork, SupportProject


@register(ProvincialNetwork)
class ProvincialNetworkTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"km": ("name",), "en": ("name",)}


@register(MoU)
class MoUTranslationOptions(TranslationOptions):
    fields = ("title",)
    required_languages = {"en": ("title",)}


@register(SupportProject)
class SupportProjectTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"km": ("name",), "en": ("name",)}


# History (django-simple-history) is registered here, after the translation fields exist, so
# that the historical tables keep both languages.
for model in (
    ProvincialNetwork,
    MoU,
):
    simple_history.register(model, app="networks")
