"""Random and adversarial bytes through whole polls: feeds, listing pages, sitemaps,
articles and their JSON-LD, served by a local server. Every poll ends in bounded time and
memory with a result or one source error, and the daemon keeps polling the good source
beside them (issue 15).

Seeded, so a failure is reproducible: the round and its documents are in the message.
"""

from __future__ import annotations

import gzip
import json
import random
import resource
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from newswatch.app import App
from newswatch.clock import FakeClock
from newswatch.ruleset import parse_rules
from tests.servers_hostile import LocalServer, page, serve

from .texts import ALEPPO_BODY

SEED = 20261203
ROUNDS = 6
NOW = datetime.now(UTC)
POLL_SECONDS = 20.0  # a cycle: the fetch timeout is 3 s, the listing deadline 10 s
RSS_GROWTH_KB = 300_000  # the unit's MemoryMax is 512M

Mutator = Callable[[random.Random, bytes], bytes]


def _flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _splice(rng: random.Random, data: bytes) -> bytes:
    cut = rng.randrange(len(data) + 1)
    return data[:cut] + data[rng.randrange(len(data) + 1) :] + data[cut:]


def _noise(rng: random.Random, data: bytes) -> bytes:
    return rng.randbytes(rng.randrange(0, 20_000))


def _nest(rng: random.Random, data: bytes) -> bytes:
    opener, closer = rng.choice([(b"<div>", b"</div>"), (b"<a href='/2026/01/01/x-y-z-w'>", b"")])
    depth = rng.randrange(500, 5000)
    cut = rng.randrange(len(data) + 1)
    return data[:cut] + opener * depth + closer * depth + data[cut:]


def _gzip(rng: random.Random, data: bytes) -> bytes:
    return gzip.compress(rng.choice([data, data * 200, b"\0" * 3_000_000]))


def _encoding(rng: random.Random, data: bytes) -> bytes:
    prefix = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b'<?xml version="1.0" encoding="x-bogus"?>'])
    return prefix + data.decode("utf-8", "replace").encode(
        rng.choice(["utf-16", "latin-1"]), "replace"
    )


MUTATORS: list[Mutator] = [_flip, _truncate, _splice, _noise, _nest, _gzip, _encoding]


def _deep_jsonld(rng: random.Random) -> str:
    depth = rng.randrange(500, 3000)
    return rng.choice(
        [
            "[" * depth + "]" * depth,
            '{"@graph":' * depth + "{}" + "}" * depth,
            json.dumps({"@type": "NewsArticle", "headline": 12, "author": [[[["x"]]]]}),
            '{"@type": "NewsArticle", "datePublished": "99999-99-99", "articleBody": 1e999}',
            '{"@type": ["NewsArticle", {"a": 1}], "headline": {"@value": null}}',
            "<!--" + "{" * depth,
        ]
    )


def _article(rng: random.Random, n: int) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in ALEPPO_BODY.split("\n\n"))
    script = f'<script type="application/ld+json">{_deep_jsonld(rng)}</script>'
    html = f"<html><head><title>Story {n}</title>{script}</head><body>{paragraphs}</body></html>"
    data = html.encode()
    return rng.choice(MUTATORS)(rng, data) if rng.random() < 0.6 else data


def _links(base: str, count: int) -> list[str]:
    return [f"{base}/2026/01/01/fuzzed-story-number-{n}" for n in range(count)]


