"""Materials of an event (agendas, presentations, minutes, photos) as an inline on the event's
admin page. Files go to private storage: the inline links to the view that serves them
(events.material_views), never to a media URL, which they do not have."""

import os

from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from modeltranslation.admin import TranslationStackedInline

from core.admin_localization import KhmerDigitsInlineMixin

from .models import EventMaterial


class _StoredFile:
    """What the file widget shows of a stored file: its name, linked to the serving view."""

    def __init__(self, name, url):
        self.name = name
        self.url = url

    def __str__(self):
        return self.name


class PrivateFileWidget(AdminFileWidget):
    def is_initial(self, value):
        instance = getattr(value, "instance", None)
        return bool(value and getattr(value, "name", None) and instance and instance.pk)

    def format_value(self, value):
        if self.is_initial(value):
            return _StoredFile(os.path.basename(value.name), value.instance.get_absolute_url())
        return None


class EventMaterialInline(KhmerDigitsInlineMixin, TranslationStackedInline):
    model = EventMaterial
    extra = 0
    fields = ["kind", "title", ("file", "url"), ("visibility", "order")]
    formfield_overrides = {
        models.FileField: {"widget": PrivateFileWidget},
        models.URLField: {"assume_scheme": "https"},
    }
