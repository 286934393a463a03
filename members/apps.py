from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from core.page_cache import drop_cached_pages_on_change

        # What the public pages show: a change drops cached pages (core/page_cache.py).
        public_models = ("Province", "Sector", "Organisation", "Contact")
        drop_cached_pages_on_change(*map(self.get_model, public_models))
        connection_created.connect(add_khmer_collation_to_sqlite)


def add_khmer_collation_to_sqlite(sender, connection, **kwargs):
    """SQLite has no Khmer collation: give it the Unicode Collation Algorithm's (pyuca), under
    the name PostgreSQL's ICU collation has (members.models.KHMER_COLLATION)."""
    if connection.vendor == "sqlite":
        from .collation import compare_khmer

        connection.connection.create_collation("khmer", compare_khmer)
