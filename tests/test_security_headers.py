"""Security headers (Content-Security-Policy, Referrer-Policy, Permissions-Policy), pages that
keep to the policy (no inline script, <style>, style="" or on*="" anywhere), and the icons."""

import io
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from surveys.models import Question
from tests.factories import (
    EventFactory,
    EventInvitationFactory,
    OrganisationFactory,
    ProvincialNetworkFactory,
    QuestionFactory,
    RegistrationFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(response):
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_secure_headers(response, *, camera=False):
    assert directives(response) == POLICY
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    features = dict(part.split("=", 1) for part in response["Permissions-Policy"].split(", "))
    for denied in ("geolocation", "microphone", "payment", "usb", "serial"):
        assert features[denied] == "()"
    assert features["camera"] == ("(self)" if camera else "()")


# --- Headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["km", "en"])
def test_a_public_page_carries_the_security_headers(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert_secure_headers(response)


def test_an_admin_page_carries_the_security_headers(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/en/admin/")
    assert response.status_code == 200
    assert_secure_headers(response)


def test_an_error_page_carries_the_security_headers(client):
    response = client.get("/km/no-such-page/")
    assert response.status_code == 404
    assert_secure_headers(response)
    assert_no_inline_code(response)


def test_only_the_check_in_page_may_use_the_camera(client, admin_user):
    event = EventFactory()
    client.force_login(admin_user)
    response = client.get(f"/en/staff/events/{event.pk}/check-in/")
    assert response.status_code == 200
    assert_secure_headers(response, camera=True)
    assert_no_inline_code(response)


def test_the_email_preview_alone_allows_style_attributes(client, admin_user):
    """Staff see each email as it will look, in an <iframe srcdoc> that inherits the page's
    policy; emails are styled by style attributes, so that page allows them, and nothing else."""
    event = EventFactory()
    RegistrationFactory(event=event)
    client.force_login(admin_user)
    url = f"/en/admin/events/event/{event.pk}/message/"
    text = {"subject_km": "បន្ទប់", "body_km": "បន្ទប់ ២", "subject_en": "Room", "body_en": "Room 2"}
    review = client.post(url, {"recipients": "confirmed", "step": "review", **text})
    assert review.status_code == 200 and "<iframe srcdoc=" in review.text
    policy = directives(review)
    assert policy.pop("style-src-attr") == "'unsafe-inline'"
    assert policy == POLICY
    assert_no_inline_code(review)
    write = client.get(url)
    assert "style-src-attr" not in write["Content-Security-Policy"]


def test_report_only_mode_comes_from_the_environment():
    """CSP_REPORT_ONLY=1 sends the same policy as a report that blocks nothing (for rollout)."""
    code = (
        "from django.conf import settings as s; "
        "print(s.CONTENT_SECURITY_POLICY, "
        "s.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES']['script-src'])"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "CSP_REPORT_ONLY": "1"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.split() == ["None", "[\"'self'\"]"]


# --- No inline code in the pages --------------------------------------------------------------


class InlineCode(HTMLParser):
    """Collects what the policy forbids: <script> without src, <style>, style and on* attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        data_block = names.get("type") in ("application/json", "application/ld+json")
        if tag == "script" and not names.get("src") and not data_block:
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, _value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f'<{tag} {name}="..."> at line {self.getpos()[0]}')


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_no_inline_code(response):
    assert inline_code(response.content.decode()) == []


def test_the_checker_finds_what_the_policy_forbids():
    html = (
        '<script src="/a.js"></script><script>alert(1)</script><style>p{}</style>'
        '<p style="color:red">x</p><button onclick="go()">go</button>'
        '<script type="application/json" id="data">{}</script>'
    )
    assert len(inline_code(html)) == 4
    assert inline_code('<script src="/a.js" defer></script><p data-bar-width="5">x</p>') == []


@pytest.fixture
def site_data(db):
    organisation = OrganisationFactory(name_en="Khmer Youth Association", slug="kya")
    network = ProvincialNetworkFactory()
    event = EventFactory(title_en="Learning forum", title_km="វេទិកាសិក្សា", slug="forum")
    registration = RegistrationFactory(event=event, organisation=organisation, status="attended")
    RegistrationFactory(event=event, full_name="Sophea")
    EventInvitationFactory(event=event)
    survey = SurveyFactory(event=event)
    QuestionFactory(survey=survey, kind=Question.Kind.RATING)
    return {
        "organisation": organisation,
        "network": network,
        "event": event,
        "registration": registration,
        "survey": survey,
    }


PUBLIC_PAGES = {
    "home": lambda data: "/",
    "about": lambda data: "/about/",
    "event list": lambda data: "/events/",
    "month calendar": lambda data: (
        f"/events/{data['event'].starts_at.year}/{data['event'].starts_at.month}/"
    ),
    "event page": lambda data: f"/events/{data['event'].slug}/",
    "registration form": lambda data: f"/events/{data['event'].slug}/register/",
    "registrant page": lambda data: reverse(
        "registrations:detail", kwargs={"token": data["registration"].cancel_token}
    ).split("/", 2)[2],
    "directory": lambda data: "/members/",
    "organisation page": lambda data: f"/members/{data['organisation'].slug}/",
    "networks map": lambda data: "/networks/",
    "network page": lambda data: f"/networks/{data['network'].slug}/",
}


@pytest.mark.parametrize("language", ["km", "en"])
@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_pages_have_no_inline_code(client, site_data, name, language):
    path = PUBLIC_PAGES[name](site_data)
    response = client.get(f"/{language}/{path.lstrip('/')}")
    assert response.status_code == 200, name
    assert_no_inline_code(response)


STAFF_PAGES = {
    "admin index": lambda data: "/admin/",
    "event list": lambda data: "/admin/events/event/",
    "event change": lambda data: f"/admin/events/event/{data['event'].pk}/change/",
    "registration list": lambda data: "/admin/events/registration/",
    "registration change": lambda data: (
        f"/admin/events/registration/{data['registration'].pk}/change/"
    ),
    "registration export": lambda data: "/admin/events/registration/export/",
    "check-in": lambda data: f"/staff/events/{data['event'].pk}/check-in/",
    "donor figures": lambda data: "/admin/events/event/donor-figures/",
    "participation": lambda data: f"/admin/events/event/{data['event'].pk}/participation/",
    "sign-in sheet": lambda data: f"/admin/events/event/{data['event'].pk}/sign-in-sheet/",
    "certificates": lambda data: f"/admin/events/event/{data['event'].pk}/certificates/",
    "certificates send": lambda data: (
        f"/admin/events/event/{data['event'].pk}/certificates/send/"
    ),
    "message": lambda data: f"/admin/events/event/{data['event'].pk}/message/",
    "invitations": lambda data: f"/admin/events/event/{data['event'].pk}/invitations/",
    "survey summary": lambda data: f"/admin/surveys/survey/{data['survey'].pk}/summary/",
    "duplicates": lambda data: "/admin/members/organisation/duplicates/",
    "organisation history": lambda data: (
        f"/admin/members/organisation/{data['organisation'].pk}/history/"
    ),
    "organisation change": lambda data: (
        f"/admin/members/organisation/{data['organisation'].pk}/change/"
    ),
    "periodic task": lambda data: "/admin/django_celery_beat/periodictask/add/",
}


@pytest.mark.parametrize("language", ["km", "en"])
@pytest.mark.parametrize("name", list(STAFF_PAGES))
def test_staff_pages_have_no_inline_code(client, admin_user, site_data, name, language):
    client.force_login(admin_user)
    path = STAFF_PAGES[name](site_data)
    response = client.get(f"/{language}/{path.lstrip('/')}", follow=True)
    assert response.status_code == 200, name
    assert_no_inline_code(response)
    assert "unsafe" not in response["Content-Security-Policy"]


TEMPLATE_FOLDERS = [
    settings.BASE_DIR / "templates",
    *sorted(settings.BASE_DIR.glob("*/templates")),
]


# In template source (tags and all): <script> without src, <style>, style= and on*= attributes.
FORBIDDEN_IN_TEMPLATES = re.compile(
    r"<script\b(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE
)


def test_no_template_has_inline_code():
    """Pages not rendered above keep to the policy too. Emails are exempt: mail is not served
    with the Content-Security-Policy, and mail clients need style attributes."""
    found = []
    for folder in TEMPLATE_FOLDERS:
        for template in sorted(folder.rglob("*.html")):
            if "emails" in template.relative_to(folder).parts:
                continue
            text = template.read_text(encoding="utf-8")
            found += [f"{template}: {m.group()}" for m in FORBIDDEN_IN_TEMPLATES.finditer(text)]
    assert found == []


# --- Icons ------------------------------------------------------------------------------------


def test_favicon_ico_is_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    icon = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    response.close()
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48)} <= set(icon.info["sizes"])


def test_pages_link_their_icons(client):
    html = client.get("/km/").content.decode()
    for link in (
        '<link rel="icon" href="/static/img/favicon.ico" sizes="48x48">',
        '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">',
        '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">',
        '<link rel="manifest" href="/static/site.webmanifest">',
    ):
        assert link in html
    with Image.open(finders.find("img/apple-touch-icon.png")) as touch_icon:
        assert touch_icon.size == (180, 180)
    assert Path(finders.find("img/favicon.svg")).read_text().startswith("<svg")


ICONS = ["img/favicon.svg", "img/apple-touch-icon.png", "site.webmanifest"]


@pytest.mark.parametrize("path", ICONS)
def test_the_icons_are_served(client, path):
    response = client.get(f"/static/{path}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    response.close()
