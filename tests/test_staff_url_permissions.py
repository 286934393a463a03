"""Who may import and export the register.

Every admin screen that reads or writes a spreadsheet is found from the admin site itself (any
registered ModelAdmin with django-import-export's mixins), so a new one cannot be left out, and
walked as three kinds of staff: a staff login with no rights, an event coordinator and CCC
staff. Export needs the model's view right; import, its sample file and its confirmation need
both add and change; without them the answer is 403 and nothing in the database changes.
"""

import csv
import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.admin import ExportMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX

from ccc_portal.permissions import COORDINATOR_APPS, COORDINATOR_EXTRA
from core.admin_spreadsheets import SpreadsheetExportMixin, SpreadsheetImportExportMixin
from members.models import Contact, Organisation
from tests.factories import ContactFactory, EventFactory, OrganisationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

ROLES = ["nobody", "coordinator", "staff_user"]
CSV_FORMAT = str(settings.EXPORT_FORMATS.index(CSV))
XLSX_FORMAT = str(settings.EXPORT_FORMATS.index(XLSX))
IMPORT_CSV_FORMAT = str(settings.IMPORT_FORMATS.index(CSV))


def _admins(kind):
    found = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, kind)
    ]
    return sorted(found, key=lambda model_admin: model_admin.opts.label_lower)


EXPORT_ADMINS = _admins(ExportMixin)
IMPORT_ADMINS = _admins(ImportMixin)


def _label(model_admin):
    return model_admin.opts.label_lower


def _url(model_admin, name, *args):
    opts = model_admin.opts
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)


def _may(role, opts, action):
    """What the groups in ccc_portal.permissions promise each role."""
    if role == "staff_user":
        return True
    if role == "nobody":
        return False
    if opts.app_label in COORDINATOR_APPS:
        return True
    return action == "view" and f"{opts.app_label}.view_{opts.model_name}" in COORDINATOR_EXTRA


@pytest.fixture
def nobody(db, django_user_model):
    """A staff login that was given no rights at all."""
    return django_user_model.objects.create_user(
        "nobody", "nobody@example.org", "pw", is_staff=True
    )


@pytest.fixture
def register(demo):
    """The demo register, plus a public and a private contact."""
    ContactFactory(full_name="Public Person", is_public=True)
    ContactFactory(full_name="Private Person", is_public=False, phone="099 999 999")


def _snapshot(model):
    return list(model._default_manager.order_by("pk").values())


def _export_payload(client_as_staff, url):
    """The export form as CCC staff would fill it: every column ticked."""
    form = client_as_staff.get(url).context["form"]
    return {
        name: "on" for name in form.fields if name not in {"format", "resource", "export_items"}
    }


def test_discovery_finds_every_spreadsheet_screen_and_each_uses_our_rules():
    labels = {_label(model_admin) for model_admin in EXPORT_ADMINS}
    assert {
        "members.organisation",
        "members.contact",
        "networks.provincialnetwork",
        "networks.networkmembership",
        "networks.mou",
        "events.event",
        "events.registration",
    } <= labels
    assert {_label(model_admin) for model_admin in IMPORT_ADMINS} >= {
        "members.organisation",
        "members.contact",
    }
    for model_admin in EXPORT_ADMINS:
        assert isinstance(model_admin, SpreadsheetExportMixin), _label(model_admin)
    for model_admin in IMPORT_ADMINS:
        assert isinstance(model_admin, SpreadsheetImportExportMixin), _label(model_admin)


