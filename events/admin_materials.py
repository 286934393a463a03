"""Materials of an event (agendas, presentations, minutes, photos) as an inline on the event's
admin page. Files go to private storage: the inline links to the view that serves them
(events.material_views), never to a media URL, which they do not have."""

import os

from django.db import models
from modeltranslation.admin import TranslationStackedInline

from core.admin_files import PrivateFileWidget
from core.admin_localization import KhmerDigitsInlineMixin

from .models import EventMaterial


class MaterialFileWidget(PrivateFileWidget):
    def link(self, instance, field_file):
        return os.path.basename(field_file.name), instance.get_absolute_url()


class EventMaterialInline(KhmerDigitsInlineMixin, TranslationStackedInline):
    model = EventMaterial
    extra = 0
    fields = ["kind", "title", ("file", "url"), ("visibility", "order")]
    formfield_overrides = {
        models.FileField: {"widget": MaterialFileWidget},
        models.URLField: {"assume_scheme": "https"},
    }
