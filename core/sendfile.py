"""One way to hand a private file (core.storage.PrivateStorage) to the person a view has
already checked: the view decides who may have it, this module only delivers it.

settings.PRIVATE_FILES_SERVER says who sends the bytes (docs/private-files.md):
- "" (the default): Django streams the file itself (a FileResponse);
- "nginx": an empty response with `X-Accel-Redirect: <PRIVATE_FILES_INTERNAL_PREFIX><name>`,
  which nginx answers from an `internal` location aliased to PRIVATE_MEDIA_ROOT;
- "sendfile": an empty response with `X-Sendfile: <absolute path>` (Apache's mod_xsendfile,
  lighttpd).
Either way the headers are the same: the content type the caller read from the content, a
Content-Disposition with a readable name, nosniff, and `Cache-Control: private, no-store` for a
private file.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from .storage import PrivateStorage

DJANGO = ""
NGINX = "nginx"
SENDFILE = "sendfile"
SERVERS = (DJANGO, NGINX, SENDFILE)

PRIVATE = "private, no-store"
# A file anyone may open still must not be kept by the page cache or a shared proxy after it
# changes: browsers may keep it but ask again each time.
PUBLIC = "no-cache"


def _offloaded(storage, name, server):
    """The response that lets the web server send the file, or None when it cannot."""
    if server == NGINX:
        response = HttpResponse()
        # nginx decodes the URI: a name with spaces, Khmer or "?" arrives whole.
        response["X-Accel-Redirect"] = quote(f"{settings.PRIVATE_FILES_INTERNAL_PREFIX}{name}")
        return response
    path = storage.path(name)
    if not path.isascii():
        # A header value is Latin-1 (Django MIME-encodes anything else, which mod_xsendfile
        # does not read): such a file is streamed by Django instead.
        return None
    response = HttpResponse()
    response["X-Sendfile"] = path
    return response


def private_file_response(field_file, *, content_type, filename, as_attachment=False, private=True):
    """The response that sends the stored file `field_file` (a FieldFile or File with .storage
    and .name) as `filename`. Raises FileNotFoundError when it is not in storage, before any
    header is sent, so the caller can answer with a clear 404."""
    server = settings.PRIVATE_FILES_SERVER
    if server not in SERVERS:
        raise ImproperlyConfigured(f"PRIVATE_FILES_SERVER must be one of {SERVERS}.")
    storage, name = field_file.storage, field_file.name
    if not name or not storage.exists(name):
        raise FileNotFoundError(name)
    response = None
    # Only private storage lies under the web server's internal location.
    if server != DJANGO and isinstance(storage, PrivateStorage):
        response = _offloaded(storage, name, server)
    if response is None:
        response = FileResponse(storage.open(name, "rb"))
    response["Content-Type"] = content_type
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = PRIVATE if private else PUBLIC
    return response
