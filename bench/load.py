"""The load driver: many requests with a bounded number in flight, and their percentiles."""

import asyncio
import time
from collections import Counter

from bench.client import fetch
from bench.config import CONCURRENCY, PAGE_SECONDS, PAGE_TIMEOUT, REQUESTS


async def load(path, requests=REQUESTS, concurrency=CONCURRENCY, seconds=PAGE_SECONDS):
    """`requests` GETs with `concurrency` in flight, none started after `seconds` (a slow page
    is measured on fewer requests rather than for minutes); returns latencies, statuses and
    the time taken."""
    latencies, statuses = [], Counter()
    queue = asyncio.Queue()
    for _ in range(requests):
        queue.put_nowait(None)
    deadline = time.perf_counter() + seconds

    async def client():
        while not queue.empty() and time.perf_counter() < deadline:
            queue.get_nowait()
            status, _headers, _payload, latency = await fetch(path)
            statuses[status] += 1
            latencies.append(latency)

    began = time.perf_counter()
    await asyncio.wait_for(
        asyncio.gather(*(client() for _ in range(concurrency))), timeout=PAGE_TIMEOUT
    )
    return latencies, statuses, time.perf_counter() - began


async def all_at_once(coroutines):
    """Every coroutine started together (bounded in time); their results in order."""
    return await asyncio.wait_for(asyncio.gather(*coroutines), timeout=PAGE_TIMEOUT)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
