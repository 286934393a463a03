from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "ccc_portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.apps import apps

        from .permissions import sync_staff_groups_after_migrate

        # django-axes gives its admin section an untranslated name; superusers see it.
        apps.get_app_config("axes").verbose_name = _("Sign-in lockouts")

        # Keeps the staff groups' permissions complete when later migrations add models.
        post_migrate.connect(sync_staff_groups_after_migrate, sender=self)
