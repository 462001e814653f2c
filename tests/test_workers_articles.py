"""Article jobs on PostgreSQL: a poll queues one job per new entry on another site, so an
aggregator's new articles spread over every worker, and articles of one site are fetched
one at a time across workers, whichever source links to them (the lock the polls of that
site take). Entries on the poll's own site it records itself, under that same lock."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import replace
from pathlib import Path

import psycopg

from newswatch.demo.server import SampleArticle, SampleSite

from .conftest import article
from .daemons import wait_for
from .workers_helpers import sql, start, stop, write_config


class SlowSite(SampleSite):
    """Every answer takes ``delay`` seconds (longer than the politeness delay of 1 s, so
    requests of two workers would overlap); ``most`` is the most it served at once."""

    def __init__(self, delay: float = 1.3) -> None:
        super().__init__([])
        self.delay = delay
        self.active = self.most = 0
        self._gauge = threading.Lock()

    def render(self, path: str) -> tuple[int, str, str]:
        with self._gauge:
            self.active += 1
            self.most = max(self.most, self.active)
        try:
            time.sleep(self.delay)
            return super().render(path)
        finally:
            with self._gauge:
                self.active -= 1


class HubSite(SampleSite):
    """A feed whose items link to article pages on other sites (an aggregator)."""

    def __init__(self) -> None:
        super().__init__([])
        self.homes: dict[str, str] = {}

    def link(self, home: SampleSite, item: SampleArticle) -> None:
        home.publish(replace(item, in_feed=False))  # its page, not in its own feed
        self.homes[item.slug] = home.base_url
        self.publish(item)

    def _feed_item(self, a: SampleArticle) -> str:
        own = f"{self.base_url}/news/"
        return super()._feed_item(a).replace(own, f"{self.homes[a.slug]}/news/")


def report(n: int) -> SampleArticle:
    """A distinct article (its own vocabulary: no near-duplicate of another)."""
    words = " ".join(f"v{n}y{i}" for i in range(60))
    body = f"<p>Correspondents filed report {n} from the region today.</p><p>{words}</p>"
    return article(f"report-{n}", f"Regional report number {n}", body)


def stored(dsn: str) -> int:
    try:
        return int(str(sql(dsn, "SELECT count(*) FROM articles")[0][0]))
    except psycopg.errors.UndefinedTable:  # the first worker is still migrating
        return 0


def processed(log: Path) -> list[tuple[str, str]]:
    """(source, article URL) for each new article this worker's article jobs recorded."""
    return re.findall(r"(\S+): new article (\S+):", log.read_text())


def test_one_sources_articles_spread_over_workers_and_one_site_is_fetched_one_at_a_time(
    tmp_path: Path, pg_dsn: str
) -> None:
    with HubSite() as hub1, HubSite() as hub2, SlowSite() as a, SlowSite() as b:
        for n in range(10):  # hub1: ten articles, half on a, half on b
            hub1.link(a if n % 2 else b, report(n))
        for n in range(10, 16):  # hub2: six more on the same two sites
            hub2.link(a if n % 2 else b, report(n))
        for n in range(16, 18):  # a's own feed (polled under a's lock too)
            a.publish(report(n))
        feeds = {"hub1": f"{hub1.base_url}/feed.xml", "hub2": f"{hub2.base_url}/feed.xml",
                 "site-a": f"{a.base_url}/feed.xml"}  # fmt: skip
        config = write_config(tmp_path / "nw.yaml", pg_dsn, feeds, "json://127.0.0.1:9/x")
        logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
        workers = [start("worker", config, log) for log in logs]
        try:
            done = wait_for(lambda: stored(pg_dsn) == 18, 120)
            assert done, "".join(log.read_text()[-3000:] for log in logs)
        finally:
            codes = [stop(w) for w in workers]
        pages = [p for s in (a, b) for p in s.requests if p.startswith("/news/")]
    by_worker = [processed(log) for log in logs]
    hub1_by = [{url for source, url in found if source == "hub1"} for found in by_worker]
    assert all(hub1_by), by_worker  # hub1's articles: some on each worker
    assert len(hub1_by[0] | hub1_by[1]) == 10
    urls = [url for found in by_worker for _, url in found]
    assert len(urls) == len(set(urls)) == 18  # each article recorded by one job
    assert sorted(pages) == sorted(set(pages)) and len(pages) == 18  # each page fetched once
    # One request in flight per site across both workers: the polls of site-a and the
    # article jobs of hub1 and hub2 that link to it share its lock.
    assert (a.most, b.most) == (1, 1)
    assert codes == [0, 0]


def test_an_article_cut_off_by_a_workers_shutdown_goes_back_to_the_queue(
    tmp_path: Path, pg_dsn: str
) -> None:
    """SIGTERM while an article's page is being fetched: the worker exits 0 without
    settling for the feed's text, and the next worker records the article from its page."""
    with SlowSite(delay=3.0) as site:
        site.publish(report(1))
        feeds = {"wire": f"{site.base_url}/feed.xml"}
        config = write_config(tmp_path / "nw.yaml", pg_dsn, feeds, "json://127.0.0.1:9/x")
        log = tmp_path / "workers.log"
        first = start("worker", config, log)
        try:
            fetching = wait_for(lambda: "/news/report-1.html" in site.requests, 60)
            assert fetching, log.read_text()[-3000:]
        finally:
            code = stop(first)
        assert stored(pg_dsn) == 0
        second = start("worker", config, log)
        try:
            assert wait_for(lambda: stored(pg_dsn) == 1, 60), log.read_text()[-3000:]
        finally:
            assert stop(second) == 0
    assert code == 0, log.read_text()[-3000:]
    assert sql(pg_dsn, "SELECT feed_only FROM articles") == [(0,)]
    assert site.requests.count("/news/report-1.html") == 2  # cut off once, then fetched
    assert "using the feed entry" not in log.read_text()
