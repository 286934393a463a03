"""The member directory's search finds what Khmer and English readers type, best matches first,
and lists organisations in the reader's alphabetical order."""

import html

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.text import normalise_search, search_words
from members.models import Organisation, OrganisationSearchToken
from members.services import organisations_reindex
from tests.factories import OrganisationFactory
from tests.unwrap import unwrapped

# key: Khmer name, English name, acronym, Khmer acronym
ORGANISATIONS = {
    "ccc": (
        "គណៈកម្មាធិការសហប្រតិបត្តិការដើម្បីកម្ពុជា",
        "Cooperation Committee for Cambodia",
        "CCC",
        "គ.ស.ក",
    ),
    "youth": ("សមាគមយុវជនកម្ពុជា", "Cambodian Youth Association", "CYA", ""),
    "youth-dev": ("សមាគមអភិវឌ្ឍន៍យុវជន", "Youth Development Association", "YDA", ""),
    "disabled": (
        "អង្គការជនពិការកម្ពុជា",
        "Cambodian Disabled People's Organisation",
        "CDPO",
        "",
    ),
    "rural": ("សមាគមអភិវឌ្ឍន៍ជនបទ", "Rural Development Association", "RDA", ""),
    "rural-women": ("អង្គការគាំទ្រស្ត្រីជនបទ", "Rural Women Support Organisation", "RWSO", ""),
    "hiv": ("គណៈកម្មាធិការសម្របសម្រួលមេរោគអេដស៍", "HIV/AIDS Coordinating Committee", "HACC", ""),
    "ngo-forum": (
        "វេទិកាអង្គការមិនមែនរដ្ឋាភិបាលស្តីពីកម្ពុជា",
        "The NGO Forum on Cambodia",
        "NGOF",
        "",
    ),
    "farmers": ("សមាគមកសិករកំពត", "Kampot Farmers Association", "KFA", ""),
    "children": ("មូលនិធិអប់រំកុមារ", "Children's Education Fund", "CEF", ""),
    "forest": ("សម្ព័ន្ធសហគមន៍ព្រៃឈើ", "Forest Communities Alliance", "FCA", ""),
    "legal-aid": ("អង្គការជំនួយផ្នែកច្បាប់", "Legal Aid Organisation", "LAO", ""),
    "women-leaders": (
        "មជ្ឈមណ្ឌលភាពជាអ្នកដឹកនាំស្ត្រី",
        "Women's Leadership Centre",
        "WLC",
        "",
    ),
    "health": ("អង្គការសុខភាពសហគមន៍", "Community Health Organisation", "CHO", ""),
    "opportunity": ("អង្គការឱកាសយុវជន", "Youth Opportunity Organisation", "YOO", ""),
    "medicam": ("មេឌីកាំ", "MEDiCAM", "MEDiCAM", ""),
}

