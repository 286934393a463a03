"""A person's data on request (issue 19, part 2): staff look up, export and erase what is held
about an address, each request logged; a registrant asks for their own from their page."""

import csv
import datetime
import io
import json
import re
import smtplib

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from accounts.models import FocalPerson
from accounts.services import focal_person_make
from events.models import (
    EventInvitation,
    Registration,
    RegistrationNotice,
    TelegramChat,
    TelegramMessage,
)
from members.models import Contact
from privacy.models import DataRequest, email_digest
from surveys.models import Answer, SurveyResponse
from tests.factories import (
    ContactFactory,
    EventFactory,
    EventInvitationFactory,
    OrganisationFactory,
    QuestionFactory,
    RegistrationFactory,
    SurveyFactory,
)
from tests.helpers import altered

pytestmark = pytest.mark.django_db

ADMIN = "/en/admin/privacy/datarequest/"
LOOKUP = ADMIN + "lookup/"
EXPORT = ADMIN + "lookup/export/"
ERASE = ADMIN + "lookup/erase/"
EMAIL = "sokha@example.org"


@pytest.fixture(autouse=True)
def _tasks_run_here(settings):
    # The email task runs in the request here (the broker is not under test).
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def person(admin_user):
    """Sokha, with something of every kind held about her, and Dara, who shares nothing."""
    event = EventFactory(title_en="CBO Learning Forum")
    past = EventFactory(
        title_en="M&E Forum",
        starts_at=timezone.now() - datetime.timedelta(days=30),
    )
    chat = TelegramChat.objects.create(chat_id=987654321)
    registration = RegistrationFactory(
        event=event,
        email="Sokha@Example.org",  # as she typed it: matched whatever the case
        full_name="Chan Sokha",
        phone="012 999 888",
        telegram_chat=chat,
    )
    attended = RegistrationFactory(
        event=past, email=EMAIL, full_name='=HYPERLINK("http://x")', status="attended"
    )
    RegistrationNotice.objects.create(registration=registration, kind="confirmed", once_key="c")
    TelegramMessage.objects.create(
        registration=registration, chat=chat, kind="reminder", once_key="reminder:1"
    )
    survey = SurveyFactory(event=past, title_en="Forum feedback")
    response = SurveyResponse.objects.create(
        survey=survey, registration=attended, submitted_on=timezone.localdate()
    )
    Answer.objects.create(
        response=response,
        question=QuestionFactory(survey=survey, kind="long_text"),
        text="More time for questions",
    )
    invitation = EventInvitationFactory(email=EMAIL, name="Sokha C.")
    contact = ContactFactory(
        email="SOKHA@example.org",
        full_name="Chan Sokha",
        organisation=OrganisationFactory(name_en="Sokha's NGO"),
    )
    focal = focal_person_make(contact=contact, made_by=admin_user)
    other = RegistrationFactory(event=event, email="dara@example.org", full_name="Keo Dara")
    return {
        "registration": registration,
        "attended": attended,
        "invitation": invitation,
        "contact": contact,
        "focal": focal,
        "other": other,
        "chat": chat,
        "response": response,
    }


# --- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ADMIN, LOOKUP])
def test_the_pages_by_role(client, staff_user, coordinator, path):
    response = client.get(path)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(coordinator)
    assert client.get(path).status_code == 403
    client.force_login(staff_user)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", [LOOKUP, EXPORT, ERASE])
def test_a_coordinator_can_neither_look_up_nor_export_nor_erase(client, coordinator, person, path):
    client.force_login(coordinator)
    response = client.post(path, {"email": EMAIL, "file_format": "json", "confirm": "yes"})
    assert response.status_code == 403
    assert not DataRequest.objects.exists()
    assert Registration.objects.filter(email__iexact=EMAIL).count() == 2  # nothing erased


def test_ccc_staff_have_the_right_and_coordinators_do_not(staff_user, coordinator):
    assert staff_user.has_perm("privacy.handle_datarequest")
    assert not coordinator.has_perm("privacy.handle_datarequest")
    assert not coordinator.has_perm("privacy.view_datarequest")


# --- Look-up ------------------------------------------------------------------------------------


