"""One HTTP request on a fresh loopback connection (gunicorn's sync workers close after each),
and a free loopback port, with no settings of their own: bench/client.py (the load bench),
bench/registration_load.py and bench/scale.py (scripts run on their own, which must not take
bench.config's environment) use them."""

import asyncio
import socket
import time

HOST = "127.0.0.1"  # loopback only


def free_port():
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


async def request(port, path, headers=None, method="GET", body=b""):
    """(status, {lower-case header: [values]}, body bytes, seconds)."""
    began = time.perf_counter()
    reader, writer = await asyncio.open_connection(HOST, port)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close"]
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
