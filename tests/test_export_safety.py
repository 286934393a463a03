"""No spreadsheet the portal writes can run a formula (CSV injection, OWASP).

What a member of the public types into the registration form ends up in the sheets CCC staff
open in Excel or LibreOffice. Every cell that a spreadsheet would read as a formula (it begins
with = + - @, a tab or a carriage return) is written with a single quote in front; the rest of
the text is kept as typed, and numbers stay numbers.
"""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from core.spreadsheets import FORMULA_STARTS, neutralise_dataset, neutralise_formula
from events.models import Registration
from tests.factories import ContactFactory, EventFactory, OrganisationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PAYLOADS = ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
CSV_FORMAT, XLSX_FORMAT = "1", "0"  # positions in EXPORT_FORMATS (XLSX, CSV)
REGISTRATION_COLUMNS = ["full_name", "organisation", "position"]


def register(client, event, **fields):
    """The public registration form, filled in as in tests/test_registration.py."""
    data = {
        "full_name": "Sok Dara",
        "organisation": "",
        "organisation_name": "Village Support Group",
        "position": "",
        "gender": "female",
        "email": "dara@example.org",
        "phone": "",
        "language": "km",
        "accessibility_needs": "",
        "consent": "on",
        "website": "",
        **fields,
    }
    return client.post(f"/en/events/{event.slug}/register/", data)


def csv_cells(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_cells(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def export(client, url, file_format, resource, columns):
    return client.post(
        url, {"format": file_format, **{f"{resource}_{column}": "on" for column in columns}}
    )


def assert_neutralised(cell, original):
    assert isinstance(cell, str)
    assert cell.startswith("'"), repr(cell)
    # openpyxl reads a stored carriage return back as a line feed (XML line-end handling).
    assert cell[1:] in {original, original.replace("\r", "\n")}, repr(cell)


@pytest.fixture
def public_registrations(client):
    """Registrations posted through the public form with a formula in every text field."""
    event = EventFactory(capacity=50)
    for number, payload in enumerate(PAYLOADS):
        response = register(
            client,
            event,
            full_name=payload,
            organisation_name=payload,
            position=payload,
            email=f"attacker{number}@example.org",
        )
        assert response.status_code == 302, response.text[:2000]
    registrations = list(Registration.objects.order_by("pk"))
    assert len(registrations) == len(PAYLOADS)
    return registrations


@pytest.mark.parametrize(
    ("file_format", "read"), [(CSV_FORMAT, csv_cells), (XLSX_FORMAT, xlsx_cells)]
)
def test_registrations_from_the_public_form_export_as_text(
    client, staff_user, public_registrations, file_format, read
):
    client.force_login(staff_user)
    response = export(
        client,
        reverse("admin:events_registration_export"),
        file_format,
        "registrationresource",
        REGISTRATION_COLUMNS,
    )
    assert response.status_code == 200
    header, *rows = read(response)
    assert len(header) == len(REGISTRATION_COLUMNS)
    assert len(rows) == len(PAYLOADS)
    by_name = {row[0][1:]: row for row in rows}
    for registration in public_registrations:
        # The form trims surrounding white space ("\t=1" is kept as "=1"); what was kept
        # comes out whole, behind the quote.
        stored = registration.full_name
        assert stored in {payload.strip() for payload in PAYLOADS}
        assert registration.organisation_name == stored and registration.position == stored
        row = by_name[stored]
        for cell in row:
            assert_neutralised(cell, stored)


@pytest.mark.parametrize(
    ("file_format", "read"), [(CSV_FORMAT, csv_cells), (XLSX_FORMAT, xlsx_cells)]
)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_leading_tab_or_carriage_return_is_neutralised_too(
    client, staff_user, payload, file_format, read
):
    # Stored as typed (an import, or a future form that keeps white space).
    RegistrationFactory(full_name=payload, organisation_name=payload, position=payload)
    client.force_login(staff_user)
    response = export(
        client,
        reverse("admin:events_registration_export"),
        file_format,
        "registrationresource",
        REGISTRATION_COLUMNS,
    )
    _header, row = read(response)
    for cell in row:
        assert_neutralised(cell, payload)


@pytest.mark.parametrize(
    ("file_format", "read"), [(CSV_FORMAT, csv_cells), (XLSX_FORMAT, xlsx_cells)]
)
def test_register_and_contact_exports_are_neutralised(client, staff_user, file_format, read):
    OrganisationFactory(name_en="@SUM(A1)", acronym="+cmd|' /C calc'!A0", slug="evil")
    ContactFactory(full_name="=1+2", position="-2+3", is_public=False)
    client.force_login(staff_user)
    organisations = export(
        client,
        reverse("admin:members_organisation_export"),
        file_format,
        "organisationresource",
        ["slug", "name_en", "acronym"],
    )
    rows = {row[0]: row for row in read(organisations)[1:]}
    assert_neutralised(rows["evil"][1], "@SUM(A1)")
    assert_neutralised(rows["evil"][2], "+cmd|' /C calc'!A0")
    contacts = export(
        client,
        reverse("admin:members_contact_export"),
        file_format,
        "contactresource",
        ["full_name", "position"],
    )
    _header, contact = read(contacts)
    assert_neutralised(contact[0], "=1+2")
    assert_neutralised(contact[1], "-2+3")


def test_the_lapsed_members_csv_is_neutralised(client, staff_user):
    OrganisationFactory(name_en='=HYPERLINK("http://evil.example")', acronym="@X")
    client.force_login(staff_user)
    response = client.get(reverse("admin:members_membershipdues_lapsed"), {"format": "csv"})
    header, row = csv_cells(response)
    assert_neutralised(row[header.index("name_en")], '=HYPERLINK("http://evil.example")')
    assert_neutralised(row[header.index("acronym")], "@X")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_rule_quotes_each_dangerous_start(payload):
    assert neutralise_formula(payload) == "'" + payload
    assert neutralise_formula(payload + "\n-5") == "'" + payload + "\n-5"
    assert neutralise_formula("'" + payload) == "'" + payload  # never quoted twice


@pytest.mark.parametrize(
    "value",
    [-5, -2.5, Decimal("-12.50"), 0, None, True, datetime.date(2026, 3, 14), "-5", "-12.5",
     "-1,234.5", "Sok Dara", "សមាគមកសិករកំពត", "", "a=b", "012 345 678"],
)  # fmt: skip
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert neutralise_formula(value) == value
    assert type(neutralise_formula(value)) is type(value)


def test_a_negative_number_stays_a_number_in_xlsx_and_csv():
    dataset = tablib.Dataset(
        [-5, Decimal("-1.5"), "-2+3", "-7"], headers=["number", "amount", "text", "as_text"]
    )
    safe = neutralise_dataset(dataset)
    sheet = openpyxl.load_workbook(io.BytesIO(XLSX().export_data(safe))).active
    assert [cell.value for cell in sheet[2]] == [-5, -1.5, "'-2+3", "-7"]
    assert CSV().export_data(safe).splitlines()[1] == "-5,-1.5,'-2+3,-7"
    assert safe.headers == dataset.headers
    assert all(start in FORMULA_STARTS for start in ("=", "+", "-", "@", "\t", "\r"))
