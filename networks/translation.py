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
