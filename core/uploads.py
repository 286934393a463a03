"""Uploaded files checked by what they contain, never by their name or the browser's claim.

`sniff(file)` tells what a file is (a PDF, a PNG/JPEG/GIF/WebP image that Pillow can read, or
a Word, Excel or PowerPoint document: a zip container whose [Content_Types].xml names the
document's main part), or None. Validators call it with the kinds they accept.
"""

import os
import re
import uuid
import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image

PDF = "pdf"
IMAGE = "image"
OFFICE = "office"

# [Content_Types].xml is a few kilobytes; a larger one is not a document of ours.
CONTENT_TYPES_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    kind: str
    content_type: str
    extension: str

    @property
    def inline(self):
        """Whether browsers may show it in place (PDF, images) rather than download it."""
        return self.kind in (PDF, IMAGE)


PDF_FILE = FileKind(PDF, "application/pdf", ".pdf")
IMAGE_FORMATS = {
    "PNG": FileKind(IMAGE, "image/png", ".png"),
    "JPEG": FileKind(IMAGE, "image/jpeg", ".jpg"),
    "GIF": FileKind(IMAGE, "image/gif", ".gif"),
    "WEBP": FileKind(IMAGE, "image/webp", ".webp"),
}
OPENXML = "application/vnd.openxmlformats-officedocument"
# The content type of each document's main part, as [Content_Types].xml names it. Macro-enabled
# documents (.docm, .xlsm, .pptm) name other types and are refused.
OFFICE_MAIN_PARTS = {
    f"{OPENXML}.wordprocessingml.document.main+xml": FileKind(
        OFFICE, f"{OPENXML}.wordprocessingml.document", ".docx"
    ),
    f"{OPENXML}.spreadsheetml.sheet.main+xml": FileKind(
        OFFICE, f"{OPENXML}.spreadsheetml.sheet", ".xlsx"
    ),
    f"{OPENXML}.presentationml.presentation.main+xml": FileKind(
        OFFICE, f"{OPENXML}.presentationml.presentation", ".pptx"
    ),
}


def check_size(upload, limit):
    """Refuse a file larger than `limit` bytes."""
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )


def _sniff_image(upload):
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except Exception:  # Pillow raises many kinds of errors on a file that is not an image
        return None
    return IMAGE_FORMATS.get(image_format)


def _sniff_office(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > CONTENT_TYPES_MAX_BYTES:
                return None
            content_types = archive.read(info)
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, ValueError, RuntimeError,
            NotImplementedError, EOFError):  # fmt: skip
        return None
    for main_part, file_kind in OFFICE_MAIN_PARTS.items():
        if f'ContentType="{main_part}"'.encode() in content_types:
            return file_kind
    return None


def sniff(upload, kinds=(PDF, IMAGE, OFFICE)):
    """The FileKind of `upload` among `kinds`, read from its content, or None. The file's
    position is left where it was."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        header = upload.read(5)
        if PDF in kinds and header == b"%PDF-":
            return PDF_FILE
        if OFFICE in kinds and header[:4] == b"PK\x03\x04":
            upload.seek(0)
            return _sniff_office(upload)
        if IMAGE in kinds:
            upload.seek(0)
            return _sniff_image(upload)
        return None
    finally:
        upload.seek(position)


def validate_upload(upload, *, limit, kinds, message):
    """Refuse `upload` when larger than `limit` bytes or not one of `kinds` (with `message`);
    return its FileKind."""
    check_size(upload, limit)
    file_kind = sniff(upload, kinds)
    if file_kind is None:
        raise ValidationError(message, code="unsupported_file")
    return file_kind


@deconstructible(path="core.uploads.RandomName")
class RandomName:
    """An upload_to that stores each upload as `<folder>/<32 random hex digits><extension>`:
    nothing of the uploader's file name (a person's name, a date) is in the stored name, and the
    name cannot be guessed from another one."""

    def __init__(self, folder):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename):
        extension = os.path.splitext(filename)[1].lower()
        if not re.fullmatch(r"\.[a-z0-9]{1,8}", extension):
            extension = ""
        return f"{self.folder}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self):
        return hash(self.folder)
