"""Staff tools for registrations: actions, exports, sign-in sheet, messages, figures."""

import csv
import io

import openpyxl
import pytest
from django.core import mail

from events.models import Event, EventMessageDelivery, Registration
from tests.factories import EventFactory, OrganisationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_forum_with_a_waiting_list():
    event = EventFactory(title_en="Forum", title_km="វេទិកា", capacity=2)
    organisation = OrganisationFactory(kind="local_ngo")
    seated = [
        RegistrationFactory(event=event, organisation=organisation, full_name=f"Seated {n}")
        for n in range(2)
    ]
    waiting = RegistrationFactory(
        event=event, status=Registration.Status.WAITING, full_name="Waiting One", gender="male"
    )
    return event, seated, waiting


def action(client, name, registrations, **extra):
    return client.post(
        "/en/admin/events/registration/",
        {"action": name, "_selected_action": [r.pk for r in registrations], **extra},
        follow=True,
    )


def test_mark_attended(client, coordinator, full_forum_with_a_waiting_list, owed_notices):
    event, seated, waiting = full_forum_with_a_waiting_list
    client.force_login(coordinator)
    response = action(client, "mark_attended", [*seated, waiting])
    assert "2 registrations marked as attended." in response.text
    assert set(event.registrations.values_list("status", flat=True)) == {"attended", "waiting"}


def test_cancel_action_promotes_the_waiting_list(
    client,
    coordinator,
    full_forum_with_a_waiting_list,
    owed_notices,
    django_capture_on_commit_callbacks,
):
    event, seated, waiting = full_forum_with_a_waiting_list
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        action(client, "cancel_registrations", [seated[0]], post="yes")
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert (waiting.pk, "promoted") in owed_notices()


def test_move_from_waiting_list(client, coordinator, full_forum_with_a_waiting_list, owed_notices):
    event, seated, waiting = full_forum_with_a_waiting_list
    Event.objects.filter(pk=event.pk).update(capacity=3)
    client.force_login(coordinator)
    response = action(client, "confirm_from_waiting_list", [waiting], post="yes")
    assert "1 registration confirmed; Waiting One is told by email." in response.text
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize("file_format", ["0", "1"])  # XLSX, CSV as configured
def test_export_has_both_language_headers_and_khmer_text(
    client, staff_user, full_forum_with_a_waiting_list, file_format
):
    event, seated, waiting = full_forum_with_a_waiting_list
    client.force_login(staff_user)
    response = client.post(
        "/en/admin/events/registration/export/",
        {
            "format": file_format,
            **{
                f"registrationresource_{field}": "on"
                for field in [
                    "event",
                    "full_name",
                    "organisation",
                    "position",
                    "gender",
                    "email",
                    "phone",
                    "language",
                    "status",
                    "accessibility_needs",
                    "created_at",
                ]
            },
        },
    )
    assert response.status_code == 200, response.text[:500]
    if file_format == "0":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    else:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    # In the staff member's language (issue 14: exports ready to use).
    assert "Full name" in header
    assert any(cell == "Forum" for row in rows[1:] for cell in row)
    assert any(cell == "Waiting list" for row in rows[1:] for cell in row)


def test_export_neutralises_formulas(client, staff_user):
    RegistrationFactory(full_name='=HYPERLINK("http://evil.example","x")')
    client.force_login(staff_user)
    response = client.post(
        "/en/admin/events/registration/export/",
        {"format": "1", "registrationresource_full_name": "on"},
    )
    text = response.content.decode("utf-8-sig")
    assert "\n=HYPERLINK" not in text and not text.split("\n")[1].startswith("=")


def test_sign_in_sheet_lists_confirmed_people_with_a_signature_column(
    client, coordinator, full_forum_with_a_waiting_list
):
    event, seated, waiting = full_forum_with_a_waiting_list
    client.force_login(coordinator)
    response = client.get(f"/km/admin/events/event/{event.pk}/sign-in-sheet/")
    assert response.status_code == 200
    assert "Seated 0" in response.text and "Seated 1" in response.text
    assert "Waiting One" not in response.text
    assert "css/sign_in_sheet.css" in response.text  # @page and A4: a static file (CSP)


def test_participation_figures(client, coordinator, full_forum_with_a_waiting_list):
    event, seated, waiting = full_forum_with_a_waiting_list
    Registration.objects.filter(pk=seated[0].pk).update(status="attended")
    client.force_login(coordinator)
    response = client.get(f"/en/admin/events/event/{event.pk}/participation/")
    figures = response.context["figures"]
    assert figures["totals"] == {"registered": 3, "confirmed": 1, "waiting": 1, "attended": 1}
    genders = {str(row["label"]): row["registered"] for row in figures["by_gender"]}
    assert genders == {"Female": 2, "Male": 1}
    kinds = {str(row["label"]): row["attended"] for row in figures["by_kind"]}
    assert kinds["Local NGO"] == 1


def test_message_to_registrants_goes_through_the_outbox_to_each(
    client,
    coordinator,
    full_forum_with_a_waiting_list,
    tasks_inline,
    django_capture_on_commit_callbacks,
):
    event, seated, waiting = full_forum_with_a_waiting_list
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        url = f"/en/admin/events/event/{event.pk}/message/"
        data = {"recipients": "confirmed", "subject_en": "Room change", "body_en": "Room 2."}
        review = client.post(url, {**data, "step": "review"})
        assert "This will email 2 people" in review.text
        reviewed = {"expected_count": 2, "review_key": review.context["review_key"]}
        response = client.post(url, {**data, "step": "send", **reviewed}, follow=True)
    assert "on its way to 2 people" in response.text
    deliveries = EventMessageDelivery.objects.filter(message__event=event)
    assert sorted(deliveries.values_list("status", flat=True)) == ["sent", "sent"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in seated)


def test_only_staff_with_rights_see_registrations(
    client, django_user_model, full_forum_with_a_waiting_list
):
    event, *_ = full_forum_with_a_waiting_list
    nobody = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(nobody)
    assert client.get("/en/admin/events/registration/").status_code == 403
    assert client.get(f"/en/admin/events/event/{event.pk}/sign-in-sheet/").status_code == 403
