"""Spreadsheet import and export for networks, memberships and MoUs (see members.resources)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from members.resources import (
    BilingualNameMixin,
    OrganisationBySlugOrAcronymWidget,
    ProvinceWidget,
    choice_field,
)

from .models import MoU, NetworkMembership, ProvincialNetwork


class ProvincialNetworkResource(BilingualNameMixin, resources.ModelResource):
    required_fields = {
        **BilingualNameMixin.required_fields,
        "province": gettext_lazy("This column cannot be empty."),
    }
    province = fields.Field(attribute="province", column_name="province", widget=ProvinceWidget())
    status = choice_field("status", ProvincialNetwork.Status.choices, required=True)

    class Meta:
        model = ProvincialNetwork
        import_id_fields = ["slug"]
        fields = (
            "slug",
            "name_km",
            "name_en",
            "acronym",
            "province",
            "status",
            "founded",
            "coordinator",
            "description_km",
            "description_en",
            "is_sample",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True


class NetworkWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(ProvincialNetwork, field="slug")

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        network = ProvincialNetwork.objects.filter(slug__iexact=text).first() if text else None
        if network is None:
            raise ValueError(_("Unknown network “%(value)s”.") % {"value": value})
        return network


class NetworkMembershipResource(resources.ModelResource):
    network = fields.Field(attribute="network", column_name="network", widget=NetworkWidget())
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=OrganisationBySlugOrAcronymWidget(),
    )
    role = choice_field("role", NetworkMembership.Role.choices)

    class Meta:
        model = NetworkMembership
        import_id_fields = ["network", "organisation"]
        fields = ("network", "organisation", "role", "joined_on")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True

    def before_import_row(self, row, **kwargs):
        row["role"] = row.get("role") or NetworkMembership.Role.MEMBER


class MoUResource(resources.ModelResource):
    network = fields.Field(
        attribute="network",
        column_name="network",
        widget=widgets.ForeignKeyWidget(ProvincialNetwork, field="slug"),
    )
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=widgets.ForeignKeyWidget(MoU._meta.get_field("organisation").related_model, "slug"),
    )
    status = fields.Field(column_name="status")

    class Meta:
        model = MoU
        fields = (
            "title_km",
            "title_en",
            "network",
            "organisation",
            "signed_on",
            "starts_on",
            "ends_on",
            "status",
            "supports_institutional_development",
            "supports_fundraising",
            "supports_advocacy",
            "signatories",
            "notes",
        )
        export_order = fields

    def dehydrate_status(self, mou):
        return mou.status.value
