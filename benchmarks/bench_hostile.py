"""What hostile listings cost: sitemaps, nested and huge listing pages, parsed in process.

    python benchmarks/bench_hostile.py

Prints, per document: its size, the entries kept, the seconds and the peak of Python
memory (tracemalloc, which slows the parse about threefold; the seconds are from a
second run without it). The issue-15 review measured the code before: 200,000 sitemap
entries +91 MB and 10 s; a 4,000-link nested listing 21.8 s.
"""

from __future__ import annotations

import gzip
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from newswatch.config.schema import SourceConfig
from newswatch.fetch import FetchResult
from newswatch.sources.page import PageKind
from newswatch.sources.sitemap import SitemapKind

MAX_BYTES = 5_000_000  # the default max_bytes
START = datetime(2026, 1, 1, tzinfo=UTC)


def _sitemap(count: int) -> bytes:
    urls = b"".join(
        b"<url><loc>https://news.example.org/story-%07d</loc><lastmod>%s</lastmod></url>\n"
        % (n, (START + timedelta(minutes=n)).isoformat().encode())
        for n in range(count)
    )
    return b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + b"</urlset>"


def _nested(depth: int) -> bytes:
    opening = "".join(
        f'<div class="c{n}"><a href="/2026/01/01/nested-story-number-{n}">Story {n}</a>'
        for n in range(depth)
    )
    return f"<html><body>{opening}{'</div>' * depth}</body></html>".encode()


def _flat(count: int) -> bytes:
    links = "".join(
        f'<li><a href="/2026/01/01/flat-story-number-{n}">Story {n}</a></li>' for n in range(count)
    )
    return f"<html><body><ul>{links}</ul></body></html>".encode()


def _measure(parse: Callable[[], int]) -> tuple[int, float, float]:
    started = time.perf_counter()
    parse()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    kept = parse()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return kept, seconds, peak / 1e6


def main() -> None:
    sitemap = SitemapKind()
    page = PageKind()
    cases: list[tuple[str, str, bytes]] = [
        ("sitemap", "200,000 entries, plain (5 MB of 21 read)", _sitemap(200_000)),
        ("sitemap", "200,000 entries, .xml.gz (5 MB of 21 read)", gzip.compress(_sitemap(200_000))),
        ("sitemap", "40,000 entries, plain", _sitemap(40_000)),
        ("page", "4,000 nested links", _nested(4000)),
        ("page", "5,000 flat links", _flat(5000)),
        ("page", "4.2 MB listing, 60,000 links", _flat(60_000)),
    ]
    print(f"{'document':48} {'bytes':>11} {'kept':>6} {'seconds':>8} {'peak MB':>8}")
    for kind, label, body in cases:
        url = "https://news.example.org/listing"
        source = SourceConfig.model_validate({"name": "bench", kind: url, "max_items": 100})
        result = FetchResult(url, 200, body, {})
        parser = sitemap if kind == "sitemap" else page
        kept, seconds, peak = _measure(
            lambda: len(parser.parse(source, result, MAX_BYTES).entries)  # noqa: B023
        )
        print(f"{label:48} {len(body):>11,} {kept:>6} {seconds:>8.2f} {peak:>8.1f}")


if __name__ == "__main__":
    main()
