"""Files that must never have a public URL (registrants-only event materials): kept under
settings.PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, and served only by views that check who asks.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="core.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A FileSystemStorage at settings.PRIVATE_MEDIA_ROOT (read at each use, so tests may
    change it) that refuses to make URLs: a template that asks for one fails loudly rather
    than printing a public link."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; link to the view that serves them.")
