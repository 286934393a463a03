from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from core.admin_files import PrivateFileWidget
from core.admin_history import HistoryAdmin
from core.admin_localization import KhmerDigitsAdminMixin, KhmerDigitsInlineMixin
from core.admin_spreadsheets import SpreadsheetExportMixin, SpreadsheetImportExportMixin

from .document_views import staff_document
from .documents import (
    DOCUMENT_LINK_MAX_AGE,
    document_download_name,
    document_signed_url,
)
from .models import (
    MoU,
    MoUDigest,
    MoUStatus,
    NetworkMembership,
    ProvincialNetwork,
    SupportProject,
)
from .resources import MoUResource, NetworkMembershipResource, ProvincialNetworkResource


class MoUStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return MoUStatus.choices

    def queryset(self, request, queryset):
        if self.value() in MoUStatus.values:
            return queryset.filter(current_status=self.value())
        return queryset


class MoUDocumentWidget(PrivateFileWidget):
    """The signed PDF links to the view that checks the right to it, under its MoU's title."""

    def link(self, mou, field_file):
        url = reverse("admin:networks_mou_document", kwargs={"pk": mou.pk})
        return document_download_name(mou), url


# The signed PDF is private (networks.documents): the widget never asks for a media URL.
MOU_DOCUMENT_WIDGET = {models.FileField: {"widget": MoUDocumentWidget}}


class NetworkMembershipInline(KhmerDigitsInlineMixin, admin.TabularInline):
    model = NetworkMembership
    extra = 0
    autocomplete_fields = ["organisation"]


class MoUInline(KhmerDigitsInlineMixin, TranslationStackedInline):
    model = MoU
    fk_name = "network"
    extra = 0
    fields = ["title", "signed_on", "starts_on", "ends_on", "document"]
    show_change_link = True
    formfield_overrides = MOU_DOCUMENT_WIDGET


@admin.register(ProvincialNetwork)
class ProvincialNetworkAdmin(
    KhmerDigitsAdminMixin, SpreadsheetImportExportMixin, HistoryAdmin, TranslationAdmin
):
    resource_classes = [ProvincialNetworkResource]
    import_sample_row = {
        "slug": "kep-ngo-network",
        "name_km": "បណ្តាញអង្គការមិនមែនរដ្ឋាភិបាលខេត្តកែប",
        "name_en": "Kep NGO Network",
        "province": "KH-23",
        "status": "forming",
    }
    list_display = ["name_km", "name_en", "acronym", "province", "status", "is_sample"]
    list_filter = ["status", "is_sample", ("province", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["province"]
    search_fields = ["name_km", "name_en", "acronym"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["province"]
    inlines = [NetworkMembershipInline, MoUInline]


@admin.register(MoU)
class MoUAdmin(KhmerDigitsAdminMixin, SpreadsheetExportMixin, HistoryAdmin, TranslationAdmin):
    resource_classes = [MoUResource]
    list_display = [
        "title",
        "counterparty_display",
        "signed_on",
        "starts_on",
        "ends_on",
        "status_label",
    ]
    list_filter = [MoUStatusFilter, "supports_advocacy", "supports_fundraising"]
    list_select_related = ["network", "organisation"]
    search_fields = ["title_km", "title_en", "network__name_km", "network__name_en"]
    date_hierarchy = "ends_on"
    autocomplete_fields = ["network", "organisation"]
    fieldsets = [
        (None, {"fields": ["title", "network", "organisation"]}),
        (_("Dates"), {"fields": ["signed_on", "starts_on", "ends_on"]}),
        (
            _("Purposes"),
            {
                "fields": [
                    "supports_institutional_development",
                    "supports_fundraising",
                    "supports_advocacy",
                ]
            },
        ),
        (None, {"fields": ["signatories", "document", "document_link", "notes"]}),
    ]
    readonly_fields = ["document_link"]
    formfield_overrides = MOU_DOCUMENT_WIDGET

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return super().get_fieldsets(request, obj)
        # A new MoU has no document to link to yet.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "document_link"]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_urls(self):
        document = path("<int:pk>/document/", staff_document, name="networks_mou_document")
        return [document, *super().get_urls()]

    @admin.display(description=_("link to send"))
    def document_link(self, mou):
        if mou is None or not mou.pk or not mou.document:
            return "—"
        url = f"{settings.SITE_URL}{document_signed_url(mou)}"
        until = timezone.localtime() + DOCUMENT_LINK_MAX_AGE
        return format_html(
            '<input type="text" readonly class="vTextField" value="{}" aria-label="{}">'
            '<div class="help">{}</div>',
            url,
            _("link to send"),
            _(
                "Anyone with this link can open the signed document, without signing in, "
                "until %(date)s or until the document is replaced. Send it only to the "
                "network's coordinator or the other signatory."
            )
            % {"date": formats.date_format(until, "DATE_FORMAT")},
        )

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    @admin.display(description=_("counterparty"))
    def counterparty_display(self, mou):
        return mou.counterparty or "—"

    @admin.display(description=_("status"), ordering="current_status")
    def status_label(self, mou):
        return mou.get_status_display()


@admin.register(SupportProject)
class SupportProjectAdmin(KhmerDigitsAdminMixin, TranslationAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    search_fields = ["name_km", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["partners", "networks"]


@admin.register(MoUDigest)
class MoUDigestAdmin(KhmerDigitsAdminMixin, admin.ModelAdmin):
    list_display = ["sent_at", "expiring_count", "expired_count", "recipients"]
    readonly_fields = ["sent_at", "expiring_count", "expired_count", "recipients"]

    def has_add_permission(self, request):
        return False


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(KhmerDigitsAdminMixin, SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [NetworkMembershipResource]
    list_display = ["network", "organisation", "role", "joined_on"]
    list_filter = ["role", "network"]
    list_select_related = ["network", "organisation"]
    search_fields = ["organisation__search_text", "network__name_en", "network__name_km"]
    autocomplete_fields = ["network", "organisation"]
    import_sample_row = {"network": "rnn", "organisation": "KFA", "role": "member"}


# The MoU digest's outbox admin lives in its own module; importing it registers it.
from . import admin_outbox  # noqa: E402,F401
