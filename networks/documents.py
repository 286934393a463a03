"""Signed MoU documents: who may open them, the links that open them, and the response.

The PDFs live in private storage (core.storage.PrivateStorage) under random names and have no
media URL. Two ways in (networks.document_views):
- staff with the right to view MoUs open any MoU's document from the admin;
- anyone holding a signed link (document_signed_url, shown on the MoU's admin page for staff to
  send to the network's coordinator) opens that one document until the link expires
  (DOCUMENT_LINK_MAX_AGE), or until the document is replaced.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.sendfile import private_file_response
from core.uploads import PDF, sniff

from .models import MoU

VIEW_PERMISSION = "networks.view_mou"
DOCUMENT_LINK_SALT = "networks.mou-document"
DOCUMENT_LINK_MAX_AGE = datetime.timedelta(days=7)
# Characters a file name on Windows or macOS cannot hold, and control characters.
UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


class DocumentRefused(Exception):
    """Why a document cannot be opened: a message for the page, and its HTTP status."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


def may_view_documents(user):
    return user.is_active and user.is_staff and user.has_perm(VIEW_PERMISSION)


def document_for_user(pk, user):
    """The MoU `pk`, when `user` may open its document. Anonymous visitors and staff without the
    right are refused (403) whether or not the MoU exists, so nothing is learnt by trying."""
    if not may_view_documents(user):
        raise DocumentRefused(
            _("Only CCC staff who may view MoUs can open signed MoU documents."), 403
        )
    mou = MoU.objects.filter(pk=pk).first()
    if mou is None or not mou.document:
        raise DocumentRefused(_("This MoU has no signed document."), 404)
    return mou


def document_download_name(mou):
    """What the file is called when downloaded: the MoU's title (in the current language), not
    the random name it is stored under."""
    title = UNSAFE_IN_FILE_NAMES.sub(" ", str(mou.title))
    title = " ".join(title.split())[:100].strip(" .")
    return f"{title or f'MoU {mou.pk}'}.pdf"


def document_signed_url(mou):
    """A link that opens `mou`'s current document for DOCUMENT_LINK_MAX_AGE, without signing in.
    Replacing the document stops it working."""
    token = signing.dumps({"m": mou.pk, "d": mou.document.name}, salt=DOCUMENT_LINK_SALT)
    return reverse("networks:mou-document-link", kwargs={"token": token})


def document_for_link(token):
    """The MoU a signed link opens. Expired, altered or stale links are refused with 404."""
    try:
        data = signing.loads(
            token, salt=DOCUMENT_LINK_SALT, max_age=DOCUMENT_LINK_MAX_AGE.total_seconds()
        )
    except signing.SignatureExpired:
        raise DocumentRefused(_("This link has expired. Ask CCC for a new one."), 404) from None
    except signing.BadSignature:
        raise DocumentRefused(
            _("This link is not valid. Check that it was copied whole."), 404
        ) from None
    if not isinstance(data, dict) or not data.get("d"):
        raise DocumentRefused(_("This link is not valid. Check that it was copied whole."), 404)
    mou = MoU.objects.filter(pk=data.get("m"), document=data["d"]).first()
    if mou is None:
        raise DocumentRefused(
            _("This document has been replaced or removed. Ask CCC for a new link."), 404
        )
    return mou


def document_response(mou, *, shared_link=False):
    """The signed PDF, shown in the browser. Raises DocumentRefused when the file is missing."""
    try:
        with mou.document.storage.open(mou.document.name, "rb") as handle:
            is_pdf = sniff(handle, kinds=(PDF,)) is not None
        response = private_file_response(
            mou.document,
            # A stored file that is not a PDF is only ever downloaded, never shown.
            content_type="application/pdf" if is_pdf else "application/octet-stream",
            filename=document_download_name(mou),
            as_attachment=not is_pdf,
        )
    except (FileNotFoundError, ValueError):
        raise DocumentRefused(_("This file is missing. Please tell CCC."), 404) from None
    if shared_link:
        # The signed link is in the address: never sent on to a site the PDF links to.
        response["Referrer-Policy"] = "no-referrer"
    return response


