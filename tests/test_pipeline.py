"""One poll of one source, in process, with an injected clock and the sample site."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.app import App
from newswatch.clock import FakeClock
from newswatch.demo.server import SampleArticle, SampleSite, iso_utc
from newswatch.fetch import decode
from newswatch.model import Entry
from newswatch.notify import message_from_payload
from newswatch.pipeline import Pipeline, backoff_delay
from newswatch.ruleset import parse_rules

from .conftest import aleppo_config, article
from .servers_hostile import page, serve
from .texts import ALEPPO_BODY


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


@pytest.fixture
def app(tmp_path: Path, site: SampleSite, clock: FakeClock) -> Iterator[App]:
    text = aleppo_config(tmp_path / "state.db", {"levant": site.base_url})
    running = App(parse_rules(text, {}), clock=clock)
    yield running
    running.close()


def pending_payloads(app: App) -> list[dict[str, object]]:
    return [a.payload for a in app.store.outbox.due(app.clock.now() + timedelta(days=1))]


@pytest.mark.parametrize(
    ("failures", "retry_after", "expected"),
    [(1, None, 0), (2, None, 60), (3, None, 120), (5, None, 480), (20, None, 3600),
     (1, 600, 600), (3, 30, 120)],
)  # fmt: skip
def test_backoff_delay(failures: int, retry_after: float | None, expected: float) -> None:
    assert backoff_delay(failures, retry_after) == timedelta(seconds=expected)


def test_new_matching_article_queues_one_alert(app: App, site: SampleSite) -> None:
    site.publish(article("aleppo", "Warplanes strike near Aleppo", ALEPPO_BODY))
    report = app.pipeline.run_source(app.config.sources[0])
    assert (report.ok, report.new_articles, report.alerts) == (True, 1, 1)
    message = message_from_payload(pending_payloads(app)[0])
    assert message.title == "Warplanes strike near Aleppo"
    assert message.url.endswith("/news/aleppo.html")
    assert not message.feed_only
    again = app.pipeline.run_source(app.config.sources[0])
    assert (again.new_articles, again.alerts) == (0, 0)


class Handed:
    """The article queue of a worker's poll (``runtime.ArticleQueue``), recording."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def defer(self, source: str, entries: Sequence[Entry], quiet: bool) -> int:
        self.entries += entries
        return len(entries)


def test_a_workers_poll_records_the_entries_of_its_own_site_itself(
    app: App, site: SampleSite
) -> None:
    """Its poll holds the site's lock, which would hold their jobs back anyway: a job
    each would only cost CPU. (Links to other sites become jobs: test_workers_articles.)"""
    site.publish(article("aleppo", "Warplanes strike near Aleppo", ALEPPO_BODY))
    handed = Handed()
    worker = Pipeline(replace(app.runtime, articles=handed), app.rules)
    report = worker.run_source(app.config.sources[0])
    assert (report.ok, report.new_articles, handed.entries) == (True, 1, [])
    assert len(pending_payloads(app)) == 1  # recorded and matched in this poll


def test_unreadable_article_page_falls_back_to_the_feed_summary(app: App, site: SampleSite) -> None:
    site.publish(article("aleppo", "Warplanes strike near Aleppo", ALEPPO_BODY))
    site.failing.add("/news/aleppo.html")
    report = app.pipeline.run_source(app.config.sources[0])
    assert report.alerts == 1
    message = message_from_payload(pending_payloads(app)[0])
    assert message.feed_only
    assert "airstrikes" in message.snippet.text


def test_entries_older_than_the_story_window_do_not_alert(
    app: App, site: SampleSite, clock: FakeClock
) -> None:
    old = iso_utc(clock.now() - timedelta(days=10))
    site.publish(SampleArticle("old", "Old strike near Aleppo", old, "R", ALEPPO_BODY))
    report = app.pipeline.run_source(app.config.sources[0])
    assert (report.ok, report.entries, report.new_articles) == (True, 1, 0)


