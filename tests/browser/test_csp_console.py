"""Pages under the Content-Security-Policy in a real browser: nothing blocked, no console error.

Every console message of level error (a CSP violation is one, and so is a failed request such as
a missing /favicon.ico), every uncaught script error and every `securitypolicyviolation` event
fails the test, on the public pages and the staff pages that carry scripts of their own."""

import pytest

from tests.browser.conftest import log_in

# Reported by the page itself, before any of its scripts run.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, with a list of what went wrong on it (`page.problems`)."""
    problems = []
    page.on(
        "console",
        lambda message: problems.append(f"console: {message.text}")
        if message.type == "error"
        else None,
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.add_init_script(RECORD_VIOLATIONS)
    page.problems = problems
    return page


def visit(page, url):
    """Open `url`, let its scripts run, and return what went wrong there."""
    page.problems.clear()
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    header = response.headers["content-security-policy"]
    assert "script-src 'self'" in header and "unsafe-inline" not in header
    violations = page.evaluate("window.__cspViolations")
    return [*page.problems, *(f"CSP: {each}" for each in violations)]


def test_public_pages_run_clean_under_the_policy(site, watched):
    from events.models import Event
    from networks.models import ProvincialNetwork

    event = Event.objects.published().order_by("-starts_at").first()
    network = ProvincialNetwork.objects.order_by("pk").first()
    paths = [
        "/km/",
        "/en/",
        "/km/events/",
        f"/km/events/{event.starts_at.year}/{event.starts_at.month}/",
        event.get_absolute_url(),
        f"/km/events/{event.slug}/register/",
        "/km/members/",
        "/km/networks/",
        f"/km/networks/{network.slug}/",
    ]
    found = {path: visit(watched, f"{site}{path}") for path in paths}
    assert {path: problems for path, problems in found.items() if problems} == {}
    assert watched.outside_requests == []


def test_the_calendar_colours_come_from_the_static_script(site, watched):
    """The event type's colour, once a style attribute, is set by static/js/data-styles.js."""
    from events.models import Event

    event = Event.objects.published().order_by("-starts_at").first()
    month = f"{site}/km/events/{event.starts_at.year}/{event.starts_at.month}/"
    assert visit(watched, month) == []
    chip = watched.locator(".calendar-event[data-border-colour]").first
    colour = chip.get_attribute("data-border-colour")
    drawn = chip.evaluate("element => element.style.borderLeftColor")
    assert colour and drawn, "the chip keeps the default colour"


def test_staff_pages_run_clean_under_the_policy(site, watched):
    from events.models import Event, Registration

    registration = Registration.objects.select_related("event").order_by("pk").first()
    event = registration.event
    Event.objects.filter(pk=event.pk).update(by_invitation=True)
    log_in(site, watched, username="boss", superuser=True)
    paths = [
        "/km/admin/",
        f"/km/admin/events/event/{event.pk}/change/",
        "/km/admin/events/registration/",
        f"/km/staff/events/{event.pk}/check-in/",
        "/km/admin/events/event/donor-figures/",
        f"/km/admin/events/event/{event.pk}/participation/",
        f"/km/admin/events/event/{event.pk}/invitations/",
        f"/km/admin/events/event/{event.pk}/sign-in-sheet/",
        "/km/admin/events/registration/export/",
        f"/km/admin/members/organisation/{registration.organisation_id or 1}/change/",
        "/km/admin/django_celery_beat/periodictask/add/",
    ]
    found = {path: visit(watched, f"{site}{path}") for path in paths}
    assert {path: problems for path, problems in found.items() if problems} == {}
    # The participation bars take their widths from data-bar-width through the CSSOM.
    watched.goto(f"{site}/km/admin/events/event/{event.pk}/participation/")
    widths = watched.locator(".participation .bar[data-bar-width]").evaluate_all(
        "bars => bars.map(bar => bar.style.width)"
    )
    assert widths and all(width.endswith("%") for width in widths)


def test_the_email_preview_shows_styled_emails_without_violations(site, watched):
    """The review page shows each email in an <iframe srcdoc>, which inherits the page's policy:
    that page alone allows style attributes (core.headers.allow_style_attributes)."""
    from events.models import Registration

    event = Registration.objects.filter(status="confirmed").order_by("pk").first().event
    log_in(site, watched, username="boss", superuser=True)
    watched.goto(f"{site}/en/admin/events/event/{event.pk}/message/")
    watched.locator("#id_recipients input[value=confirmed]").check()
    for field in ("subject_km", "body_km", "subject_en", "body_en"):
        watched.fill(f"#id_{field}", "Room 2")
    watched.problems.clear()
    watched.locator("button[value=review]").click()
    watched.wait_for_load_state("networkidle")
    frame = watched.frame_locator("iframe[srcdoc]").first
    assert frame.locator("[style]").count() > 0  # the email's own styling, applied
    violations = watched.evaluate("window.__cspViolations")
    assert [*watched.problems, *violations] == []
