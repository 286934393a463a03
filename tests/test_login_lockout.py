"""The admin login locks a user name out from an address after repeated wrong passwords."""

import pytest

pytestmark = pytest.mark.django_db

LOGIN = "/en/admin/login/"


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(
        "officer", password="right-password", is_staff=True
    )


def attempt(client, password, address="192.0.2.10", username="officer"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/en/admin/"},
        REMOTE_ADDR=address,
    )


def test_the_right_password_is_refused_after_repeated_failures(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200  # the login form again
    assert attempt(client, "wrong").status_code == 429
    locked = attempt(client, "right-password")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.text
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_address(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")
    elsewhere = attempt(client, "right-password", address="198.51.100.20")
    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_the_lockout_page_is_in_khmer_on_khmer_pages(client, officer, settings):
    from django.utils import translation

    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(
            "/km/admin/login/",
            {"username": "officer", "password": "wrong"},
            REMOTE_ADDR="192.0.2.10",
        )
    assert response.status_code == 429
    with translation.override("km"):
        assert translation.gettext("Sign-in locked") in response.text
    assert 'lang="km"' in response.text


def test_a_few_mistakes_then_the_right_password_signs_in(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert attempt(client, "right-password").status_code == 302