# query, the organisations it must find, some it must not find
QUERIES = [
    # Whole names, words and parts of words, in Khmer.
    ("សមាគមយុវជនកម្ពុជា", {"youth"}, {"youth-dev", "disabled"}),
    ("យុវជន", {"youth", "youth-dev", "opportunity"}, {"rural", "ccc"}),
    ("ជនពិការ", {"disabled"}, {"rural", "youth"}),
    ("ពិការ", {"disabled"}, {"rural"}),
    ("ជនបទ", {"rural", "rural-women"}, {"disabled", "youth"}),
    ("សហគមន៍", {"forest", "health"}, {"farmers"}),
    ("កសិករ", {"farmers"}, {"forest"}),
    ("ច្បាប់", {"legal-aid"}, {"health"}),
    ("មូលនិធិ", {"children"}, {"legal-aid"}),
    ("កុមារ", {"children"}, {"youth"}),
    ("សុខភាព", {"health"}, {"medicam"}),
    ("មេឌីកាំ", {"medicam"}, {"health"}),
    ("ព្រៃឈើ", {"forest"}, {"farmers"}),
    ("កម្ពុជា", {"ccc", "youth", "disabled", "ngo-forum"}, {"rural"}),
    # Subscript order typed the other way round (្រ before ្ត).
    ("ស្រ្តី", {"rural-women", "women-leaders"}, {"youth"}),
    ("គាំទ្រស្រ្តី", {"rural-women"}, {"women-leaders"}),
    # Split vowels: ំ + ា for ាំ, េ + ា for ោ.
    ("គំាទ្រ", {"rural-women"}, {"health"}),
    ("មេរេាគ", {"hiv"}, {"ccc"}),
    ("មេរេាគអេដស៍", {"hiv"}, {"ccc"}),
    ("មេឌីកំា", {"medicam"}, set()),
    # Coeng da and coeng ta; ឲ and ឱ.
    ("ស្ដីពី", {"ngo-forum"}, {"ccc"}),
    ("ឲកាស", {"opportunity"}, {"youth"}),
    # Zero-width spaces a Khmer keyboard inserts.
    ("ជន\u200bពិការ", {"disabled"}, {"rural"}),
    # Words with a space between them, and words not next to each other in the name.
    ("សមាគម យុវជន", {"youth", "youth-dev"}, {"opportunity", "rural"}),
    ("សមាគមយុវជន", {"youth", "youth-dev"}, {"opportunity", "rural"}),
    ("អង្គការកម្ពុជា", {"disabled", "ngo-forum"}, {"youth", "health"}),
    ("កម្ពុជា អង្គការ", {"disabled", "ngo-forum"}, {"youth"}),
    ("អភិវឌ្ឍន៍ ជនបទ", {"rural"}, {"youth-dev", "rural-women"}),
    ("សហប្រតិបត្តិការកម្ពុជា", {"ccc"}, {"hiv"}),
    ("គណៈកម្មាធិការ", {"ccc", "hiv"}, {"ngo-forum"}),
    # CCC's Khmer acronym, with or without its dots.
    ("គ.ស.ក", {"ccc"}, {"hiv", "youth"}),
    ("គសក", {"ccc"}, {"hiv"}),
    # English: words in any order, case, curly apostrophes, punctuation.
    ("youth association", {"youth", "youth-dev"}, {"opportunity"}),
    ("association youth", {"youth", "youth-dev"}, {"opportunity"}),
    ("Cambodian Youth Association", {"youth"}, {"youth-dev"}),
    ("people’s", {"disabled"}, {"women-leaders"}),
    ("Women’s Leadership", {"women-leaders"}, {"rural-women"}),
    ("children's", {"children"}, {"youth"}),
    ("HIV/AIDS", {"hiv"}, {"health"}),
    ("hiv aids", {"hiv"}, {"health"}),
    ("forum", {"ngo-forum"}, {"disabled"}),
    ("comm", {"forest", "health", "ccc", "hiv"}, {"youth"}),
    ("RURAL", {"rural", "rural-women"}, {"youth"}),
    # Acronyms.
    ("cdpo", {"disabled"}, {"ngo-forum"}),
    ("NGOF", {"ngo-forum"}, {"disabled"}),
    ("CCC", {"ccc"}, {"hiv"}),
    ("c.c.c.", {"ccc"}, {"hiv"}),
    # Khmer and English together.
    ("CCC កម្ពុជា", {"ccc"}, {"youth"}),
    # Nothing to find.
    ("ក្រសួង", set(), set(ORGANISATIONS)),
    ("unicorn", set(), set(ORGANISATIONS)),
]


@pytest.fixture
def directory(db):
    return {
        key: OrganisationFactory(
            slug=key, name_km=km, name_en=en, acronym=acronym, acronym_km=acronym_km
        )
        for key, (km, en, acronym, acronym_km) in ORGANISATIONS.items()
    }


def found(query, **kwargs):
    return list(Organisation.objects.search(query, **kwargs).values_list("slug", flat=True))


@pytest.mark.parametrize(("query", "must", "must_not"), QUERIES)
def test_search_finds_what_readers_type(directory, query, must, must_not):
    slugs = set(found(query))
    assert must <= slugs, f"{query!r} missed {must - slugs}"
    assert not slugs & must_not, f"{query!r} found {slugs & must_not}"


