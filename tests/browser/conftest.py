"""Headless Chromium (Debian's package) driven by Playwright, against a live test server.

Playwright's own browser download does not work here, so we launch /usr/bin/chromium. Pages
are checked with axe-core from tests/browser/node_modules (npm install in this folder).
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import IN_CI

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"phone": 375, "desktop": 1280}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    # Browser tests last: Playwright's event loop stays up in this thread until the session ends.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    # The test database is made before Playwright starts its event loop in this thread.
    missing = [str(path) for path in (Path(CHROMIUM), AXE_SCRIPT) if not path.exists()]
    if missing:
        reason = f"browser tests need {', '.join(missing)} (see .ci/run)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls that the tests and
    # the live server's database fixtures make beside it are still synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
    page = context.new_page()
    outside = []

    def block_outside(route):
        # No third-party resources: anything not on the live server is refused and recorded.
        outside.append(route.request.url)
        route.abort()

    page.route(lambda url: not url.startswith("http://localhost"), block_outside)
    page.outside_requests = outside
    yield page
    context.close()


@pytest.fixture
def site(transactional_db, live_server):
    from demo.loader import load_demo

    load_demo()
    return live_server.url


def screenshot(page, name):
    """Save the page at phone and desktop widths under tests/browser/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def axe_violations(page):
    """Serious and critical accessibility violations found by axe-core on the current page."""
    # Evaluated through DevTools, not added as an inline <script>: the pages' CSP forbids those.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes: "
        f"{violation['nodes'][0]['target']})"
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


PASSWORD = "a-long-password-1"


def log_in(
    site, page, *, username="officer", group=None, superuser=False, next_path=None, **fields
):
    """Create a staff account (in `group`, or a superuser) and sign in through the admin's login
    page, as a person would. Returns the user.

    The staff groups are made again first: a live-server test before this one flushed the
    database, and with it the groups and permissions that migrate made."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group

    from ccc_portal.permissions import sync_staff_groups

    model = get_user_model()
    email = f"{username}@example.org"
    if superuser:
        user = model.objects.create_superuser(username, email, PASSWORD, **fields)
    else:
        user = model.objects.create_user(username, email, PASSWORD, is_staff=True, **fields)
    if group:
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        sync_staff_groups(apps)
        user.groups.add(Group.objects.get(name=group))
    page.goto(f"{site}{next_path or '/km/admin/login/'}")
    if next_path:
        assert "/admin/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    return user
