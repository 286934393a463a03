from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "ccc_portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.apps import apps

        from .page_cache import invalidate
        from .permissions import sync_staff_groups_after_migrate

        # Keeps the staff groups' permissions complete when later migrations add models.
        post_migrate.connect(sync_staff_groups_after_migrate, sender=self)
        # Any change to the register (admin, imports, registrations) drops cached public pages.
        for label in ("members", "networks", "events"):
            for model in apps.get_app_config(label).get_models():
                post_save.connect(invalidate, sender=model, dispatch_uid=f"page-cache-{model}")
                post_delete.connect(invalidate, sender=model, dispatch_uid=f"page-del-{model}")
