"""HTTP on loopback, timed: one request per connection, and the bytes a browser transfers."""

import posixpath
import re

from bench.config import PORT
from bench.wire import request


async def fetch(path, headers=None, method="GET", body=b""):
    """(status, headers, body, seconds) of one request to the bench's server."""
    return await request(PORT, path, headers, method, body)


async def transfer_sizes(path):
    """Bytes a browser fetches for the page: first visit (HTML, CSS, JS, fonts, compressed as
    served) and repeat visit (the HTML only: static files are cached for a year, immutable)."""
    encoding = {"Accept-Encoding": "br, gzip"}
    _status, _headers, html, _ = await fetch(path, encoding)
    text = html.decode("utf-8", "replace")  # Django's HTML is sent uncompressed
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', text)
    total, cache_ok = len(html), True
    for asset in assets:
        _s, headers, payload, _ = await fetch(asset, encoding)
        total += len(payload)
        cache_ok &= "immutable" in ",".join(headers.get("cache-control", []))
        if asset.endswith(".css"):
            plain = (await fetch(asset))[2].decode("utf-8", "replace")
            for font in re.findall(r'url\("?([^")]+\.woff2)"?\)', plain):
                font_path = posixpath.normpath(posixpath.join(posixpath.dirname(asset), font))
                total += len((await fetch(font_path))[2])
    return total, len(html), cache_ok
