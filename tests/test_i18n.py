"""Bilingual from the first page: URLs, switcher, lang attributes (catalogues: test_catalogues)."""

import pytest


@pytest.mark.parametrize(
    ("accept", "expected"), [("km,en;q=0.5", "/km/"), ("en-GB,en;q=0.9", "/en/"), ("", "/km/")]
)
def test_root_redirects_to_the_visitors_language(client, db, accept, expected):
    response = client.get("/", headers={"accept-language": accept})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


@pytest.mark.parametrize("language", ["km", "en"])
def test_pages_declare_their_language_and_link_the_other(client, db, language):
    other = {"km": "en", "en": "km"}[language]
    response = client.get(f"/{language}/about/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    assert f'href="/{other}/about/" hreflang="{other}" lang="{other}"' in response.text
    assert f'rel="alternate" hreflang="{other}" href="http://testserver/{other}/about/"' in (
        response.text
    )


def test_switcher_keeps_the_page_and_query(client, demo):
    response = client.get("/en/members/", {"page": "1"})
    assert 'href="/km/members/?page=1"' in response.text


def test_khmer_home_page_is_in_khmer(client, demo):
    response = client.get("/km/")
    text = response.text
    assert "ព្រឹត្តិការណ៍ខាងមុខ" in text  # "Upcoming events"
    assert "ទំព័រដើម" in text  # "Home" in the navigation
    assert "Upcoming events" not in text


def test_english_home_page_shows_counts_and_next_events(client, demo):
    response = client.get("/en/")
    assert response.status_code == 200
    counts = response.context
    assert counts["network_count"] == 20
    assert counts["provinces_without_network"] == 5
    assert counts["active_member_count"] == 8
    assert "CBO learning forum" in response.text


def test_khmer_home_page_uses_khmer_digits(client, demo):
    response = client.get("/km/")
    assert '<div class="stat-number">២០</div>' in response.text


def test_base_layout_loads_only_our_own_static_files(client, db):
    text = client.get("/en/").text
    assert "/static/vendor/bootstrap/bootstrap.min.css" in text
    assert "/static/css/fonts.css" in text
    assert "https://" not in text.split("<body", 1)[0].replace('href="http://testserver', "")