def test_settings_name_the_library_permissions_and_the_staff_group():
    assert settings.IMPORT_EXPORT_EXPORT_PERMISSION_CODE == "view"
    assert settings.IMPORT_EXPORT_IMPORT_PERMISSION_CODE in {"add", "change"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model_admin", EXPORT_ADMINS, ids=_label)
def test_export_needs_the_view_right(client, request, register, staff_user, role, model_admin):
    staff_client = client.__class__()
    staff_client.force_login(staff_user)
    url = _url(model_admin, "export")
    payload = _export_payload(staff_client, url)
    client.force_login(request.getfixturevalue(role))
    allowed = _may(role, model_admin.opts, "view")

    page = client.get(url)
    as_csv = client.post(url, {"format": CSV_FORMAT, **payload})
    as_xlsx = client.post(url, {"format": XLSX_FORMAT, **payload})

    expected = 200 if allowed else 403
    assert (page.status_code, as_csv.status_code, as_xlsx.status_code) == (expected,) * 3
    if allowed:
        assert as_csv["Content-Disposition"].startswith("attachment")
        assert len(list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))) > 1
        assert openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active.max_row > 1
    else:
        assert b"@example.org" not in as_csv.content + as_xlsx.content


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model_admin", EXPORT_ADMINS, ids=_label)
def test_the_list_offers_only_what_the_user_may_do(client, request, register, role, model_admin):
    client.force_login(request.getfixturevalue(role))
    response = client.get(_url(model_admin, "changelist"))
    if not _may(role, model_admin.opts, "view"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert _url(model_admin, "export") in response.text
    if isinstance(model_admin, ImportMixin):
        may_import = _may(role, model_admin.opts, "add") and _may(role, model_admin.opts, "change")
        assert (_url(model_admin, "import") in response.text) is may_import


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model_admin", IMPORT_ADMINS, ids=_label)
def test_import_needs_the_add_and_change_rights(
    client, request, register, staff_user, role, model_admin
):
    staff_client = client.__class__()
    staff_client.force_login(staff_user)
    sample = staff_client.get(_url(model_admin, "import_template", "csv")).content
    client.force_login(request.getfixturevalue(role))
    allowed = _may(role, model_admin.opts, "add") and _may(role, model_admin.opts, "change")
    expected = 200 if allowed else 403
    before = _snapshot(model_admin.model)

    page = client.get(_url(model_admin, "import"))
    templates = [
        client.get(_url(model_admin, "import_template", extension)) for extension in ("csv", "xlsx")
    ]
    upload = client.post(
        _url(model_admin, "import"),
        {
            "import_file": SimpleUploadedFile("sample.csv", sample, content_type="text/csv"),
            "format": IMPORT_CSV_FORMAT,
            "resource": "0",
        },
    )

    assert page.status_code == expected
    assert [response.status_code for response in templates] == [expected, expected]
    assert upload.status_code == expected
    if allowed:
        assert "result" in upload.context  # the file was read and previewed (dry run)
    else:
        confirm = client.post(
            _url(model_admin, "process_import"),
            {
                "import_file_name": "sample.csv",
                "original_file_name": "sample.csv",
                "format": IMPORT_CSV_FORMAT,
                "resource": "0",
            },
        )
        assert confirm.status_code == 403
    assert _snapshot(model_admin.model) == before


RENAME_AND_ADD = [
    ["slug", "name_km", "name_en", "acronym", "kind", "membership_status"],
    ["{slug}", "ឈ្មោះថ្មី", "Renamed by an import", "{acronym}", "{kind}", "{status}"],
    ["planted-org", "អង្គការដាំ", "Planted Organisation", "PLANT", "association", "active"],
]


def _rename_and_add_file(organisation):
    values = {
        "slug": organisation.slug,
        "acronym": organisation.acronym,
        "kind": organisation.kind,
        "status": organisation.membership_status,
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in RENAME_AND_ADD:
        writer.writerow([cell.format(**values) for cell in row])
    return SimpleUploadedFile("orgs.csv", buffer.getvalue().encode(), content_type="text/csv")


@pytest.mark.parametrize("role", ["nobody", "coordinator"])
def test_an_import_posted_without_rights_changes_nothing(client, request, staff_user, role):
    """The attack in the report: rename one organisation and create another, by uploading and
    by posting the confirmation of an upload CCC staff previewed."""
    target = OrganisationFactory(name_en="Kampot Farmers", acronym="KFA", slug="kfa")
    before = _snapshot(Organisation)
    staff_client = client.__class__()
    staff_client.force_login(staff_user)
    import_url = reverse("admin:members_organisation_import")
    preview = staff_client.post(
        import_url,
        {"import_file": _rename_and_add_file(target), "format": IMPORT_CSV_FORMAT, "resource": "0"},
    )
    confirmation = {**preview.context["confirm_form"].initial, "resource": "0"}

    client.force_login(request.getfixturevalue(role))
    upload = client.post(
        import_url,
        {"import_file": _rename_and_add_file(target), "format": IMPORT_CSV_FORMAT, "resource": "0"},
    )
    confirm = client.post(reverse("admin:members_organisation_process_import"), confirmation)

    assert (upload.status_code, confirm.status_code) == (403, 403)
    assert _snapshot(Organisation) == before
    # The same confirmation from CCC staff does what the file says: the refusal was the rights.
    staff_client.post(reverse("admin:members_organisation_process_import"), confirmation)
    target.refresh_from_db()
    assert target.name_en == "Renamed by an import"
    assert Organisation.objects.filter(slug="planted-org").exists()


def _exported_contact_names(client):
    url = reverse("admin:members_contact_export")
    response = client.post(
        url,
        {"format": CSV_FORMAT, "contactresource_full_name": "on", "contactresource_phone": "on"},
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    return {row["full_name"] for row in rows}


def test_contacts_that_are_not_public_go_only_to_ccc_staff(
    client, register, staff_user, django_user_model
):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="members", codename="view_contact")
    )
    superuser = django_user_model.objects.create_superuser("root", "root@example.org", "pw")

    client.force_login(viewer)
    seen_by_viewer = _exported_contact_names(client)
    client.force_login(staff_user)
    seen_by_staff = _exported_contact_names(client)
    client.force_login(superuser)
    seen_by_superuser = _exported_contact_names(client)

    assert "Public Person" in seen_by_viewer
    assert "Private Person" not in seen_by_viewer
    assert set(Contact.objects.filter(is_public=False).values_list("full_name", flat=True))
    assert not (
        set(Contact.objects.filter(is_public=False).values_list("full_name", flat=True))
        & seen_by_viewer
    )
    assert {"Public Person", "Private Person"} <= seen_by_staff
    assert seen_by_superuser == seen_by_staff


@pytest.mark.parametrize(
    ("role", "expected"), [("nobody", 403), ("coordinator", 403), ("staff_user", 200)]
)
def test_the_lapsed_members_download_needs_the_dues_view_right(client, request, role, expected):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("admin:members_membershipdues_lapsed"), {"format": "csv"})
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), [("nobody", 403), ("coordinator", 200), ("staff_user", 200)]
)
@pytest.mark.parametrize("tool", ["sign_in_sheet", "participation"])
def test_the_event_sheets_that_list_registrants_need_the_event_view_right(
    client, request, role, expected, tool
):
    registration = RegistrationFactory(full_name="Chan Sophea")
    EventFactory()
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(f"admin:events_event_{tool}", args=[registration.event.pk]))
    assert response.status_code == expected
    if expected == 403:
        assert "Chan Sophea" not in response.text