def test_a_failing_source_backs_off_and_recovers(
    app: App, site: SampleSite, clock: FakeClock
) -> None:
    source = app.config.sources[0]
    site.failing.add("/feed.xml")
    assert not app.pipeline.run_source(source).ok
    assert not app.pipeline.run_source(source).ok  # second failure: back-off starts
    state = app.store.sources.get("levant")
    assert state.consecutive_failures == 2
    assert state.backoff_until == clock.now() + timedelta(minutes=1)
    assert app.pipeline.run_source(source).skipped
    site.failing.clear()
    clock.advance(61)
    assert app.pipeline.run_source(source).ok
    assert app.store.sources.get("levant").consecutive_failures == 0


def test_a_poll_during_shutdown_fetches_nothing_and_is_no_failure(
    app: App, site: SampleSite
) -> None:
    site.publish(article("aleppo", "Warplanes strike near Aleppo", ALEPPO_BODY))
    feed = f"{site.base_url}/feed.xml"
    app.runtime.stopping.set()
    report = app.pipeline.run_source(app.config.sources[0])
    assert (report.ok, report.new_articles) == (True, 0)
    assert app.store.sources.get("levant").consecutive_failures == 0
    # The feed's ETag is forgotten, so the next start sees the unprocessed entry again.
    assert app.store.fetch_state.validators(feed).etag is None
    app.runtime.stopping.clear()
    assert app.pipeline.run_source(app.config.sources[0]).new_articles == 1


def test_the_daemon_logs_a_rule_that_alerts_on_nearly_everything(
    tmp_path: Path, site: SampleSite, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    text = aleppo_config(tmp_path / "state.db", {"levant": site.base_url})
    text += "  - name: no-sport\n    query: 'NOT football'\n"
    with caplog.at_level("WARNING", logger="newswatch.app"):
        App(parse_rules(text, {}), clock=clock).close()
    assert "rule no-sport matches any article without its excluded words" in caplog.text
    assert "rule aleppo" not in caplog.text


# An English report from a Turkish wire: mostly ASCII, a few windows-1254 letters.
TURKISH_WIRE = (
    "Airstrikes hit villages near Halep and İdlib on Tuesday, rescuers said. The strikes "
    "killed nine civilians in Atarib, according to the Beyaz Baretliler (White Helmets) and "
    "the Sivil Savunma office. Residents of Kısık said the jets circled for an hour; the "
    "market in Darat İzza was hit twice, and people fled towards Şanlıurfa across the border."
)


def test_an_article_is_decoded_by_the_charset_only_its_content_type_declares(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A short page in windows-1254 without <meta charset>: a detector alone reads its "İ"
    as "Ư" (windows-1258), and the rule on İdlib would miss it."""
    body = f"<html><head><title>t</title></head><body><article><p>{TURKISH_WIRE}</p></article>"
    raw = (body + "</body></html>").encode("cp1254")
    assert "İdlib" not in decode(raw, {})  # what the bytes alone would give
    with serve() as server:
        server.routes["/feed.xml"] = page(
            RSS.format(link=server.url("/a")).encode(), Content_Type="application/rss+xml"
        )
        server.routes["/a"] = page(raw, Content_Type="text/html; charset=windows-1254")
        text = (
            f"state: {tmp_path / 'state.db'}\n"
            f"sources:\n  - name: wire\n    feed: {server.url('/feed.xml')}\n"
            "channels:\n  hook: json://127.0.0.1:9/x\n"
            "rules:\n  - name: idlib\n    query: 'İdlib'\n    notify: [hook]\n"
        )
        app = App(parse_rules(text, {}), clock=clock)
        try:
            report = app.pipeline.run_source(app.config.sources[0])
            [payload] = pending_payloads(app)
        finally:
            app.close()
    assert report.ok and report.alerts == 1
    assert "İdlib" in str(payload["snippet"])


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>wire</title>
<item><title>Item one</title><link>{link}</link><guid>{link}</guid></item>
</channel></rss>"""
