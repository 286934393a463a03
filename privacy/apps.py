from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data kept only as long as needed: retention (anonymising registrants after
    their event), and a person's data on request (see, export, erase), each request logged."""

    name = "privacy"
    verbose_name = _("Personal data")
    default_auto_field = "django.db.models.BigAutoField"
