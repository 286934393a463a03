"""A deploy that changes a template or a catalogue is seen at once, not when the cached
fragments drawn by the old code expire (core/fragments.py)."""

import os
import shutil

from django.test import override_settings

from core.fragments import cached_html, current_release, release_digest


def project(root, heading="Upcoming forums"):
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "card.html").write_text(f"<h2>{heading}</h2>", encoding="utf-8")
    (root / "requirements.txt").write_text("django==5.2\n", encoding="utf-8")
    return root


def deployed(root):
    """Settings as a new process of the code in `root` has them: its own template engine and
    its release read afresh."""
    current_release.cache_clear()
    return override_settings(
        BASE_DIR=root,
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [root / "templates"],
            }
        ],
    )


def test_a_deploy_with_new_markup_shows_it_at_once(tmp_path):
    root = project(tmp_path / "site")
    with deployed(root):
        assert cached_html("card", ["forum"], "card.html", {}) == "<h2>Upcoming forums</h2>"
    (root / "templates" / "card.html").write_text("<h2>Forums to come</h2>", encoding="utf-8")
    with deployed(root):
        assert cached_html("card", ["forum"], "card.html", {}) == "<h2>Forums to come</h2>"
    current_release.cache_clear()


def test_within_one_release_the_fragment_comes_from_the_cache(tmp_path):
    root = project(tmp_path / "site")
    with deployed(root):
        first = cached_html("card", ["forum"], "card.html", {})
        (root / "templates" / "card.html").unlink()  # drawn again, it would fail
        assert cached_html("card", ["forum"], "card.html", {}) == first
    current_release.cache_clear()


def test_hosts_with_the_same_code_share_a_release(tmp_path):
    one = project(tmp_path / "host-1")
    two = tmp_path / "host-2"
    shutil.copytree(one, two)
    os.utime(two / "templates" / "card.html", (0, 0))  # a checkout of its own: other times
    assert release_digest(one) == release_digest(two)
    (two / "requirements.txt").write_text("django==6.0\n", encoding="utf-8")  # a library upgrade
    assert release_digest(one) != release_digest(two)
