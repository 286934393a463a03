"""Spreadsheet import and export of the register (django-import-export).

Columns are the field names (`name_km`, `name_en`, …) so that an export can be imported again
unchanged. Cells may name a province, sector or choice by its code, its English or its Khmer
name; anything unknown is a row error in the reader's language, and one bad row stops the
whole import (IMPORT_EXPORT_USE_TRANSACTIONS).
"""

from django.db.models import Q
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from core.text import normalise_text

from .models import Contact, Organisation, Province, Sector

LIST_SEPARATOR = ";"


def _by_name(queryset, value, *extra_fields):
    """The one row whose code/slug or English or Khmer name is `value`, else None."""
    text = normalise_text(value)
    lookup = Q(slug__iexact=text) | Q(name_en__iexact=text) | Q(name_km=text)
    for field in extra_fields:
        lookup |= Q(**{f"{field}__iexact": text})
    matches = list(queryset.filter(lookup)[:2])
    if len(matches) == 1:
        return matches[0]
    if not matches and text != value:
        return _by_name(queryset, text, *extra_fields)
    return None


class ProvinceWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Province, field="code")

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        province = _by_name(Province.objects.all(), str(value).strip(), "code")
        if province is None:
            raise ValueError(_("Unknown province “%(value)s”.") % {"value": value})
        return province


class SectorsWidget(widgets.ManyToManyWidget):
    def __init__(self):
        super().__init__(Sector, separator=LIST_SEPARATOR, field="slug")

    def clean(self, value, row=None, **kwargs):
        if not value:
            return Sector.objects.none()
        sectors = []
        for name in filter(None, (part.strip() for part in str(value).split(LIST_SEPARATOR))):
            sector = _by_name(Sector.objects.all(), name)
            if sector is None:
                raise ValueError(_("Unknown sector “%(value)s”.") % {"value": name})
            sectors.append(sector.pk)
        return Sector.objects.filter(pk__in=sectors)


class ChoiceWidget(widgets.Widget):
    """A choice by its stored value or its English or Khmer label."""

    def __init__(self, choices, required=False):
        super().__init__()
        self.choices = choices
        self.required = required

    def _labels(self):
        labels = {}
        for value, label in self.choices:
            labels[value.lower()] = value
            for language in ("en", "km"):
                with translation.override(language):
                    labels[str(label).lower()] = value
        return labels

    def clean(self, value, row=None, **kwargs):
        text = normalise_text(value).lower()
        if not text:
            if self.required:
                raise ValueError(_("This column cannot be empty."))
            return ""
        try:
            return self._labels()[text]
        except KeyError:
            allowed = ", ".join(value for value, _label in self.choices)
            raise ValueError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": value, "allowed": allowed}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value or ""


def choice_field(name, choices, required=False):
    return fields.Field(
        attribute=name, column_name=name, widget=ChoiceWidget(choices, required=required)
    )


class RequiredFieldsMixin:
    """Columns a row must fill, each with the message that says so (model fields that may be
    blank in a form still need a value in an import)."""

    required_fields = {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for field, message in self.required_fields.items():
            value = getattr(instance, instance._meta.get_field(field).attname)
            if value is None or not str(value).strip():
                errors.setdefault(field, []).append(str(message))
        super().validate_instance(instance, errors, validate_unique)


class BilingualNameMixin(RequiredFieldsMixin):
    """Rows must name the record in both languages; a clear message says which is missing."""

    required_fields = {
        "name_km": gettext_lazy("The Khmer name is missing."),
        "name_en": gettext_lazy("The English name is missing."),
    }

    def before_import(self, dataset, **kwargs):
        # A file of new records may leave the slug column out: it comes from the English name.
        if "slug" not in (dataset.headers or []) and "name_en" in (dataset.headers or []):
            dataset.append_col(lambda row: "", header="slug")
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        # A new record may leave its slug empty: it comes from the English name (slugify
        # destroys Khmer).
        if not row.get("slug") and row.get("name_en"):
            row["slug"] = slugify(row["name_en"])


class OrganisationResource(BilingualNameMixin, resources.ModelResource):
    kind = choice_field("kind", Organisation.Kind.choices, required=True)
    registering_ministry = choice_field("registering_ministry", Organisation.Ministry.choices)
    membership_status = choice_field(
        "membership_status", Organisation.MembershipStatus.choices, required=True
    )
    membership_category = choice_field(
        "membership_category", Organisation.MembershipCategory.choices
    )
    head_office_province = fields.Field(
        attribute="head_office_province",
        column_name="head_office_province",
        widget=ProvinceWidget(),
    )
    sectors = fields.Field(attribute="sectors", column_name="sectors", widget=SectorsWidget())

    class Meta:
        model = Organisation
        import_id_fields = ["slug"]
        fields = (
            "slug",
            "name_km",
            "name_en",
            "acronym",
            "kind",
            "registering_ministry",
            "registration_number",
            "registration_date",
            "membership_status",
            "membership_category",
            "member_since",
            "head_office_province",
            "sectors",
            "website",
            "email",
            "phone",
            "address",
            "description_km",
            "description_en",
            "is_public",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class OrganisationBySlugOrAcronymWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Organisation, field="slug")

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            raise ValueError(_("This column cannot be empty."))
        organisation = Organisation.objects.filter(
            Q(slug__iexact=text) | Q(acronym__iexact=text)
        ).first()
        if organisation is None:
            raise ValueError(_("Unknown organisation “%(value)s”.") % {"value": value})
        return organisation


class ContactResource(RequiredFieldsMixin, resources.ModelResource):
    required_fields = {"full_name": gettext_lazy("This column cannot be empty.")}

    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=OrganisationBySlugOrAcronymWidget(),
    )

    class Meta:
        model = Contact
        import_id_fields = ["organisation", "full_name"]
        fields = (
            "organisation",
            "full_name",
            "position",
            "email",
            "phone",
            "is_primary",
            "is_public",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
