from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from events.models import Event
from members.models import Organisation
from networks.models import ProvincialNetwork


class I18nSitemap(Sitemap):
    """Every page in both languages, each listing its other-language twin."""

    i18n = True
    alternates = True


class StaticPagesSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "about",
            "events:event-list",
            "members:organisation-list",
            "networks:network-list",
        ]

    def location(self, item):
        return reverse(item)


class EventSitemap(I18nSitemap):
    changefreq = "daily"

    def items(self):
        return Event.objects.published().order_by("pk")

    def lastmod(self, event):
        return event.updated_at


class OrganisationSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return Organisation.objects.public().order_by("pk")

    def lastmod(self, organisation):
        return organisation.updated_at


class NetworkSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return ProvincialNetwork.objects.order_by("pk")


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "events": EventSitemap,
    "members": OrganisationSitemap,
    "networks": NetworkSitemap,
}
