import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import Organisation, Province, Sector


@register(Province)
class ProvinceTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("km", "en")


@register(Sector)
class SectorTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("km", "en")


@register(Organisation)
class OrganisationTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"km": ("name",), "en": ("name",)}


# History (django-simple-history) is registered here, after the translation fields exist, so
# that the historical tables keep both languages.
for model in (Organisation,):
    simple_history.register(model, app="members")
