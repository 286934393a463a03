"""members.search pages the directory search in the order of Organisation.objects.search (best
rank, then the page's alphabetical order), whichever shape of query it picks, and counts the
matches in the same query as the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from members import search, views
from members.models import Organisation, search_query_words
from members.search import CappedPaginator, SearchResults
from tests.factories import OrganisationFactory, ProvinceFactory
from tests.test_directory_search import ORGANISATIONS, QUERIES, directory  # noqa: F401
from tests.unwrap import unwrapped


# The shapes of query members.search picks from PostgreSQL's estimates of each word's index
# entries, forced here by made-up estimates (SQLite has none: always every word joined).
def rare_whole_words(entries):
    return lambda words: search.Estimate(entries(words), [1] * len(words), 10**5)


PLANS = {
    "every word joined": rare_whole_words(lambda words: [10] * len(words)),
    "later words looked up per match": rare_whole_words(
        lambda words: [1] + [10**6] * (len(words) - 1)
    ),
    "earlier words looked up per match": rare_whole_words(
        lambda words: [10**6] * (len(words) - 1) + [1]
    ),
    "walked in name order": rare_whole_words(lambda words: [10**6] * len(words)),
    # Words not common as prefixes, but many names hold them whole (សុខភាព, "health").
    "walked for its whole words": lambda words: search.Estimate(
        [10**4] * len(words), [5 * 10**4] * len(words), 10**5
    ),
}
EXTRA_QUERIES = ["ជន", "!!!", "comm", "សហ", "អង្គការ សមាគម"]


@pytest.fixture(params=PLANS)
def plan(request, monkeypatch):
    estimate = PLANS[request.param]
    monkeypatch.setattr(search, "estimate", lambda words, using: estimate(words))
    return request.param


@pytest.fixture
def fast_directory_view(monkeypatch):
    """The directory view wired to members.search (as members/views.py will be)."""
    monkeypatch.setattr(views, "SearchResults", SearchResults)
    monkeypatch.setattr(views.OrganisationListView, "paginator_class", CappedPaginator)


def slugs(organisations):
    return [organisation.slug for organisation in organisations]


def expected(queryset, query, language):
    if not search_query_words(query):  # punctuation only: the directory in its own order
        queryset = queryset.by_name(language)
    return list(queryset.search(query, language=language).values_list("slug", flat=True))


@pytest.mark.parametrize("language", ["km", "en"])
@pytest.mark.parametrize("query", [query for query, *_ in QUERIES] + EXTRA_QUERIES)
def test_the_same_matches_in_the_same_order_as_search(directory, plan, language, query):  # noqa: F811
    with translation.override(language):
        organisations = Organisation.objects.all()
        results = SearchResults(organisations.by_name(), query)
        assert slugs(results[0:100]) == expected(organisations, query, language)
        assert results.count_upto(1000) == len(expected(organisations, query, language))


def test_pages_put_together_are_the_whole_order(directory, plan):  # noqa: F811
    organisations = Organisation.objects.all()
    everything = expected(organisations, "ក", "en")
    assert len(everything) > 5
    paginator = CappedPaginator(SearchResults(organisations.by_name("en"), "ក"), 2)
    pages = [slugs(paginator.page(number)) for number in paginator.page_range]
    assert [slug for page in pages for slug in page] == everything
    assert paginator.count == len(everything) and not paginator.is_capped
    # A page asked for without the paginator, after the end, and one past it.
    results = SearchResults(organisations.by_name("en"), "ក")
    assert slugs(results[3:5]) == everything[3:5]
    assert results[len(everything) : len(everything) + 5] == []
    assert slugs([results[1]]) == everything[1:2]


def test_the_count_comes_with_the_page(directory):  # noqa: F811
    paginator = CappedPaginator(SearchResults(Organisation.objects.by_name(), "ជន"), 2)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(2)
        names = slugs(page)
    assert paginator.count == 6 and len(names) == 2
    counted = [query for query in queries if "COUNT(" in query["sql"].upper()]
    assert len(counted) == 1 and "OVER" in counted[0]["sql"]


def test_the_count_stops_at_the_cap(db, plan, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for number in range(5):
        OrganisationFactory(name_en=f"Farmers Union {number}", name_km=f"សហជីពកសិករ {number}")
    paginator = CappedPaginator(SearchResults(Organisation.objects.by_name(), "farmers"), 2)
    assert (paginator.count, paginator.is_capped, paginator.num_pages) == (3, True, 2)
    assert len(paginator.page(2)) == 1
    paginator = CappedPaginator(SearchResults(Organisation.objects.by_name(), "farmers 4"), 2)
    assert (paginator.count, paginator.is_capped) == (1, False)


def test_the_directorys_filters_still_apply(directory, plan):  # noqa: F811
    province = ProvinceFactory(code="KH-98", name_en="Phnom Penh", slug="kh-98")
    Organisation.objects.filter(slug__in=["rural", "youth"]).update(head_office_province=province)
    Organisation.objects.filter(slug="disabled").update(is_public=False)
    organisations = Organisation.objects.public().by_name("km")
    results = SearchResults(organisations, "ជន")
    assert slugs(results[0:10]) == expected(Organisation.objects.public(), "ជន", "km")
    assert "disabled" not in slugs(results[0:10])
    in_province = SearchResults(organisations.filter(head_office_province=province), "ជន")
    assert slugs(in_province[0:10]) == ["rural", "youth"]
    assert SearchResults(organisations.filter(pk__in=[]), "ជន")[0:10] == []


def test_directory_page_with_the_fast_search(client, directory, fast_directory_view, plan):  # noqa: F811
    text = unwrapped(client.get("/km/members/", {"q": "ជន"}).text)
    positions = [text.index(ORGANISATIONS[key][0]) for key in ("disabled", "rural", "youth")]
    assert positions == sorted(positions)
    text = client.get("/en/members/", {"q": "សមាគម យុវជន"}).text
    assert "Cambodian Youth Association" in text and "Youth Development" in text
    assert "Youth Opportunity" not in text
    assert "2 organisations found" in text


def test_directory_pages_past_the_end_are_not_found(client, directory, fast_directory_view):  # noqa: F811
    assert client.get("/en/members/", {"q": "ជន", "page": "9"}).status_code == 404
    assert client.get("/en/members/", {"q": "ជន", "page": "x"}).status_code == 404
    response = client.get("/en/members/", {"q": "ជន", "page": "last"})
    assert response.status_code == 200 and "6 organisations found" in response.text


def test_a_search_matching_very_many_says_more_than(client, db, fast_directory_view, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for number in range(5):
        OrganisationFactory(name_en=f"Farmers Union {number}", name_km=f"សហជីពកសិករ {number}")
    assert "More than 3 organisations found" in client.get("/en/members/", {"q": "farmers"}).text


def test_the_filter_forms_choices_cost_one_query_each(client, directory):  # noqa: F811
    ProvinceFactory(code="KH-99", name_en="Battambang", slug="kh-99")
    with CaptureQueriesContext(connection) as queries:
        text = client.get("/en/members/").text
    assert "Battambang" in text
    read = [query["sql"] for query in queries if 'FROM "members_province"' in query["sql"]]
    assert len(read) == 1 and "COUNT" not in read[0].upper()


def test_postgresql_estimates_each_words_entries(postgresql, directory):  # noqa: F811
    estimated = search.estimate(["ជន", "zzzz"], "default")
    assert estimated is not None
    assert len(estimated.entries) == len(estimated.whole) == 2
    assert all(isinstance(number, int | float) for number in [*estimated.entries, *estimated.whole])
    assert estimated.organisations >= 1


@pytest.mark.parametrize(
    "whole, walked",
    [
        # One name of five holds the word whole: the first rank fills the page and the cap.
        (20000, True),
        # Too few whole: the walk would read the other ranks too; every entry is joined.
        (500, False),
        # Two words each in half the names may still rarely stand together: not walked.
        (50000, False),
    ],
)
def test_a_search_walks_when_names_hold_its_word_whole_densely(db, monkeypatch, whole, walked):
    words = ["សុខភាព"] if whole != 50000 else ["សុខភាព", "សហគមន៍"]
    monkeypatch.setattr(
        search,
        "estimate",
        lambda words, using: search.Estimate([30000] * len(words), [whole] * len(words), 10**5),
    )
    plan = SearchResults(Organisation.objects.by_name(), " ".join(words))._plan
    assert plan == (("walk", ()) if walked else ("join", ()))


def test_a_search_is_planned_once_for_a_while(directory, monkeypatch):  # noqa: F811
    """The plan comes from PostgreSQL's statistics (an EXPLAIN and three querysets built): the
    next visitor searching the same words reuses it from the shared cache, and gets the same
    matches."""
    asked = []

    def counted(words, using):
        asked.append(words)
        return PLANS["walked in name order"](words)

    monkeypatch.setattr(search, "estimate", counted)
    with translation.override("km"):
        first = slugs(SearchResults(Organisation.objects.by_name(), "ជន")[0:100])
        again = slugs(SearchResults(Organisation.objects.by_name(), "ជន")[0:100])
        assert first == again == expected(Organisation.objects.all(), "ជន", "km")
    assert len(asked) == 1
    # Other words are planned anew.
    assert SearchResults(Organisation.objects.by_name(), "សហ")._plan == ("walk", ())
    assert len(asked) == 2
