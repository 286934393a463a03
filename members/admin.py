import csv

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.admin import TranslationAdmin

from core.admin_history import HistoryAdmin
from core.admin_localization import KhmerDigitsAdminMixin, KhmerDigitsInlineMixin
from core.admin_spreadsheets import SpreadsheetImportExportMixin
from core.spreadsheets import neutralise_row

from .admin_duplicates import ContactDuplicatesMixin, OrganisationDuplicatesMixin
from .models import (
    Contact,
    MembershipDues,
    MergeRecord,
    Organisation,
    OrganisationEmailDomain,
    Province,
    Sector,
)
from .resources import ContactResource, OrganisationResource
from .services import closed_dues_years, dues_mark_paid, dues_record, members_lapsed


@admin.register(Province)
class ProvinceAdmin(KhmerDigitsAdminMixin, TranslationAdmin):
    list_display = ["code", "name_km", "name_en", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name_km", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Sector)
class SectorAdmin(KhmerDigitsAdminMixin, TranslationAdmin):
    list_display = ["name_km", "name_en", "slug"]
    search_fields = ["name_km", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


class ContactInline(KhmerDigitsInlineMixin, admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["full_name", "position", "email", "phone", "is_primary", "is_public"]


class EmailDomainInline(KhmerDigitsInlineMixin, admin.TabularInline):
    """Domains staff checked are the organisation's own: registrations from them count as its
    (members-only events included; events.services.registration_membership)."""

    model = OrganisationEmailDomain
    extra = 0
    fields = ["domain", "verified_by", "verified_at"]
    readonly_fields = ["verified_by", "verified_at"]


@admin.register(Organisation)
class OrganisationAdmin(
    OrganisationDuplicatesMixin,
    KhmerDigitsAdminMixin,
    SpreadsheetImportExportMixin,
    HistoryAdmin,
    TranslationAdmin,
):
    resource_classes = [OrganisationResource]
    import_sample_row = {
        "slug": "kampot-farmers-association",
        "name_km": "សមាគមកសិករកំពត",
        "name_en": "Kampot Farmers Association",
        "acronym": "KFA",
        "kind": "association",
        "registering_ministry": "interior",
        "membership_status": "active",
        "membership_category": "full",
        "head_office_province": "KH-7",
        "sectors": "livelihoods; gender",
        "email": "info@example.org",
        "is_public": "1",
    }
    # Django 6 makes https the default scheme for typed URLs; choose it now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name_km",
        "name_en",
        "acronym",
        "acronym_km",
        "kind",
        "membership_status",
        "head_office_province",
        "is_public",
    ]
    list_filter = [
        "membership_status",
        "membership_category",
        "kind",
        "registering_ministry",
        "is_public",
        ("head_office_province", admin.RelatedOnlyFieldListFilter),
        "sectors",
    ]
    list_select_related = ["head_office_province"]
    # The search itself is Organisation.objects.search (Khmer-aware); see get_search_results.
    search_fields = ["search_text"]
    search_help_text = _("Search by Khmer or English name, or by acronym.")
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["head_office_province"]
    filter_horizontal = ["sectors", "provinces"]
    inlines = [ContactInline, EmailDomainInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is OrganisationEmailDomain:
            for entry in formset.save(commit=False):
                entry.verified_by = entry.verified_by or request.user
                entry.save()
            for entry in formset.deleted_objects:
                entry.delete()
            return
        super().save_formset(request, form, formset, change)

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "acronym",
                    "acronym_km",
                    "slug",
                    "kind",
                    "description",
                    "logo",
                    "is_public",
                ]
            },
        ),
        (
            _("Membership of CCC"),
            {
                "fields": [
                    "membership_status",
                    "membership_category",
                    "member_since",
                    "applied_on",
                    "application_fee_paid_on",
                    "listed_when_not_member",
                ]
            },
        ),
        (
            pgettext_lazy("registration with a ministry", "Registration"),
            {"fields": ["registering_ministry", "registration_number", "registration_date"]},
        ),
        (
            _("Where and what"),
            {"fields": ["head_office_province", "provinces", "sectors"]},
        ),
        (_("Public contact details"), {"fields": ["website", "email", "phone", "address"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        # Best matches first (the search's ordering replaces the change list's), unless the
        # user sorted by a column: then that order, as the change list set it.
        found = queryset.search(search_term)
        if ORDER_VAR in request.GET:
            found = found.order_by(*queryset.query.order_by)
        return found, False


@admin.register(Contact)
class ContactAdmin(
    ContactDuplicatesMixin,
    KhmerDigitsAdminMixin,
    SpreadsheetImportExportMixin,
    admin.ModelAdmin,
):
    resource_classes = [ContactResource]
    list_display = ["full_name", "organisation", "position", "email", "is_primary", "is_public"]
    list_filter = ["is_public", "is_primary"]
    list_select_related = ["organisation"]
    search_fields = ["full_name", "email", "organisation__search_text"]
    autocomplete_fields = ["organisation"]
    import_sample_row = {
        "organisation": "KFA",
        "full_name": "Sok Dara",
        "position": "Director",
        "email": "dara@example.org",
        "phone": "012 345 678",
        "is_primary": "1",
        "is_public": "0",
    }

    def get_export_queryset(self, request):
        """Only those with "Can see contacts that are not public" (the "CCC staff" group,
        superusers) export contacts that are not public. Anyone else allowed to export
        contacts gets the public ones only, with every column: those are shown on the public
        pages already, and a sheet with the same columns imports again unchanged."""
        queryset = super().get_export_queryset(request)
        if request.user.has_perm("members.view_private_contact"):
            return queryset
        return queryset.filter(is_public=True)


class MembershipDuesForm(forms.ModelForm):
    class Meta:
        model = MembershipDues
        fields = ["organisation", "year", "approved_budget_usd", "paid_on"]


@admin.register(MembershipDues)
class MembershipDuesAdmin(KhmerDigitsAdminMixin, admin.ModelAdmin):
    form = MembershipDuesForm
    list_display = ["organisation", "year", "approved_budget_usd", "amount_usd", "paid_on"]
    list_filter = ["year", ("paid_on", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation"]
    search_fields = ["organisation__search_text"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["amount_usd"]
    change_list_template = "admin/members/membershipdues/change_list.html"

    def save_model(self, request, obj, form, change):
        # The amount follows from the budget by the rule in members.services, nowhere else.
        dues = dues_record(
            organisation=obj.organisation,
            year=obj.year,
            approved_budget_usd=obj.approved_budget_usd,
        )
        if obj.paid_on != dues.paid_on:
            dues_mark_paid(dues=dues, paid_on=obj.paid_on)
        obj.pk, obj.amount_usd = dues.pk, dues.amount_usd

    def get_urls(self):
        return [
            path(
                "lapsed/",
                self.admin_site.admin_view(self.lapsed_view),
                name="members_membershipdues_lapsed",
            )
        ] + super().get_urls()

    def lapsed_view(self, request):
        """Members two years behind with their dues; ?format=csv downloads the list."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        lapsed = members_lapsed(today).select_related("head_office_province")
        years = closed_dues_years(today)
        if request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="lapsed-members.csv"'
            response.write("\ufeff")  # a byte-order mark, so spreadsheets show Khmer
            writer = csv.writer(response)
            writer.writerow(["name_km", "name_en", "acronym", "member_since", "unpaid_years"])
            for organisation in lapsed:
                writer.writerow(
                    neutralise_row(
                        [
                            organisation.name_km,
                            organisation.name_en,
                            organisation.acronym,
                            organisation.member_since or "",
                            " ".join(map(str, sorted(years))),
                        ]
                    )
                )
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Lapsed members"),
            "lapsed": lapsed,
            "years": sorted(years),
        }
        return TemplateResponse(request, "admin/members/membershipdues/lapsed.html", context)


@admin.register(MergeRecord)
class MergeRecordAdmin(KhmerDigitsAdminMixin, admin.ModelAdmin):
    """What each merge of duplicates moved and what it could not (members.merge): to read
    only; merges are made from the "Possible duplicates" pages."""

    list_display = ["merged_at", "kind", "removed_id", "kept_id", "merged_by"]
    list_filter = ["kind"]
    list_select_related = ["merged_by"]
    search_fields = ["=kept_id", "=removed_id"]
    fields = [
        "kind",
        "kept_id",
        "removed_id",
        "merged_by",
        "merged_at",
        "moved",
        "copied",
        "dropped",
        "removed_snapshot",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
