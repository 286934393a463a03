from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: helpers every app may use. It imports none of our apps."""

    name = "core"
    verbose_name = _("Portal infrastructure")
