"""A poisoned entry costs that entry only: the poll goes on with the others (issue 15)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from newswatch.app import App
from newswatch.clock import FakeClock
from newswatch.model import Article
from newswatch.ruleset import RuleSet, parse_rules
from tests.servers_hostile import LocalServer, page, serve

from .texts import ALEPPO_BODY

NOW = datetime.now(UTC)
# JSON-LD nested 1,000 deep raised RecursionError, which failed the whole poll, every poll.
DEEP_JSONLD = "[" * 1000 + "]" * 1000
SLUGS = ("first", "poisoned", "last")


def _article_page(slug: str, jsonld: str = "") -> bytes:
    script = f'<script type="application/ld+json">{jsonld}</script>' if jsonld else ""
    paragraphs = "".join(f"<p>{line}</p>" for line in ALEPPO_BODY.split("\n\n"))
    return (
        f"<html><head><title>Strike near Aleppo: {slug}</title>{script}</head>"
        f"<body><article><h1>Strike near Aleppo: {slug}</h1>{paragraphs}"
        f"<p>Report {slug}.</p></article></body></html>"
    ).encode()


def _feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>Airstrike near Aleppo: {slug}</title><link>{base}/news/{slug}</link>"
        f"<description>Airstrikes hit Aleppo ({slug}).</description>"
        f"<pubDate>{format_datetime(NOW - timedelta(minutes=i))}</pubDate></item>"
        for i, slug in enumerate(SLUGS)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as local:
        local.routes["/feed.xml"] = page(_feed(local.base), Content_Type="application/rss+xml")
        for slug in SLUGS:
            local.routes[f"/news/{slug}"] = page(_article_page(slug))
        yield local


@pytest.fixture
def app(tmp_path: Path, server: LocalServer) -> Iterator[App]:
    text = (
        f"state: {tmp_path / 'state.db'}\n"
        f"defaults: {{robots: false}}\n"
        f"sources:\n  - name: wire\n    feed: {server.url('/feed.xml')}\n"
        "channels:\n  hook: 'json://127.0.0.1:9/never'\n"
        "rules:\n  - name: aleppo\n    query: 'Aleppo AND airstrike*'\n    notify: [hook]\n"
    )
    running = App(parse_rules(text, {}), clock=FakeClock(NOW))
    running.runtime.fetcher.politeness.delay = 0
    yield running
    running.close()


def _stored_titles(app: App) -> list[str]:
    with app.store.db.read() as conn:
        rows = conn.execute("SELECT title FROM articles ORDER BY title").fetchall()
    return [str(row[0]) for row in rows]


def test_deeply_nested_jsonld_costs_only_its_article(app: App, server: LocalServer) -> None:
    server.routes["/news/poisoned"] = page(_article_page("poisoned", DEEP_JSONLD))
    report = app.poll(app.config.sources[0])
    assert (report.ok, report.entries, report.new_articles) == (True, 3, 3)
    assert len(_stored_titles(app)) == 3


def test_an_arbitrary_error_in_one_extraction_falls_back_to_the_feed_entry(
    app: App, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = app.runtime.extract

    def poisoned(page: str, url: str, source: str) -> Article:
        if url.endswith("/poisoned"):
            raise KeyError("a bug nobody foresaw")
        return real(page, url, source)

    monkeypatch.setattr(app.runtime, "extract", poisoned)
    with caplog.at_level(logging.ERROR, "newswatch.pipeline"):
        report = app.poll(app.config.sources[0])
    assert (report.ok, report.new_articles) == (True, 3)
    assert "Airstrike near Aleppo: poisoned" in _stored_titles(app)  # the feed's title
    assert "a bug nobody foresaw" in caplog.text


def test_an_arbitrary_error_after_extraction_skips_that_entry_only(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = RuleSet.match

    def poisoned(self: RuleSet, article: Article) -> object:
        if "poisoned" in article.title:
            raise IndexError("matcher bug")
        return real(self, article)

    monkeypatch.setattr(RuleSet, "match", poisoned)
    report = app.poll(app.config.sources[0])
    assert (report.ok, report.entries, report.new_articles) == (True, 3, 2)
    assert [t for t in _stored_titles(app) if "poisoned" in t] == []
    assert report.alerts == 1  # both stored articles tell one story: one alert
