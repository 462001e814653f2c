"""Hostile listings served by a real local server: each costs bounded memory and time.

The sitemap cases reproduce the security review's measurements (issue 15): 200,000
entries took +91 MB and 10 s, and a 4.2 MB ``.xml.gz`` unzipped to 50 MB.
"""

from __future__ import annotations

import gzip
import random
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from newswatch.clock import FakeClock
from newswatch.config.schema import SourceConfig
from newswatch.fetch import Fetcher, FetchResult, FetchSettings
from newswatch.sources import discover
from newswatch.sources.page import MAX_ANCHORS, PageKind
from tests.servers_hostile import LocalServer, page, serve

SETTINGS = FetchSettings(timeout=10.0, robots=False)
URLSET = b'<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'


def _source(kind: str, url: str, **extra: object) -> SourceConfig:
    return SourceConfig.model_validate({"name": "src", kind: url, **extra})


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with requests.Session() as session:
        session.trust_env = False
        yield Fetcher(session, None, FakeClock(), per_origin_delay=0)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as local:
        yield local


def _sitemap(count: int, start: datetime, *, shuffle: bool = False) -> bytes:
    days = list(range(count))
    if shuffle:
        random.Random(7).shuffle(days)
    urls = b"".join(
        b"<url><loc>http://127.0.0.1/story-%07d</loc><lastmod>%s</lastmod></url>\n"
        % (day, (start + timedelta(minutes=day)).isoformat().encode())
        for day in days
    )
    return URLSET + urls + b"</urlset>\n"


def _measured(run: object) -> tuple[object, float, int]:
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = run()  # type: ignore[operator]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, time.monotonic() - started, peak


def test_gzipped_sitemap_unzips_no_further_than_max_bytes(
    fetcher: Fetcher, server: LocalServer
) -> None:
    # 9.6 MB of XML, 100,000 entries, in 0.3 MB of gzip; the source reads at most 1 MB.
    body = gzip.compress(_sitemap(100_000, datetime(2026, 1, 1, tzinfo=UTC)), compresslevel=9)
    settings = FetchSettings(timeout=10.0, robots=False, max_bytes=1_000_000)
    assert len(body) < settings.max_bytes
    server.routes["/s.xml.gz"] = page(body, Content_Type="application/x-gzip")
    source = _source("sitemap", server.url("/s.xml.gz"), max_items=50)
    found, seconds, peak = _measured(lambda: discover(source, fetcher, settings))
    entries = found.entries  # type: ignore[attr-defined]
    assert len(entries) == 50
    # Only the first megabyte of XML was read: the newest entry read is far from the end.
    assert entries[0].url < "http://127.0.0.1/story-0015000"
    # The old code held all 9.6 MB of XML and 100,000 entries: ~60 MB.
    assert peak < 6_000_000, f"peak {peak / 1e6:.1f} MB"
    assert seconds < 30, f"{seconds:.1f} s"  # tracemalloc slows it ~3x


def test_long_sitemap_keeps_only_the_newest_entries_in_memory(
    fetcher: Fetcher, server: LocalServer
) -> None:
    body = _sitemap(20_000, datetime(2026, 1, 1, tzinfo=UTC), shuffle=True)
    server.routes["/s.xml"] = page(body, Content_Type="application/xml")
    source = _source("sitemap", server.url("/s.xml"), max_items=20)
    found, _, peak = _measured(lambda: discover(source, fetcher, SETTINGS))
    entries = found.entries  # type: ignore[attr-defined]
    # The 20 newest, wherever they were in the file, newest first.
    assert [e.url for e in entries] == [
        f"http://127.0.0.1/story-{n:07d}" for n in range(19_999, 19_979, -1)
    ]
    # Building all 20,000 entries first took ~6 MB more than the body's two copies.
    assert peak < len(body) * 2 + 1_500_000, f"peak {peak / 1e6:.1f} MB"


def _nested_links(depth: int) -> bytes:
    """``depth`` links, each inside the previous one's ``div``: 4,000 took 21.8 s."""
    opening = "".join(
        f'<div class="c{n}"><a href="/2026/01/01/nested-story-number-{n}">Story {n}</a>'
        for n in range(depth)
    )
    return f"<html><body>{opening}{'</div>' * depth}</body></html>".encode()


def test_deeply_nested_listing_costs_linear_time(fetcher: Fetcher, server: LocalServer) -> None:
    flat = "".join(
        f'<div><a href="/2026/01/01/nested-story-number-{n}">S</a></div>' for n in range(4000)
    )
    server.routes["/flat"] = page(f"<html><body>{flat}</body></html>".encode())
    server.routes["/nested"] = page(_nested_links(4000))
    seconds = {}
    for path in ("/flat", "/nested"):
        started = time.monotonic()
        found = discover(_source("page", server.url(path), max_items=5000), fetcher, SETTINGS)
        seconds[path] = time.monotonic() - started
        assert len(found.entries) == 4000
    # Judged against the same links unnested, so the machine's load cancels out; walking
    # every link's ancestors made the nested page ~20 times slower (21.8 s).
    assert seconds["/nested"] < 3 * seconds["/flat"] + 0.5, seconds


def test_listing_links_are_capped(fetcher: Fetcher, server: LocalServer) -> None:
    links = "".join(f'<a href="/2026/01/01/flat-story-number-{n}">s</a>' for n in range(8000))
    server.routes["/l"] = page(f"<html><body>{links}</body></html>".encode())
    found = discover(_source("page", server.url("/l"), max_items=10_000), fetcher, SETTINGS)
    assert len(found.entries) == MAX_ANCHORS
    assert found.entries[0].url.endswith("/flat-story-number-0")


def test_listing_parse_stops_at_its_deadline() -> None:
    ticks = iter(range(0, 10_000, 3))  # each look at the clock: 3 s later
    kind = PageKind(clock=lambda: float(next(ticks)))
    body = "".join(f'<p><a href="/2026/01/01/slow-story-number-{n}">s</a></p>' for n in range(3000))
    result = FetchResult("http://127.0.0.1/l", 200, body.encode(), {})
    entries = kind.parse(_source("page", result.url), result).entries
    # The deadline (10 s) passed at the clock's fourth look, after 1,024 elements each.
    assert 0 < len(entries) < 3000
