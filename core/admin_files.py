"""A file widget for the admin that never asks private storage for a URL.

Django's file widget links the current file to `file.url`; core.storage.PrivateStorage refuses
to make one (there is no public URL). This widget shows a label and links to the view that
checks who asks and serves the file. Subclasses say which, in `link`."""

from django.contrib.admin.widgets import AdminFileWidget


class _StoredFile:
    """What the file widget shows of a stored file: a label, linked to the serving view."""

    def __init__(self, name, url):
        self.name = name
        self.url = url

    def __str__(self):
        return self.name


class PrivateFileWidget(AdminFileWidget):
    def link(self, instance, field_file):
        """(label, url) for the stored file of the saved `instance`."""
        raise NotImplementedError

    def is_initial(self, value):
        instance = getattr(value, "instance", None)
        return bool(value and getattr(value, "name", None) and instance and instance.pk)

    def format_value(self, value):
        if self.is_initial(value):
            return _StoredFile(*self.link(value.instance, value))
        return None
