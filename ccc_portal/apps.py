from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "ccc_portal"
    verbose_name = _("Portal")

    def ready(self):
        from .permissions import sync_staff_groups_after_migrate

        # Keeps the staff groups' permissions complete when later migrations add models.
        post_migrate.connect(sync_staff_groups_after_migrate, sender=self)
