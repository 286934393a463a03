from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView

from .filters import OrganisationFilter
from .models import Contact, Organisation

LIST_FIELDS = [
    "slug",
    "name",
    "name_km",
    "name_en",
    "acronym",
    "kind",
    "head_office_province__code",
    "head_office_province__name",
    "head_office_province__name_km",
    "head_office_province__name_en",
]


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows (a LIMIT inside the COUNT): a search matching tens of
    thousands of names is not counted to the last one. `is_capped`: there are more than `cap`
    (the page says "more than 1,000"); the pages then stop at the cap."""

    cap = 1000

    @cached_property
    def is_capped(self):
        return self._counted > self.cap

    @cached_property
    def _counted(self):
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self):
        return min(self._counted, self.cap)


class OrganisationListView(ListView):
    """The public directory: search in either language or by acronym, and filters; in the
    alphabetical order of the page's language (a search: best matches first)."""

    template_name = "members/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 30
    paginator_class = CappedPaginator

    def get_queryset(self):
        organisations = (
            Organisation.objects.public()
            .select_related("head_office_province")
            .prefetch_related("sectors")
            # What the list shows, no more: a search sorts every match, narrow rows sort in
            # memory (the descriptions would spill a large sort to disk).
            .only(*LIST_FIELDS)
            .by_name()
        )
        self.filterset = OrganisationFilter(self.request.GET or None, queryset=organisations)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return organisations.none()
        # No distinct(): the one many-to-many filter (a single sector) cannot repeat a row.
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class OrganisationDetailView(DetailView):
    template_name = "members/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return (
            Organisation.objects.public()
            .select_related("head_office_province")
            .prefetch_related(
                "sectors",
                "provinces",
                "networks__province",
                # Only contacts staff marked public: no personal data otherwise.
                Prefetch(
                    "contacts",
                    queryset=Contact.objects.filter(is_public=True),
                    to_attr="public_contacts",
                ),
            )
        )