def test_staff_see_every_kind_of_data_held_and_the_lookup_is_logged(client, staff_user, person):
    client.force_login(staff_user)
    response = client.post(LOOKUP, {"email": "SOKHA@EXAMPLE.ORG"})
    assert response.status_code == 200
    page = response.text
    for shown in [
        "CBO Learning Forum",  # registrations
        "M&amp;E Forum",
        "Confirmation",  # the notice
        "987654321",  # the Telegram chat
        "Telegram message",
        "Forum feedback",  # the survey response
        "Sokha C.",  # the invitation
        "Sokha&#x27;s NGO",  # the contact, and the focal person made from it
        "012 345 678",
    ]:
        assert shown in page, shown
    assert "Keo Dara" not in page
    assert 'value="json"' in page and 'value="csv"' in page and "Erase" in page
    logged = DataRequest.objects.get()
    assert logged.kind == "view" and logged.source == "staff"
    assert logged.requested_by == staff_user and logged.created_at is not None
    assert logged.counts["registrations"] == 2 and logged.counts["focal_persons"] == 1
    # The log keeps a digest and a masked form, not the address.
    assert logged.email == "" and logged.email_masked == "s***@example.org"
    assert logged.email_digest == email_digest(EMAIL)


def test_the_lookup_in_khmer(client, staff_user, person):
    client.force_login(staff_user)
    response = client.post("/km/admin/privacy/datarequest/lookup/", {"email": EMAIL})
    assert response.status_code == 200 and "Chan Sokha" in response.text
    assert 'lang="km"' in response.text


