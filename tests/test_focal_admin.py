"""Staff name focal persons and revoke them (issue 16, part 1), each URL checked per role."""

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import FocalPerson
from accounts.services import focal_person_make
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

LIST = "/en/admin/accounts/focalperson/"
ADD = "/en/admin/accounts/focalperson/add/"


@pytest.mark.parametrize("path", [LIST, ADD])
def test_focal_person_screens_by_role(client, staff_user, coordinator, path):
    response = client.get(path)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(coordinator)
    assert client.get(path).status_code == 403
    client.force_login(staff_user)
    assert client.get(path).status_code == 200


def test_staff_make_a_contact_a_focal_person(client, staff_user):
    contact = ContactFactory(email="sophea@wlc.org.kh")
    client.force_login(staff_user)
    response = client.post(ADD, {"contact": contact.pk, "language": "en"})
    assert response.status_code == 302
    focal = FocalPerson.objects.get()
    assert focal.contact == contact and focal.created_by == staff_user
    assert focal.user.email == "sophea@wlc.org.kh" and not focal.user.has_usable_password()


def test_a_contact_without_email_is_refused_with_the_reason(client, staff_user):
    contact = ContactFactory(email="")
    client.force_login(staff_user)
    response = client.post(ADD, {"contact": contact.pk, "language": "km"})
    assert response.status_code == 200
    assert "email address first" in response.text
    assert not FocalPerson.objects.exists()


def test_revoke_and_restore_by_action(client, staff_user, coordinator):
    focal = focal_person_make(contact=ContactFactory(), made_by=staff_user)
    payload = {"action": "revoke", "_selected_action": [focal.pk]}
    client.force_login(coordinator)
    client.post(LIST, payload)
    focal.refresh_from_db()
    assert focal.revoked_at is None  # no right: nothing changed
    client.force_login(staff_user)
    client.post(LIST, payload)
    focal.refresh_from_db()
    assert focal.revoked_at is not None and not focal.user.is_active
    assert focal.revoked_by == staff_user
    client.post(LIST, {"action": "restore", "_selected_action": [focal.pk]})
    focal.refresh_from_db()
    focal.user.refresh_from_db()
    assert focal.revoked_at is None and focal.user.is_active


def test_staff_send_a_link_in_the_focal_persons_language(client, staff_user, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    focal = focal_person_make(contact=ContactFactory(), made_by=staff_user, language="en")
    client.force_login(staff_user)
    client.post(LIST, {"action": "send_link", "_selected_action": [focal.pk]})
    (message,) = mail.outbox
    assert message.subject == "Your link to sign in to the CCC portal"
    assert "/en/account/sign-in/link/?sesame=" in message.body


def test_the_demo_focal_person_gets_a_printed_link(demo, capsys):
    call_command("sign_in_link", "focal.person@health.example.org")
    assert "/km/account/sign-in/link/?sesame=" in capsys.readouterr().out
