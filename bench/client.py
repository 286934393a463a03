"""HTTP on loopback, timed: one request per connection, and the bytes a browser transfers."""

import asyncio
import posixpath
import re
import time

from bench.config import HOST, PORT


async def fetch(path, headers=None, method="GET", body=b""):
    """One request on a fresh connection (gunicorn's sync workers close after each)."""
    began = time.perf_counter()
    reader, writer = await asyncio.open_connection(HOST, PORT)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{PORT}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    data = await reader.read()
    writer.close()
    head, _, payload = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    response_headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        response_headers.setdefault(name.strip().lower(), []).append(value.strip())
    return status, response_headers, payload, time.perf_counter() - began


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