def test_the_table_is_large_enough():
    assert len(QUERIES) >= 40


def test_whole_words_come_before_word_prefixes_before_parts_of_words(directory):
    slugs = found("ជន", language="km")
    # ជន is a word of អង្គការជនពិការកម្ពុជា, the start of ជនបទ, and the end of យុវជន.
    assert slugs[0] == "disabled"
    assert set(slugs[1:3]) == {"rural", "rural-women"}
    assert set(slugs[3:]) == {"youth", "youth-dev", "opportunity"}


def test_matches_of_equal_rank_follow_the_pages_alphabetical_order(directory):
    # សមាគម... before អង្គការ... in Khmer order; Rural Development before Rural Women.
    assert found("ជនបទ", language="km") == ["rural", "rural-women"]
    assert found("rural", language="en") == ["rural", "rural-women"]
    assert found("youth", language="en") == ["youth", "youth-dev", "opportunity"]


def test_directory_page_searches_and_ranks(client, directory):
    text = unwrapped(client.get("/km/members/", {"q": "ជន"}).text)
    positions = [text.index(ORGANISATIONS[key][0]) for key in ("disabled", "rural", "youth")]
    assert positions == sorted(positions)
    text = client.get("/en/members/", {"q": "សមាគម យុវជន"}).text
    assert "Cambodian Youth Association" in text and "Youth Development" in text
    assert "Youth Opportunity" not in text


def test_directory_is_in_khmer_order_on_khmer_pages_and_english_order_on_english(client, directory):
    text = unwrapped(client.get("/km/members/").text)
    khmer = sorted((text.index(km), km) for km, *_ in ORGANISATIONS.values() if km in text)
    # Khmer alphabetical order: ក before គ before ម before វ before ស before អ.
    initials = [km[0] for _, km in khmer]
    order = "កគមវសអ"
    assert [order.index(initial) for initial in initials] == sorted(
        order.index(initial) for initial in initials
    )
    text = html.unescape(client.get("/en/members/").text)
    english = [en for _, en in sorted((text.index(en), en) for _, en, *_ in ORGANISATIONS.values())]
    assert english == sorted(english, key=str.lower)


def test_admin_search_is_the_same_search(client, directory, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "x"))
    text = client.get("/en/admin/members/organisation/", {"q": "គ.ស.ក"}).text
    assert "Cooperation Committee for Cambodia" in text
    assert "HIV/AIDS Coordinating Committee" not in text


def test_index_follows_renames_and_is_rebuilt_by_the_command(directory):
    organisation = directory["farmers"]
    organisation.name_km = "សមាគមកសិករតាកែវ"
    organisation.save()
    assert found("តាកែវ") == ["farmers"] and found("កំពត") == []
    OrganisationSearchToken.objects.all().delete()
    assert found("កសិករ") == []
    call_command("rebuild_search_index", stdout=None)
    assert found("កសិករ") == ["farmers"]
    assert organisations_reindex(organisations=Organisation.objects.none()) == 0


def test_saving_without_a_name_change_keeps_the_index(directory):
    organisation = Organisation.objects.get(slug="ccc")
    with CaptureQueriesContext(connection) as queries:
        organisation.save(update_fields=["website"])
    assert not [query for query in queries if "searchtoken" in query["sql"]]
    assert found("គ.ស.ក") == ["ccc"]


def test_one_spelling_for_text_that_looks_the_same():
    assert normalise_search("ស្រ្តី") == normalise_search("ស្ត្រី")
    assert normalise_search("គំាទ្រ") == normalise_search("គាំទ្រ")
    assert normalise_search("មេរេាគ") == normalise_search("មេរោគ")
    assert normalise_search("ធ្វេី") == normalise_search("ធ្វើ")
    assert normalise_search("ឃំុ") == normalise_search("ឃុំ")
    assert normalise_search("ឲ្យ") == normalise_search("ឱ្យ")
    assert normalise_search("“People’s”") == "peoples"
    assert search_words("គ.ស.ក") == ["គសក"]
    assert search_words("សមាគមយុវជន") == ["សមាគម", "យុវជន"]