def _feed(base: str, count: int) -> bytes:
    items = "".join(
        f"<item><title>Fuzzed {n}</title><link>{url}</link><description>d {n}</description>"
        f"<pubDate>{format_datetime(NOW)}</pubDate></item>"
        for n, url in enumerate(_links(base, count))
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def _listing(base: str, count: int) -> bytes:
    links = "".join(f'<li><a href="{url}">Story</a></li>' for url in _links(base, count))
    nav = "<nav><a href='/2026/01/01/a-b-c-d'>n</a></nav>"
    return f"<html><body>{nav}<ul>{links}</ul></body></html>".encode()


def _sitemap(base: str, count: int) -> bytes:
    urls = "".join(
        f"<url><loc>{url}</loc><lastmod>{NOW.isoformat()}</lastmod></url>"
        for url in _links(base, count)
    )
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def _good_feed(base: str, round_number: int) -> bytes:
    items = "".join(
        f"<item><title>Airstrikes near Aleppo, report {n}</title><link>{base}/good/{n}</link>"
        f"<pubDate>{format_datetime(NOW - timedelta(minutes=n))}</pubDate></item>"
        for n in range(round_number + 1)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def _good_article(n: int) -> bytes:
    # Each report its own story (different facts), so each one alerts.
    body = f"<p>Report {n}: airstrikes hit {n * 7 + 3} buildings near Aleppo.</p>" * 6
    head = f"<head><title>Airstrikes near Aleppo, report {n}</title></head>"
    return f"<html>{head}<body><article>{body}</article></body></html>".encode()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as local:
        yield local


@pytest.fixture
def app(tmp_path: Path, server: LocalServer) -> Iterator[App]:
    base = server.base
    text = (
        f"state: {tmp_path / 'state.db'}\n"
        "defaults: {robots: false, timeout: 3s, max_bytes: 2000000}\n"
        "sources:\n"
        f"  - {{name: good, feed: '{base}/good.xml'}}\n"
        f"  - {{name: fuzz-feed, feed: '{base}/fuzz.xml', max_items: 4}}\n"
        f"  - {{name: fuzz-page, page: '{base}/list', max_items: 4}}\n"
        f"  - {{name: fuzz-sitemap, sitemap: '{base}/sitemap.xml', max_items: 4}}\n"
        "channels:\n  hook: 'json://127.0.0.1:9/never'\n"
        "rules:\n  - {name: aleppo, query: 'Aleppo AND airstrike*', notify: [hook]}\n"
    )
    running = App(parse_rules(text, {}), clock=FakeClock(NOW))
    running.runtime.fetcher.politeness.delay = 0  # one origin serves every source
    yield running
    running.close()


def _serve_round(server: LocalServer, rng: random.Random, round_number: int) -> list[str]:
    """Fresh hostile documents for every fuzzed URL; returns what was chosen, for the
    failure message."""
    base = server.base
    chosen: list[str] = []
    documents = {"/fuzz.xml": _feed, "/list": _listing, "/sitemap.xml": _sitemap}
    for path, make in documents.items():
        data = make(base, rng.randrange(1, 6))
        mutator = rng.choice(MUTATORS)
        server.routes[path] = page(mutator(rng, data), Content_Type=rng.choice(
            ["application/xml", "text/html; charset=utf-8", "application/rss+xml", ""]
        ))  # fmt: skip
        chosen.append(f"{path}:{mutator.__name__}")
    for n, url in enumerate(_links("", 6)):
        server.routes[url] = page(_article(rng, n))
    server.routes["/good.xml"] = page(_good_feed(base, round_number))
    for n in range(round_number + 1):
        server.routes[f"/good/{n}"] = page(_good_article(n))
    return chosen


def test_hostile_documents_cost_bounded_time_and_memory_and_the_good_source_goes_on(
    app: App, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(SEED)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    good_new = 0
    for round_number in range(ROUNDS):
        chosen = _serve_round(server, rng, round_number)
        # Forget what was seen, so every round's entries are processed again.
        with app.store.db.transaction() as conn:
            conn.execute("DELETE FROM fetch_state")
        # The daemon's cycle: every source at once on the worker pool, then delivery.
        started = time.monotonic()
        cycle = app.run_cycle()
        seconds = time.monotonic() - started
        where = f"round {round_number} {chosen}"
        assert seconds < POLL_SECONDS, f"{where}: {seconds:.1f} s"
        polls = {poll.source: poll for poll in cycle.polls}
        assert sorted(polls) == ["fuzz-feed", "fuzz-page", "fuzz-sitemap", "good"], where
        assert polls["good"].ok, f"{where}: {polls['good'].error}"
        good_new += polls["good"].new_articles
        for poll in polls.values():
            assert poll.ok or poll.error, where  # a result, or one source error
            assert "Traceback" not in (poll.error or ""), where
    # Hostile input is an expected condition: never a bug's "unexpected error" (the
    # safety nets would hide those from users but not from this test).
    bugs = ("unexpected", "extraction failed")
    unexpected = [r.getMessage() for r in caplog.records if any(b in r.getMessage() for b in bugs)]
    assert unexpected == []
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert grown < RSS_GROWTH_KB, f"peak RSS grew by {grown} KB"
    # One new report per round from the good source, each alerting.
    assert good_new == ROUNDS
    pending = app.store.outbox.counts().get("pending", 0)
    assert pending >= ROUNDS
