"""What a reader sees of the search's order and size: a search in the admin keeps its best
matches first (until staff sort by a column), a search matching very many names says "more than
1,000" instead of counting them all, and provinces are listed in the page's alphabetical order."""

import html

import pytest

from members.views import CappedPaginator
from tests.factories import OrganisationFactory, ProvinceFactory
from tests.test_directory_search import ORGANISATIONS, directory  # noqa: F401  (a fixture)

# code, English, Khmer: ISO number order, English order and Khmer order all differ.
PROVINCES = [
    ("KH-2", "Battambang", "បាត់ដំបង"),
    ("KH-7", "Kampot", "កំពត"),
    ("KH-12", "Phnom Penh", "ភ្នំពេញ"),
    ("KH-20", "Svay Rieng", "ស្វាយរៀង"),
    ("KH-21", "Takeo", "តាកែវ"),
]
KHMER_ORDER = ["កំពត", "តាកែវ", "បាត់ដំបង", "ភ្នំពេញ", "ស្វាយរៀង"]
ENGLISH_ORDER = ["Battambang", "Kampot", "Phnom Penh", "Svay Rieng", "Takeo"]


@pytest.fixture
def provinces(db):
    return [
        ProvinceFactory(code=code, name_en=en, name_km=km, slug=code.lower())
        for code, en, km in PROVINCES
    ]


def order_in(text, names):
    text = html.unescape(text).replace("\u200b", "")
    return [name for _, name in sorted((text.index(name), name) for name in names)]


def test_admin_search_lists_best_matches_first(client, directory, django_user_model):  # noqa: F811
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "x"))
    text = client.get("/en/admin/members/organisation/", {"q": "ជន"}).text
    # ជន: a whole word of "disabled", the start of a word of "rural", inside "youth".
    names = [ORGANISATIONS[key][1] for key in ("disabled", "rural", "youth")]
    assert order_in(text, names) == names


def test_admin_search_sorted_by_a_column_follows_the_column(client, directory, django_user_model):  # noqa: F811
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "x"))
    # o=2: the English name column, A to Z.
    text = client.get("/en/admin/members/organisation/", {"q": "ជន", "o": "2"}).text
    names = [ORGANISATIONS[key][1] for key in ("disabled", "rural", "youth")]
    assert order_in(text, names) == sorted(names)


def test_a_search_matching_very_many_names_says_more_than(client, db, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for number in range(5):
        OrganisationFactory(name_en=f"Farmers Union {number}", name_km=f"សហជីពកសិករ {number}")
    text = client.get("/en/members/", {"q": "farmers"}).text
    assert "More than 3 organisations found" in text
    text = client.get("/en/members/", {"q": "farmers 4"}).text
    assert "1 organisation found" in text and "More than" not in text


def test_the_capped_count_counts_no_further_than_the_cap(db):
    for number in range(5):
        OrganisationFactory(name_en=f"Farmers Union {number}")
    from members.models import Organisation

    paginator = CappedPaginator(Organisation.objects.search("farmers"), 2)
    paginator.cap = 3
    assert (paginator.count, paginator.is_capped, paginator.num_pages) == (3, True, 2)
    paginator = CappedPaginator(Organisation.objects.search("farmers"), 2)
    assert (paginator.count, paginator.is_capped) == (5, False)


def province_choices(text):
    start = text.index('name="province"')
    return text[start : text.index("</select>", start)]


@pytest.mark.parametrize(("language", "expected"), [("km", KHMER_ORDER), ("en", ENGLISH_ORDER)])
def test_directory_province_filter_in_the_pages_alphabetical_order(
    client, provinces, language, expected
):
    text = province_choices(client.get(f"/{language}/members/").text)
    assert order_in(text, expected) == expected


@pytest.mark.parametrize(("language", "expected"), [("km", KHMER_ORDER), ("en", ENGLISH_ORDER)])
def test_networks_table_in_the_pages_alphabetical_order(client, provinces, language, expected):
    text = client.get(f"/{language}/networks/").text
    table = text[text.index('id="network-table"') :]
    assert order_in(table, expected) == expected