def test_an_unknown_address_says_nothing_was_found(client, staff_user, person):
    client.force_login(staff_user)
    response = client.post(LOOKUP, {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "Nothing is held about nobody@example.org" in response.text
    assert "Export JSON" not in response.text
    export = client.post(EXPORT, {"email": "nobody@example.org", "file_format": "json"})
    assert export.status_code == 404 and "Content-Disposition" not in export
    assert "Nothing is held" in export.text
    erase = client.post(ERASE, {"email": "nobody@example.org", "confirm": "yes"})
    assert erase.status_code == 404 and "Nothing is held" in erase.text
    assert list(DataRequest.objects.order_by("pk").values_list("kind", flat=True)) == [
        "view",
        "export",
        "erasure",
    ]


def test_a_malformed_address_is_refused_with_a_clear_error(client, staff_user):
    client.force_login(staff_user)
    response = client.post(LOOKUP, {"email": "not an address"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert not DataRequest.objects.exists()


def test_staff_find_the_requests_about_an_address_in_the_log(client, staff_user, person):
    client.force_login(staff_user)
    client.post(LOOKUP, {"email": EMAIL})
    client.post(LOOKUP, {"email": "dara@example.org"})
    response = client.get(ADMIN, {"q": "SOKHA@example.org"})
    assert "s***@example.org" in response.text and "d***@example.org" not in response.text


# --- Export -------------------------------------------------------------------------------------


def test_the_json_export_holds_her_data_and_no_one_else(client, staff_user, person):
    client.force_login(staff_user)
    response = client.post(EXPORT, {"email": EMAIL, "file_format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="personal-data-')
    document = json.loads(response.content)
    assert document["email"] == EMAIL
    names = {row["full_name"] for row in document["registrations"]}
    assert names == {"Chan Sokha", '=HYPERLINK("http://x")'}
    assert "Keo Dara" not in response.content.decode()
    assert document["registrations"][1]["phone"] == "012 999 888"
    assert document["survey_responses"][0]["answers"][0]["text"] == "More time for questions"
    assert document["contacts"][0]["organisation"].startswith("Sokha's NGO")
    logged = DataRequest.objects.get()
    assert (logged.kind, logged.file_format, logged.requested_by) == (
        "export",
        "json",
        staff_user,
    )


def test_the_csv_export_is_formula_safe_and_holds_only_her_data(client, staff_user, person):
    client.force_login(staff_user)
    response = client.post(EXPORT, {"email": EMAIL, "file_format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["kind", "row", "field", "value"]
    values = [row[3] for row in rows[1:]]
    assert "Chan Sokha" in values and "Keo Dara" not in values
    # A name that a spreadsheet would run is written as text.
    assert '\'=HYPERLINK("http://x")' in values
    assert '=HYPERLINK("http://x")' not in values


# --- Erasure by staff ---------------------------------------------------------------------------


def test_erasing_asks_for_confirmation_first(client, staff_user, person):
    client.force_login(staff_user)
    response = client.post(ERASE, {"email": EMAIL})
    assert response.status_code == 200
    assert "cannot be undone" in response.text and 'name="confirm" value="yes"' in response.text
    assert Registration.objects.filter(email__iexact=EMAIL, anonymised_at=None).count() == 2
    assert not DataRequest.objects.exists()


def test_erasure_anonymises_everything_and_is_logged(client, staff_user, person):
    client.force_login(staff_user)
    response = client.post(ERASE, {"email": EMAIL, "confirm": "yes"})
    assert response.status_code == 302
    registration = Registration.objects.get(pk=person["registration"].pk)
    assert registration.anonymised_at is not None
    assert registration.full_name != "Chan Sokha" and registration.phone == ""
    assert EMAIL not in registration.email.lower() and registration.telegram_chat is None
    assert not TelegramMessage.objects.exists()
    assert not TelegramChat.objects.filter(pk=person["chat"].pk).exists()
    assert SurveyResponse.objects.get(pk=person["response"].pk).registration is None
    assert not Answer.objects.filter(text="More time for questions").exists()
    assert not EventInvitation.objects.filter(email__iexact=EMAIL).exists()
    assert not Contact.objects.filter(email__iexact=EMAIL).exists()
    assert not FocalPerson.objects.filter(pk=person["focal"].pk).exists()
    person["focal"].user.refresh_from_db()
    assert not person["focal"].user.is_active and person["focal"].user.email == ""
    # Dara is untouched.
    other = Registration.objects.get(pk=person["other"].pk)
    assert other.full_name == "Keo Dara" and other.anonymised_at is None
    # Looking her up now finds nothing.
    assert "Nothing is held" in client.post(LOOKUP, {"email": EMAIL}).text
    erasure = DataRequest.objects.get(kind="erasure")
    assert erasure.status == "confirmed" and erasure.requested_by == staff_user
    assert erasure.decided_by == staff_user and erasure.decided_at is not None
    assert erasure.counts["registrations"] == 2
    assert erasure.email == "" and erasure.email_digest == email_digest(EMAIL)


# --- The registrant's own requests --------------------------------------------------------------


def privacy_url(registration, action=""):
    token = registration.cancel_token
    return f"/en/privacy/registration/{token}/" + (f"{action}/" if action else "")


def test_the_registration_page_links_to_the_privacy_page(client, person):
    token = person["registration"].cancel_token  # signed with the time: made once here
    page = client.get(f"/en/registrations/{token}/")
    assert f"/en/privacy/registration/{token}/" in page.text
    response = client.get(f"/en/privacy/registration/{token}/")
    assert response.status_code == 200
    assert "Email me the data you hold about me" in response.text
    assert "Ask for my data to be erased" in response.text
    assert "Keo Dara" not in response.text


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_privacy_page_in_both_languages(client, person, language):
    token = person["registration"].cancel_token
    response = client.get(f"/{language}/privacy/registration/{token}/")
    assert response.status_code == 200
    assert f'lang="{language}"' in response.text


def test_a_tampered_link_finds_nothing(client, person):
    token = altered(person["registration"].cancel_token)
    assert client.get(f"/en/privacy/registration/{token}/").status_code == 404
    for action in ("export", "erasure"):
        assert client.post(f"/en/privacy/registration/{token}/{action}/").status_code == 404
    assert not DataRequest.objects.exists() and mail.outbox == []


def test_the_requests_are_posts_only(client, person):
    assert client.get(privacy_url(person["registration"], "export")).status_code == 405
    assert client.get(privacy_url(person["registration"], "erasure")).status_code == 405


def test_self_export_emails_her_data_to_her_own_address_only(
    client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(privacy_url(person["registration"], "export"), follow=True)
    assert response.status_code == 200
    assert "We will email the data we hold about you" in response.text
    (message,) = mail.outbox
    assert message.to == ["sokha@example.org"] and not message.cc and not message.bcc
    names = {name for name, _content, _type in message.attachments}
    assert {name.rsplit(".", 1)[1] for name in names} == {"json", "csv"}
    document = json.loads(next(c for n, c, _t in message.attachments if n.endswith(".json")))
    assert {row["full_name"] for row in document["registrations"]} >= {"Chan Sokha"}
    assert "Keo Dara" not in message.body + "".join(c for _n, c, _t in message.attachments)
    logged = DataRequest.objects.get()
    assert (logged.kind, logged.source, logged.status) == ("export", "registrant", "done")
    assert logged.requested_by is None and logged.email == ""


def test_self_erasure_waits_for_staff_and_changes_nothing(client, person, staff_user):
    registration = person["registration"]
    response = client.post(privacy_url(registration, "erasure"), follow=True)
    assert "Nothing is erased until they confirm it" in response.text
    client.post(privacy_url(registration, "erasure"))  # asking twice: one request
    request = DataRequest.objects.get()
    assert (request.kind, request.source, request.status) == ("erasure", "registrant", "awaiting")
    registration.refresh_from_db()
    assert registration.full_name == "Chan Sokha" and registration.anonymised_at is None
    assert Contact.objects.filter(pk=person["contact"].pk).exists()
    assert "waiting for CCC staff" in client.get(privacy_url(registration)).text
    assert mail.outbox == []

    # Staff see it awaiting, with what would be erased, and confirm.
    client.force_login(staff_user)
    assert "1 erasure request awaits your confirmation" in client.get(ADMIN).text
    review = client.get(f"{ADMIN}{request.pk}/change/")
    assert review.status_code == 200 and "Confirm and erase" in review.text
    assert "Registrations: 2" in review.text  # found when she asked
    assert "CBO Learning Forum" in review.text
    response = client.post(f"{ADMIN}{request.pk}/confirm/")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.anonymised_at is not None
    request.refresh_from_db()
    assert request.status == "confirmed" and request.decided_by == staff_user
    assert request.email == ""
    # Confirming again is refused, with the reason.
    again = client.post(f"{ADMIN}{request.pk}/confirm/")
    assert again.status_code == 409 and "already been decided" in again.text


def test_staff_may_decline_a_self_erasure(client, person, staff_user, coordinator):
    client.post(privacy_url(person["registration"], "erasure"))
    request = DataRequest.objects.get()
    client.force_login(coordinator)
    assert client.post(f"{ADMIN}{request.pk}/decline/", {"note": "x"}).status_code == 403
    client.force_login(staff_user)
    assert client.post(f"{ADMIN}{request.pk}/decline/", {"note": ""}).status_code == 400
    response = client.post(f"{ADMIN}{request.pk}/decline/", {"note": "Asked by someone else"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "declined" and request.email == ""
    assert request.decision_note == "Asked by someone else"
    assert Registration.objects.get(pk=person["registration"].pk).anonymised_at is None


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_self_requests_are_rate_limited(client, person):
    statuses = [
        client.post(privacy_url(person["registration"], "erasure")).status_code for _ in range(7)
    ]
    assert statuses[:5] == [302] * 5 and statuses[-1] == 429


def test_a_failing_mail_server_is_retried_then_the_request_fails(
    client, person, monkeypatch, django_capture_on_commit_callbacks
):
    attempts = []

    def refuse(self, *args, **kwargs):
        attempts.append(1)
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(privacy_url(person["registration"], "export"))
    assert response.status_code == 302  # the page answered; the worker deals with the server
    assert len(attempts) == 6  # the first try and five retries
    request = DataRequest.objects.get()
    assert request.status == "failed" and request.email == ""


# --- The public form ----------------------------------------------------------------------------


def test_the_public_form_answers_alike_and_mails_only_a_known_address(
    client, person, django_capture_on_commit_callbacks
):
    assert client.get("/en/privacy/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/en/privacy/", {"email": EMAIL})
        unknown = client.post("/en/privacy/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200

    def text(response):
        return re.sub(r"\S+@\S+", "", response.text.split("<main")[1])

    assert text(known) == text(unknown)
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    assert sorted(DataRequest.objects.values_list("source", "status")) == [
        ("public", "done"),
        ("public", "done"),
    ]


def test_the_public_form_refuses_a_malformed_address(client):
    response = client.post("/en/privacy/", {"email": "nope"})
    assert response.status_code == 400 and "Enter a valid email address." in response.text
