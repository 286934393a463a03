from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from core.page_cache import REGISTRATIONS_SCOPE, drop_cached_pages_on_change

        from . import materials, photos

        # What the public pages show: a change drops cached pages (core/page_cache.py).
        public_models = (
            "EventType",
            "EventSeries",
            "Event",
            "EventMaterial",
            "EventReport",
            "EventPhoto",
        )
        drop_cached_pages_on_change(*map(self.get_model, public_models))
        # Registrations show only on the events' pages: those alone are dropped.
        drop_cached_pages_on_change(self.get_model("Registration"), scope=REGISTRATIONS_SCOPE)
        # A material's stored file follows it (replaced or deleted: removed from storage).
        material = self.get_model("EventMaterial")
        pre_save.connect(materials.material_file_remember, sender=material)
        post_save.connect(materials.material_file_replaced, sender=material)
        post_delete.connect(materials.material_file_deleted, sender=material)
        post_delete.connect(photos.photo_files_deleted, sender=self.get_model("EventPhoto"))
