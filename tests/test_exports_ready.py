"""Exports staff can use as they are: their language, Phnom Penh time, the event's name on the
sheet and the file, and one click from an event to its registrants."""

import datetime
import io
import urllib.parse
import zoneinfo

import openpyxl
import pytest
from django.utils import translation
from django.utils.text import capfirst

from core.spreadsheets import sheet_title
from events.models import Event, Registration
from tests.factories import EventFactory, RegistrationFactory
from tests.helpers import next_years_date

pytestmark = pytest.mark.django_db

PHNOM_PENH = zoneinfo.ZoneInfo("Asia/Phnom_Penh")
COLUMNS = ["event", "full_name", "gender", "language", "status", "created_at"]
LONG_TITLE = "Forum: planning [2027] / review? *all* partners and networks of the provinces"


@pytest.fixture
def forum():
    event = EventFactory(title_en=LONG_TITLE, title_km="វេទិកា៖ ផែនការ [២០២៧] / ពិនិត្យ")
    RegistrationFactory(
        event=event,
        full_name="Sok Dara",
        gender="male",
        language="km",
        status=Registration.Status.WAITING,
        created_at=datetime.datetime(2026, 3, 5, 2, 30, 15, 123456, tzinfo=datetime.UTC),
    )
    RegistrationFactory(full_name="Someone else")  # another event: not in the event's export
    return event


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_of(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def filename(response):
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    if "filename*=utf-8''" in disposition:
        return urllib.parse.unquote(disposition.split("filename*=utf-8''")[1])
    return disposition.split('filename="')[1].rstrip('"')


@pytest.mark.parametrize(
    ("language", "header", "waiting", "gender", "khmer"),
    [("en", "Full name", "Waiting list", "Male", "ខ្មែរ"), ("km", None, None, None, "ខ្មែរ")],
)
def test_changelist_export_speaks_the_staff_language(
    client, staff_user, forum, language, header, waiting, gender, khmer
):
    client.force_login(staff_user)
    response = client.post(
        f"/{language}/admin/events/registration/export/?event__id__exact={forum.pk}",
        {"format": "0", **{f"registrationresource_{name}": "on" for name in COLUMNS}},
    )
    assert response.status_code == 200
    book = workbook(response)
    head, row = rows_of(book.active)
    with translation.override(language):
        expected = {
            "header": capfirst(str(Registration._meta.get_field("full_name").verbose_name)),
            "waiting": str(Registration.Status.WAITING.label),
            "gender": str(Registration.Gender.MALE.label),
            "title": forum.title,
        }
    if language == "en":  # the English words, so the Khmer side cannot pass by accident
        assert (expected["header"], expected["waiting"], expected["gender"]) == (
            header,
            waiting,
            gender,
        )
    assert expected["header"] in head and "/" not in expected["header"]
    values = dict(zip(head, row, strict=True))
    assert values[expected["header"]] == "Sok Dara"
    assert expected["waiting"] in row and "waiting" not in row
    assert expected["gender"] in row and "male" not in row
    assert khmer in row and "km" not in row
    # 02:30:15.123456 UTC is 09:30:15 in Phnom Penh; no microseconds.
    assert datetime.datetime(2026, 3, 5, 9, 30, 15) in row
    # The sheet and the file carry the event's title, not "Tablib Dataset".
    assert book.sheetnames == [sheet_title(expected["title"])]
    assert len(book.sheetnames[0]) <= 31
    assert not set("[]:*?/\\") & set(book.sheetnames[0])
    assert filename(response).startswith(expected["title"][:5])
    assert filename(response).endswith(".xlsx")


def test_csv_times_are_phnom_penh_time_without_microseconds(client, staff_user, forum):
    client.force_login(staff_user)
    response = client.post(
        "/en/admin/events/registration/export/",
        {"format": "1", "registrationresource_created_at": "on"},
    )
    assert "2026-03-05 09:30:15\r\n" in response.content.decode("utf-8-sig")


def test_sheet_titles_excel_accepts():
    assert sheet_title("A/B: [x]*? \\ y") == "A B x y"
    assert len(sheet_title("x" * 40)) == 31
    # Never cut inside a Khmer syllable: ក្រុម must not lose its coeng consonant.
    cut = sheet_title("ក" * 29 + "ក្រុម")
    assert len(cut) <= 31 and not cut.endswith("\u17d2")


def test_one_click_registrants_of_an_event(client, coordinator, forum):
    client.force_login(coordinator)
    page = client.get(f"/en/admin/events/event/{forum.pk}/change/")
    url = f"/en/admin/events/event/{forum.pk}/registrants-xlsx/"
    assert url in page.text and "Registrants of this event (XLSX)" in page.text
    response = client.get(url)
    assert response.status_code == 200
    book = workbook(response)
    names = [row[1] for row in rows_of(book.active)[1:]]
    assert names == ["Sok Dara"]
    assert book.sheetnames == ["Forum planning 2027 review all"]  # cut to 31, trimmed
    # The characters a file system refuses are gone.
    assert filename(response).startswith("Forum planning [2027] review all partners")
    assert client.get("/en/admin/events/event/nonsense/registrants-xlsx/").status_code == 404


def test_one_click_export_neutralises_formulas(client, coordinator):
    registration = RegistrationFactory(full_name="=1+2")
    client.force_login(coordinator)
    response = client.get(f"/en/admin/events/event/{registration.event_id}/registrants-xlsx/")
    assert rows_of(workbook(response).active)[1][1] == "'=1+2"


def test_one_click_export_per_role(client, django_user_model, staff_user, forum):
    url = f"/en/admin/events/event/{forum.pk}/registrants-xlsx/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    nobody = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(nobody)
    assert client.get(url).status_code == 403
    page = client.get(f"/en/admin/events/event/{forum.pk}/change/")
    assert "registrants-xlsx" not in page.text
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def test_event_export_has_labels_not_codes(client, staff_user):
    # An upcoming event: the events list (and so its export) shows upcoming ones by default.
    year = next_years_date(3, 5).year
    EventFactory(
        title_en="Forum",
        starts_at=datetime.datetime(year, 3, 5, 1, 0, 0, 999, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(year, 3, 5, 4, 0, tzinfo=datetime.UTC),
    )
    client.force_login(staff_user)
    response = client.post(
        "/km/admin/events/event/export/",
        {"format": "0", **{f"eventresource_{name}": "on" for name in ("status", "starts_at")}},
    )
    book = workbook(response)
    head, row = rows_of(book.active)
    with translation.override("km"):
        assert head == [
            capfirst(str(Event._meta.get_field("status").verbose_name)),
            capfirst(str(Event._meta.get_field("starts_at").verbose_name)),
        ]
        assert row == [str(Event.Status.PUBLISHED.label), datetime.datetime(year, 3, 5, 8, 0)]
        assert book.sheetnames == [str(Event._meta.verbose_name_plural)]
    assert row[0] != "published"
