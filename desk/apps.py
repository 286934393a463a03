from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The staff desk: the admin's home page opens on what needs attention."""

    name = "desk"
    verbose_name = _("Staff desk")
