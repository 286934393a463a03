"""Private files stay private (issue 19, part 3): signed MoU PDFs live outside MEDIA_ROOT under
random names, only CCC staff (or a signed link staff sent) open them, the web server may send
the bytes (X-Accel-Redirect, X-Sendfile) once Django has said yes, and documents uploaded
before are moved without losing one."""

import re
import time
from pathlib import Path

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from core.storage import PrivateStorage
from events.models import EventMaterial
from networks.documents import DOCUMENT_LINK_SALT, document_signed_url
from networks.models import MoU
from tests.factories import EventFactory, MoUFactory, ProvincialNetworkFactory
from tests.helpers import altered
from tests.test_settings import PRODUCTION_ENV, run_manage

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
RANDOM_NAME = re.compile(r"mous/[0-9a-f]{32}\.pdf")


@pytest.fixture(autouse=True)
def roots(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_SERVER = ""
    return settings


def pdf(name="mou.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def mou_with_document(**fields):
    mou = MoUFactory(title_en="Kep network MoU", **fields)
    mou.document = pdf()
    mou.save()
    return mou


def document_url(mou, language="en"):
    return f"/{language}/admin/networks/mou/{mou.pk}/document/"


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Who may open a signed MoU ------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_and_coordinators_are_refused_and_ccc_staff_get_the_pdf(
    client, coordinator, staff_user
):
    mou = mou_with_document()
    anonymous = client.get(document_url(mou))
    assert anonymous.status_code == 403
    assert PDF_BYTES not in anonymous.content
    assert "Sign in as CCC staff" in anonymous.text
    client.force_login(coordinator)
    refused = client.get(document_url(mou))
    assert refused.status_code == 403
    assert "Only CCC staff who may view MoUs" in refused.text
    client.force_login(staff_user)
    response = client.get(document_url(mou))
    assert response.status_code == 200
    assert body(response) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Kep network MoU.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_khmer_title_is_the_download_name_and_a_missing_file_is_a_clear_404(
    client, staff_user, roots
):
    mou = mou_with_document()
    mou.title_km = "អនុស្សរណៈ/កែប"
    mou.save()
    client.force_login(staff_user)
    response = client.get(document_url(mou, "km"))
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert "%2F" not in response["Content-Disposition"]  # no folder in the name
    assert body(response) == PDF_BYTES
    (Path(roots.PRIVATE_MEDIA_ROOT) / mou.document.name).unlink()
    missing = client.get(document_url(mou))
    assert missing.status_code == 404
    assert "This file is missing" in missing.text
    assert client.get(f"/en/admin/networks/mou/{mou.pk + 1}/document/").status_code == 404


# --- Who sends the bytes ------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_nginx_django_answers_with_an_internal_redirect_and_no_body(client, staff_user, roots):
    roots.PRIVATE_FILES_SERVER = "nginx"
    roots.PRIVATE_FILES_INTERNAL_PREFIX = "/protected/"
    mou = mou_with_document()
    client.force_login(staff_user)
    response = client.get(document_url(mou))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected/{mou.document.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    client.logout()
    refused = client.get(document_url(mou))
    assert refused.status_code == 403 and not refused.has_header("X-Accel-Redirect")


@pytest.mark.django_db
def test_with_sendfile_django_names_the_absolute_path(client, staff_user, roots):
    roots.PRIVATE_FILES_SERVER = "sendfile"
    mou = mou_with_document()
    client.force_login(staff_user)
    response = client.get(document_url(mou))
    path = Path(response["X-Sendfile"])
    assert path.is_absolute() and path.read_bytes() == PDF_BYTES
    assert path.is_relative_to(Path(roots.PRIVATE_MEDIA_ROOT).resolve())
    assert response.content == b""


@pytest.mark.django_db
def test_event_materials_go_through_the_same_path(client, roots):
    roots.PRIVATE_FILES_SERVER = "nginx"
    material = EventMaterial.objects.create(
        event=EventFactory(),
        title_en="Agenda",
        title_km="របៀបវារៈ",
        file=pdf("agenda.pdf"),
        visibility=EventMaterial.Visibility.PUBLIC,
    )
    response = client.get(f"/en/events/materials/{material.pk}/")
    assert response["X-Accel-Redirect"] == f"/protected/{material.file.name}"
    assert response.content == b""
    assert response["Content-Disposition"] == 'inline; filename="agenda.pdf"'


def test_an_unknown_file_server_stops_the_portal_at_startup():
    for name, value, message in [
        ("PRIVATE_FILES_SERVER", "ngnix", "PRIVATE_FILES_SERVER must be"),
        ("PRIVATE_FILES_INTERNAL_PREFIX", "protected", "must start and end with a slash"),
    ]:
        result = run_manage("check", env={**PRODUCTION_ENV, name: value})
        assert result.returncode != 0
        assert message in result.stderr


# --- Where and under which name the file is stored ----------------------------------------------


@pytest.mark.django_db
def test_each_upload_gets_a_random_name_outside_media_root(roots):
    first, second = mou_with_document(), mou_with_document()
    names = [first.document.name, second.document.name]
    assert all(RANDOM_NAME.fullmatch(name) for name in names), names
    assert names[0] != names[1]
    assert all((Path(roots.PRIVATE_MEDIA_ROOT) / name).read_bytes() == PDF_BYTES for name in names)
    assert not Path(roots.MEDIA_ROOT).exists() or not list(Path(roots.MEDIA_ROOT).rglob("*.pdf"))
    with pytest.raises(ValueError, match="no public URL"):
        first.document.url  # noqa: B018


def mou_form_data(network, **overrides):
    return {
        "title_km": "អនុស្សរណៈ",
        "title_en": "Signed MoU",
        "network": network.pk,
        "signed_on": "01/01/2026",
        "starts_on": "02/01/2026",
        "ends_on": "01/01/2029",
        **overrides,
    }


@pytest.mark.django_db
def test_staff_upload_through_the_admin_and_the_page_links_to_the_protected_view(
    client, staff_user, roots
):
    client.force_login(staff_user)
    network = ProvincialNetworkFactory()
    response = client.post(
        "/en/admin/networks/mou/add/",
        mou_form_data(network, document=pdf("Signed by Sok Dara.pdf")),
    )
    assert response.status_code == 302
    mou = MoU.objects.get()
    assert RANDOM_NAME.fullmatch(mou.document.name)
    assert (Path(roots.PRIVATE_MEDIA_ROOT) / mou.document.name).read_bytes() == PDF_BYTES
    pages = [
        client.get(f"/en/admin/networks/mou/{mou.pk}/change/").text,
        client.get(f"/en/admin/networks/provincialnetwork/{network.pk}/change/").text,
    ]
    for page in pages:
        assert f'href="{document_url(mou)}"' in page
        assert "/media/" not in page and mou.document.name not in page
    # The change page offers a link to send, which opens the document without signing in.
    shared = re.search(r'value="http://testserver(/en/networks/mou-documents/[^"]+/)"', pages[0])
    client.logout()
    assert body(client.get(shared.group(1))) == PDF_BYTES


@pytest.mark.django_db
def test_staff_upload_through_the_network_pages_mou_inline(client, staff_user, roots):
    client.force_login(staff_user)
    network = ProvincialNetworkFactory()
    data = {
        "name_km": network.name_km,
        "name_en": network.name_en,
        "slug": network.slug,
        "province": network.province_id,
        "status": network.status,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "mous-TOTAL_FORMS": 1,
        "mous-INITIAL_FORMS": 0,
        "mous-0-title_km": "អនុស្សរណៈ",
        "mous-0-title_en": "Inline MoU",
        "mous-0-signed_on": "01/01/2026",
        "mous-0-starts_on": "02/01/2026",
        "mous-0-ends_on": "01/01/2029",
        "mous-0-document": pdf("Network MoU signed.pdf"),
    }
    url = f"/en/admin/networks/provincialnetwork/{network.pk}/change/"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    mou = MoU.objects.get(network=network)
    assert RANDOM_NAME.fullmatch(mou.document.name)
    assert (Path(roots.PRIVATE_MEDIA_ROOT) / mou.document.name).read_bytes() == PDF_BYTES
    assert f'href="{document_url(mou)}"' in client.get(url).text


@pytest.mark.django_db
def test_the_history_pages_of_an_mou_with_a_document_open(client, staff_user):
    mou = mou_with_document()
    client.force_login(staff_user)
    versions = mou.history.values_list("history_id", flat=True)
    assert mou.history.latest().document == mou.document.name
    for url in [
        f"/en/admin/networks/mou/{mou.pk}/history/",
        *(f"/en/admin/networks/mou/{mou.pk}/history/{version}/" for version in versions),
    ]:
        page = client.get(url)
        assert page.status_code == 200
        assert "/media/" not in page.text


# --- Signed links -------------------------------------------------------------------------------


def link_signed_days_ago(days, mou):
    class Backdated(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - days * 24 * 3600)

    token = Backdated(salt=DOCUMENT_LINK_SALT).sign_object({"m": mou.pk, "d": mou.document.name})
    return f"/en/networks/mou-documents/{token}/"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["km", "en"])
def test_a_signed_link_works_for_seven_days_and_then_is_a_404(client, language):
    mou = mou_with_document()

    def in_language(link):
        return link.replace("/en/", f"/{language}/", 1)

    response = client.get(in_language(document_signed_url(mou)))
    assert response.status_code == 200
    assert body(response) == PDF_BYTES
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"
    six_days_old = client.get(in_language(link_signed_days_ago(6, mou)))
    assert six_days_old.status_code == 200
    assert body(six_days_old) == PDF_BYTES
    expired = client.get(in_language(link_signed_days_ago(8, mou)))
    assert expired.status_code == 404
    assert PDF_BYTES not in expired.content
    if language == "en":
        assert "This link has expired" in expired.text


@pytest.mark.django_db
def test_a_tampered_or_stale_signed_link_is_a_404(client):
    mou = mou_with_document()
    link = document_signed_url(mou)
    for tampered in (altered(link[:-1]) + "/", link.replace("/mou-documents/", "/mou-documents/x")):
        response = client.get(tampered)
        assert response.status_code == 404
        assert "This link is not valid" in response.text
    forged = signing.dumps({"m": mou.pk, "d": mou.document.name}, salt="events.material")
    assert client.get(f"/en/networks/mou-documents/{forged}/").status_code == 404
    mou.document = pdf("replacement.pdf")
    mou.save()
    stale = client.get(link)
    assert stale.status_code == 404
    assert "replaced or removed" in stale.text


# --- Moving the documents uploaded before -------------------------------------------------------


def public_file(roots, name, content):
    path = Path(roots.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def old_style_mou(roots, name, content=PDF_BYTES):
    """An MoU as the portal stored it before: its PDF under MEDIA_ROOT by its uploaded name."""
    public_file(roots, name, content)
    mou = MoUFactory()
    MoU.objects.filter(pk=mou.pk).update(document=name)
    return MoU.objects.get(pk=mou.pk)


def run_move(django_capture_on_commit_callbacks, *args):
    from io import StringIO

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("move_private_files", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_the_move_keeps_every_byte_renames_randomly_and_can_run_again(
    roots, django_capture_on_commit_callbacks
):
    current = old_style_mou(roots, "mous/2024/Signed MoU Kep.pdf")
    older = PDF_BYTES + b"% first version\n"
    # An earlier version that only the change history still names.
    public_file(roots, "mous/2023/first.pdf", older)
    current.history.update(document="mous/2023/first.pdf")
    MoU.objects.get(pk=current.pk).save()  # one history row naming the current file
    stray = public_file(roots, "mous/2022/stray.pdf", b"%PDF-1.4 nobody names me\n")
    dry = run_move(django_capture_on_commit_callbacks, "--dry-run")
    assert "Dry run" in dry and MoU.objects.get().document.name == "mous/2024/Signed MoU Kep.pdf"

    out = run_move(django_capture_on_commit_callbacks)
    assert "2 documents moved, 0 already private, 1 unreferenced" in out
    mou = MoU.objects.get()
    assert RANDOM_NAME.fullmatch(mou.document.name)
    assert (Path(roots.PRIVATE_MEDIA_ROOT) / mou.document.name).read_bytes() == PDF_BYTES
    history_names = set(mou.history.values_list("document", flat=True))
    assert all(RANDOM_NAME.fullmatch(name) for name in history_names)
    old_copy = next(name for name in history_names if name != mou.document.name)
    assert (Path(roots.PRIVATE_MEDIA_ROOT) / old_copy).read_bytes() == older
    kept = Path(roots.PRIVATE_MEDIA_ROOT) / "mous/unreferenced/2022/stray.pdf"
    assert kept.read_bytes() == b"%PDF-1.4 nobody names me\n" and not stray.exists()
    assert not list(Path(roots.MEDIA_ROOT).rglob("*.pdf"))

    private_files = sorted(Path(roots.PRIVATE_MEDIA_ROOT).rglob("*.pdf"))
    again = run_move(django_capture_on_commit_callbacks)
    assert "0 documents moved, 2 already private, 0 unreferenced" in again
    assert sorted(Path(roots.PRIVATE_MEDIA_ROOT).rglob("*.pdf")) == private_files
    assert MoU.objects.get().document.name == mou.document.name


@pytest.mark.django_db
def test_a_move_stopped_before_deleting_the_public_file_is_finished_by_the_next_run(
    roots, django_capture_on_commit_callbacks
):
    old_style_mou(roots, "mous/2024/signed.pdf")
    run_move(django_capture_on_commit_callbacks)
    # As if the process died after its commit and before the delete.
    leftover = public_file(roots, "mous/2024/signed.pdf", PDF_BYTES)
    out = run_move(django_capture_on_commit_callbacks)
    assert "deleted: an identical private copy exists" in out
    assert not leftover.exists()
    assert not (Path(roots.PRIVATE_MEDIA_ROOT) / "mous/unreferenced").exists()


@pytest.mark.django_db
def test_a_copy_that_does_not_read_back_the_same_changes_nothing(
    roots, monkeypatch, django_capture_on_commit_callbacks
):
    mou = old_style_mou(roots, "mous/2024/signed.pdf")

    def corrupting_save(self, name, content):
        return FileSystemStorage._save(self, name, ContentFile(b"%PDF-1.4 truncated"))

    monkeypatch.setattr(PrivateStorage, "_save", corrupting_save)
    with pytest.raises(CommandError, match="did not read back identical"):
        run_move(django_capture_on_commit_callbacks)
    assert MoU.objects.get().document.name == mou.document.name
    assert (Path(roots.MEDIA_ROOT) / "mous/2024/signed.pdf").read_bytes() == PDF_BYTES
    assert not list(Path(roots.PRIVATE_MEDIA_ROOT).rglob("*.pdf"))
