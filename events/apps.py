from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from core.page_cache import drop_cached_pages_on_change

        # What the public pages show: a change drops cached pages (core/page_cache.py).
        public_models = (
            "EventType",
            "EventSeries",
            "Event",
            "Registration",
            "EventMaterial",
            "EventReport",
            "EventPhoto",
        )
        drop_cached_pages_on_change(*map(self.get_model, public_models))
