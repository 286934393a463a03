"""Web-size copies of an event's public photos, made with Pillow.

A photo is an EventMaterial of kind "photo"; its original stays in private storage, as
uploaded. A public report shows only copies made here, kept in public media (MEDIA_ROOT, served
by the web server): a large one (at most LARGE_PIXELS on the long side) and a thumbnail (at most
THUMBNAIL_PIXELS), as JPEG, turned the way the camera's EXIF orientation says and with no EXIF
left (no GPS position, no camera serial number). Their names come from a hash of the original's
content, so a copy's address cannot be guessed, and loading the same picture twice (the demo)
writes nothing new.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from PIL import Image, ImageOps

from .models import EventMaterial, EventPhoto

LARGE_PIXELS = 1600
THUMBNAIL_PIXELS = 480
JPEG_QUALITY = 82
FOLDER = "event-photos"


class UnreadablePhoto(Exception):
    """The original is missing, is not an image Pillow can read, or is too large to open."""


@dataclass(frozen=True)
class WebImage:
    content: bytes
    width: int
    height: int


def _flattened(image):
    """RGB for JPEG: transparency laid on white, other modes converted."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def web_images(data, sizes=(LARGE_PIXELS, THUMBNAIL_PIXELS)):
    """JPEG copies of the image `data` (bytes), each at most `size` pixels on its long side (never
    enlarged), upright and without EXIF. Raises UnreadablePhoto."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                opened.draft("RGB", (max(sizes), max(sizes)))  # JPEG: decode at a smaller scale
                upright = _flattened(ImageOps.exif_transpose(opened))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as error:
        raise UnreadablePhoto(str(error)) from error
    copies = []
    for size in sizes:
        copy = upright.copy()
        copy.thumbnail((size, size), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        # No exif= argument: nothing of the original's metadata is written.
        copy.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        copies.append(WebImage(buffer.getvalue(), copy.width, copy.height))
    return copies


def _stored(name, content):
    """Save `content` under `name` in public media unless it is already there; the name used."""
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(content))


def _already_made(names):
    """The WebImages (sizes only) of copies already in public media, or None: the same picture
    loaded again (the demo, in every test that loads it) is not decoded again."""
    made = []
    for name in names:
        if not default_storage.exists(name):
            return None
        try:
            with default_storage.open(name) as handle, Image.open(handle) as image:
                made.append(WebImage(b"", image.width, image.height))
        except OSError:
            return None
    return made


def _original(material):
    """The uploaded file's bytes, from private storage. Raises UnreadablePhoto."""
    try:
        with material.file.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, ValueError) as error:
        raise UnreadablePhoto(str(error)) from error


def _copy_photo(material):
    data = _original(material)
    digest = hashlib.sha256(data).hexdigest()[:32]
    names = [f"{FOLDER}/{digest}-{size}.jpg" for size in (LARGE_PIXELS, THUMBNAIL_PIXELS)]
    large, thumbnail = _already_made(names) or web_images(data)
    EventPhoto.objects.update_or_create(
        material=material,
        defaults={
            "event_id": material.event_id,
            "source_name": material.file.name,
            "large": _stored(names[0], large.content),
            "large_width": large.width,
            "large_height": large.height,
            "thumbnail": _stored(names[1], thumbnail.content),
            "thumbnail_width": thumbnail.width,
            "thumbnail_height": thumbnail.height,
        },
    )


def event_photos_refresh(*, event):
    """Bring the web copies of `event`'s photos in line with its materials.

    Guarantees: every public photo (kind "photo", visibility public, with a file, of an event the
    public can see) has its copies, made again when its file was replaced; a photo that was
    deleted, made registrants-only, or whose event is no longer public has no copy left in public
    media. Safe to call again at any time (each admin save of the event or its report does).
    Returns the photo materials that could not be read, to tell staff.
    """
    wanted = {
        material.pk: material
        for material in EventMaterial.objects.public()
        .filter(event=event, kind=EventMaterial.Kind.PHOTO)
        .exclude(file="")
    }
    for photo in EventPhoto.objects.filter(event=event):
        material = wanted.get(photo.material_id)
        if material is None or material.file.name != photo.source_name:
            photo.delete()  # its files go once committed (photo_files_deleted)
    copied = set(
        EventPhoto.objects.filter(event=event, material__isnull=False).values_list(
            "material_id", flat=True
        )
    )
    unreadable = []
    for material in wanted.values():
        if material.pk in copied:
            continue
        try:
            _copy_photo(material)
        except UnreadablePhoto:
            unreadable.append(material)
    return unreadable


def public_image_response(material):
    """A public image material as the public may have it: without its EXIF (a phone's photo
    carries its GPS position and camera serial). The large web copy when there is one, or a
    copy made now, never the original. Raises UnreadablePhoto."""
    copy = EventPhoto.objects.filter(material=material, source_name=material.file.name).first()
    if copy is not None:
        return HttpResponseRedirect(copy.large.url)
    (large,) = web_images(_original(material), sizes=(LARGE_PIXELS,))
    return HttpResponse(large.content, content_type="image/jpeg")


def photo_files_deleted(sender, instance, **kwargs):
    """post_delete of an EventPhoto (also in a cascade, when its event is deleted): its copies
    leave public media once committed, unless another row shows the same picture."""
    names = [instance.large.name, instance.thumbnail.name]

    def forget():
        for name in names:
            used = EventPhoto.objects.filter(large=name).exists() or (
                EventPhoto.objects.filter(thumbnail=name).exists()
            )
            if name and not used:
                default_storage.delete(name)

    transaction.on_commit(forget)
