import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.localization import latin_digits

from .models import Organisation, Province, Sector

MAX_QUERY_LENGTH = 100


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
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"),
        field_name="sectors",
        to_field_name="slug",
        queryset=_sectors,
        empty_label=_("All sectors"),
    )
    province = django_filters.ModelChoiceFilter(
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
