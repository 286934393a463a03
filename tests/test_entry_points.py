"""The ways in that are not pages: the WSGI application gunicorn loads, and the commands that
`make run` and `make demo` call (a staff login for the developer, the demo data)."""

import io
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ccc_portal.permissions import CCC_STAFF

pytestmark = pytest.mark.django_db


def test_the_wsgi_application_answers_a_request():
    from ccc_portal.wsgi import application

    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/robots.txt",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    body = b"".join(application(environ, start_response))

    assert answer["status"] == "200 OK"
    assert answer["headers"]["Content-Type"].startswith("text/plain")
    assert b"User-agent" in body


def ensure_staff_login(**options):
    out = io.StringIO()
    call_command("ensure_staff_login", stdout=out, **options)
    return out.getvalue()


def test_make_run_gets_a_staff_login_that_works_and_stays_the_same(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first = ensure_staff_login()
    password = (tmp_path / "staff-login.txt").read_text(encoding="utf-8").strip()

    assert f"Staff login: admin / {password}" in first
    assert stat.S_IMODE((tmp_path / "staff-login.txt").stat().st_mode) == 0o600
    user = get_user_model().objects.get(username="admin")
    assert user.is_staff and user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [CCC_STAFF]
    assert user.check_password(password)

    assert ensure_staff_login() == first
    assert get_user_model().objects.filter(username="admin").count() == 1


def test_a_lost_password_file_gives_the_login_a_new_password(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ensure_staff_login(username="dev")
    old = (tmp_path / "staff-login.txt").read_text(encoding="utf-8").strip()
    (tmp_path / "staff-login.txt").unlink()

    output = ensure_staff_login(username="dev")

    new = (tmp_path / "staff-login.txt").read_text(encoding="utf-8").strip()
    assert new != old and f"Staff login: dev / {new}" in output
    user = get_user_model().objects.get(username="dev")
    assert user.check_password(new) and not user.check_password(old)


def test_make_demo_says_what_it_loaded():
    out = io.StringIO()
    call_command("load_demo", stdout=out)

    assert out.getvalue().startswith("Demo data loaded: ")
    assert "25 provinces" in out.getvalue()
