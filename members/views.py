from collections import defaultdict

from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from core.fragments import set_cached_fragments
from core.ratelimit import rate_limited
from core.text import clean_text, normalise_search

from .filters import OrganisationFilter
from .models import Contact, Organisation
from .search import CappedPaginator, SearchResults

LIST_FIELDS = [
    "slug",
    "name",
    "name_km",
    "name_en",
    "name_km_words",
    "acronym",
    "kind",
    "head_office_province",
]


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
            # The province and sectors are the filter form's own rows (_name_places_and_sectors).
            # What the list shows, no more: a search sorts every match, narrow rows sort in
            # memory (the descriptions would spill a large sort to disk).
            .only(*LIST_FIELDS)
            .by_name()
        )
        self.filterset = OrganisationFilter(self.request.GET or None, queryset=organisations)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return organisations.none()
        # No distinct(): the one many-to-many filter (a single sector) cannot repeat a row.
        query = self.filterset.search_query() if self.filterset.is_bound else ""
        if query:
            return SearchResults(self.filterset.filter_queryset_without_search(), query)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter=self.filterset, **kwargs)
        organisations = list(context["organisations"])
        _name_places_and_sectors(organisations, self.filterset.form)
        # Each entry's HTML from the fragment cache: the same in every search and filter.
        context["organisations"] = set_cached_fragments(
            organisations,
            "directory-entry",
            _entry_shows,
            "members/_organisation_entry.html",
            "organisation",
            "entry",
        )
        return context


def _name_places_and_sectors(organisations, form):
    """Give each entry its head-office province and its sectors (`sector_list`, in the sectors'
    order) from the rows the filter form's selects read anyway: one query for the page's pairs
    of organisation and sector, and no model made twice (a province and two sectors made per
    entry, joined and prefetched, were a tenth of the directory's time at 50,000 names)."""
    if not organisations:
        return
    provinces = {province.pk: province for province in form.fields["province"].queryset}
    sectors = {sector.pk: sector for sector in form.fields["sector"].queryset}
    order = {pk: number for number, pk in enumerate(sectors)}
    held = defaultdict(list)
    pairs = Organisation.sectors.through.objects.filter(
        organisation_id__in=[organisation.pk for organisation in organisations]
    ).values_list("organisation_id", "sector_id")
    for organisation_id, sector_id in pairs:
        held[organisation_id].append(sector_id)
    for organisation in organisations:
        if organisation.head_office_province_id is not None:
            organisation.head_office_province = provinces[organisation.head_office_province_id]
        # A sector added since the form read its rows (an import committing) waits for the
        # next request.
        known = [pk for pk in held[organisation.pk] if pk in sectors]
        organisation.sector_list = [sectors[pk] for pk in sorted(known, key=order.__getitem__)]


def _entry_shows(organisation):
    """All that a directory entry (members/_organisation_entry.html) shows, for its key."""
    return (
        organisation.slug,
        organisation.name_with_word_breaks,
        organisation.acronym,
        organisation.kind,
        str(organisation.head_office_province or ""),
        [str(sector) for sector in organisation.sector_list],
    )


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


# The organisation field's suggestions (static/js/organisation-suggest.js): a few names, asked
# for as someone types, so generous per address; a script gets a 429.
SUGGESTION_COUNT = 10
SUGGEST_RATE_LIMIT = 120
SUGGEST_WINDOW_SECONDS = 60
# Shorter queries match too much to help; longer ones are not a name someone types.
SUGGEST_MIN_LENGTH = 2
SUGGEST_MAX_LENGTH = 255
SUGGEST_FIELDS = ["name", "name_km", "name_en", "acronym", "acronym_km"]


def suggestion(organisation, language):
    """One suggestion: the name in the page's language, and beside it what else the reader may
    know it by (its acronyms, its name in the other language), which is also what lets the
    browser's list keep it while someone types an acronym or the other name."""
    other_name = organisation.name_en if language == "km" else organisation.name_km
    acronyms = [organisation.acronym_km, organisation.acronym]
    if language != "km":
        acronyms.reverse()
    others = [text for text in [*acronyms, other_name] if text and text != organisation.name]
    return {
        "name": organisation.name,
        "acronym": organisation.acronym,
        "label": " · ".join(dict.fromkeys(others)),
    }


@require_GET
def organisation_suggest(request):
    """At most SUGGESTION_COUNT directory organisations matching `q`, best first (the
    directory's search, members.search.SearchResults: a page's worth of rows, whatever the
    size of the directory), as JSON. Bad or short input is no error: just no suggestions."""
    if rate_limited(
        request,
        scope="organisation-suggest",
        limit=SUGGEST_RATE_LIMIT,
        window_seconds=SUGGEST_WINDOW_SECONDS,
    ):
        response = JsonResponse(
            {"results": [], "error": _("Too many requests. Please wait a minute.")}, status=429
        )
        response["Retry-After"] = str(SUGGEST_WINDOW_SECONDS)
        return response
    query = request.GET.get("q", "")
    query = clean_text(query) if len(query) <= SUGGEST_MAX_LENGTH else ""
    results = []
    if len(normalise_search(query)) >= SUGGEST_MIN_LENGTH:
        organisations = Organisation.objects.public().only(*SUGGEST_FIELDS).by_name()
        language = (get_language() or "km")[:2]
        matches = SearchResults(organisations, query)[:SUGGESTION_COUNT]
        results = [suggestion(organisation, language) for organisation in matches]
    response = JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
    # Public directory data: browsers may keep it a few minutes (a backspace asks nothing).
    # The anonymous page cache keeps it too, per URL and so per language and query, and drops
    # it when an organisation changes (members.apps).
    patch_cache_control(response, public=True, max_age=300)
    return response
