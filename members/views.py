from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from .filters import OrganisationFilter
from .models import Contact, Organisation


class OrganisationListView(ListView):
    """The public directory: search in either language or by acronym, and filters; in the
    alphabetical order of the page's language (a search: best matches first)."""

    template_name = "members/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 30

    def get_queryset(self):
        organisations = (
            Organisation.objects.public()
            .select_related("head_office_province")
            .prefetch_related("sectors")
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