# --- Moving documents uploaded before they were private -------------------------------------
# Until issue 19 the PDFs were stored under MEDIA_ROOT (mous/<year>/<uploaded name>), which the
# web server serves to anyone. `manage.py move_private_files` moves them (docs/private-files.md).


@dataclass
class MoveReport:
    moved: list = field(default_factory=list)  # (old name, new name)
    already_private: int = 0
    missing: list = field(default_factory=list)  # names no storage holds
    unreferenced: list = field(default_factory=list)  # (old name, new name or "" if a copy)
    failed: list = field(default_factory=list)  # names whose copy did not read back the same


def _sha256(storage, name):
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_verified(source, name, target, new_name):
    """Copy `name` from `source` to `target` as `new_name`; the stored name, or None (and no
    copy left behind) when the copy does not read back byte for byte."""
    expected = _sha256(source, name)
    with source.open(name, "rb") as handle:
        stored = target.save(new_name, File(handle))
    if _sha256(target, stored) != expected:
        target.delete(stored)
        return None
    return stored


def _public_files(storage, folder):
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _public_files(storage, f"{folder}/{sub}")


def documents_move_to_private(*, dry_run=False):
    """Move every MoU document (the current ones and those only the change history names) from
    public media storage to private storage under a random name. Safe to run again and to
    interrupt: each file is copied, the copy read back and compared (SHA-256), the rows (MoU and
    history) changed in one transaction, and only after that commits is the public file
    deleted. Public files under mous/ that no row names are kept too, under mous/unreferenced/,
    or deleted when an identical private copy exists (a run stopped just after its commit)."""
    public = default_storage
    private = MoU._meta.get_field("document").storage
    random_name = MoU._meta.get_field("document").upload_to
    history = MoU.history.model.objects
    report = MoveReport()
    names = set(MoU.objects.exclude(document="").values_list("document", flat=True))
    names |= set(history.exclude(document="").values_list("document", flat=True))
    for old in sorted(names):
        if private.exists(old):
            report.already_private += 1
            continue
        if not public.exists(old):
            report.missing.append(old)
            continue
        if dry_run:
            report.moved.append((old, ""))
            continue
        new = _copy_verified(public, old, private, random_name(None, old))
        if new is None:
            report.failed.append(old)
            continue
        with transaction.atomic():
            MoU.objects.filter(document=old).update(document=new)
            history.filter(document=old).update(document=new)
        transaction.on_commit(lambda old=old: public.delete(old))
        report.moved.append((old, new))
    _move_unreferenced(public, private, report, dry_run=dry_run)
    return report


def _move_unreferenced(public, private, report, *, dry_run):
    leftovers = list(_public_files(public, "mous"))
    if not leftovers:
        return
    private_names = set(MoU.objects.exclude(document="").values_list("document", flat=True))
    private_names |= set(
        MoU.history.model.objects.exclude(document="").values_list("document", flat=True)
    )
    copies = {_sha256(private, name) for name in private_names if private.exists(name)}
    # Moved by this run: deleted once its commit is done, not here.
    moved = {old for old, _new in report.moved}
    for old in leftovers:
        if old in private_names or old in moved:
            continue  # still named by a row (reported as failed or missing), or just moved
        if dry_run:
            report.unreferenced.append((old, ""))
            continue
        if _sha256(public, old) in copies:
            public.delete(old)  # a run stopped between its commit and this delete
            report.unreferenced.append((old, ""))
            continue
        new = _copy_verified(public, old, private, f"mous/unreferenced/{old.removeprefix('mous/')}")
        if new is None:
            report.failed.append(old)
            continue
        public.delete(old)
        report.unreferenced.append((old, new))
