from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from events.models import Event, EventReport, EventSeries
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
        # A published report changes the event's page: its time counts as the page's too.
        reports = EventReport.objects.public().filter(event=OuterRef("pk"))
        return (
            Event.objects.published()
            .annotate(report_updated_at=Subquery(reports.values("updated_at")[:1]))
            .order_by("pk")
        )

    def lastmod(self, event):
        return max(filter(None, [event.updated_at, event.report_updated_at]))


class SeriesArchiveSitemap(I18nSitemap):
    """Each series' "events and results" page."""

    changefreq = "weekly"

    def items(self):
        return EventSeries.objects.filter(events__in=Event.objects.published()).distinct()

    def location(self, series):
        return reverse("events:series-archive", kwargs={"slug": series.slug})


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
    "series": SeriesArchiveSitemap,
    "members": OrganisationSitemap,
    "networks": NetworkSitemap,
}
