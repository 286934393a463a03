from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.admin import TranslationAdmin

from .models import Contact, Organisation, Province, Sector


@admin.register(Province)
class ProvinceAdmin(TranslationAdmin):
    list_display = ["code", "name_km", "name_en", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name_km", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Sector)
class SectorAdmin(TranslationAdmin):
    list_display = ["name_km", "name_en", "slug"]
    search_fields = ["name_km", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["full_name", "position", "email", "phone", "is_primary", "is_public"]


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    # Django 6 makes https the default scheme for typed URLs; choose it now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name_km",
        "name_en",
        "acronym",
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
    inlines = [ContactInline]
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "kind", "description", "logo", "is_public"]}),
        (
            _("Membership of CCC"),
            {"fields": ["membership_status", "membership_category", "member_since"]},
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
        return queryset.search(search_term), False
