from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: helpers every app may use. It imports none of our apps."""

    name = "core"
    # The admin's heading over staff jobs, as staff knew it when they lived in ccc_portal.
    verbose_name = _("Portal")
