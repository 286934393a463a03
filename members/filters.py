import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from core.localization import latin_digits

from .models import Organisation, Province, Sector

MAX_QUERY_LENGTH = 100


class ChoicesInOneQuery(ModelChoiceIterator):
    """A select's choices read with one query, however often the page reads them: the template's
    for loop takes their length first, and Django's iterator would count them, then open a
    cursor to read them. The rows stay on the form's own queryset (a copy per request)."""

    def __len__(self):
        extra = (self.field.empty_label is not None) + (self.field.null_label is not None)
        return len(self.queryset) + extra

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for instance in self.queryset:
            yield self.choice(instance)


class ChoiceFieldInOneQuery(ModelChoiceField):
    iterator = ChoicesInOneQuery


class ModelChoiceFilterInOneQuery(django_filters.ModelChoiceFilter):
    field_class = ChoiceFieldInOneQuery


def _sectors(request):
    # Built per request so that the labels follow the page's language.
    return Sector.objects.all()


def _provinces(request):
    # Alphabetical in the page's language (Khmer order on Khmer pages).
    return Province.objects.by_name()


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name or acronym"),
        method="search",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Organisation.Kind.choices, empty_label=_("All kinds")
    )
    sector = ModelChoiceFilterInOneQuery(
        label=_("Sector"),
        field_name="sectors",
        to_field_name="slug",
        queryset=_sectors,
        empty_label=_("All sectors"),
    )
    province = ModelChoiceFilterInOneQuery(
        label=_("Province"),
        field_name="head_office_province",
        to_field_name="slug",
        queryset=_provinces,
        empty_label=_("All provinces"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "sector", "province"]

    def search(self, queryset, name, value):
        return queryset.search(latin_digits(value))

    def search_query(self):
        """The search typed (ASCII digits), or "" (a valid form only)."""
        return latin_digits(self.form.cleaned_data.get("q") or "")

    def filter_queryset_without_search(self):
        """The other filters only: the directory pages a search itself (SearchResults)."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        return queryset
