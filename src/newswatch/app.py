"""The composition root: the one place that picks concrete classes and wires them.

``App`` owns the store, the HTTP session, the fetcher, the matcher, the story index and
the delivery worker for one configuration. ``once`` and ``run`` build one; SIGHUP builds
the parts that depend on the config again and keeps the store.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import requests

from newswatch.clock import Clock, SystemClock
from newswatch.config import Config, RuleConfig, SourceConfig
from newswatch.config.loader import checked_gazetteer, compiled_queries, uses_places
from newswatch.config.paths import state_path
from newswatch.config.warnings import config_warnings
from newswatch.dedup import StoryIndex
from newswatch.fetch import Fetcher
from newswatch.match import Matcher
from newswatch.match.matcher import UNCONDITIONAL
from newswatch.model import AlertMessage, Snippet
from newswatch.notify import DeliveryWorker, enqueue_alerts, register_console_plugin
from newswatch.pipeline import Pipeline, PollReport
from newswatch.service import Metrics, SourceHealthTracker
from newswatch.store import Store

if TYPE_CHECKING:
    from newswatch.geo import Gazetteer

log = logging.getLogger("newswatch.app")


def make_session() -> requests.Session:
    session = requests.Session()
    # Retries are ours to decide (back-off per source); keep the pool modest but shared.
    adapter = requests.adapters.HTTPAdapter(pool_connections=32, pool_maxsize=32, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass
class CycleReport:
    polls: list[PollReport] = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    pending: int = 0
    retrying: int = 0  # pending alerts a channel refused, waiting for their next try

    @property
    def failed_sources(self) -> list[PollReport]:
        return [p for p in self.polls if not p.ok]


class App:
    def __init__(
        self,
        config: Config,
        *,
        clock: Clock | None = None,
        session: requests.Session | None = None,
        store: Store | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.clock = clock or SystemClock()
        self.session = session or make_session()
        self.store = store or Store(state_path(config))
        self.metrics = metrics or Metrics()
        # Set on shutdown: running polls stop between articles instead of finishing, and
        # requests queued behind an origin's politeness delay are not made.
        self.stopping = threading.Event()
        self.fetcher = Fetcher(
            self.session, self.store.fetch_state, self.clock, stopping=self.stopping
        )
        register_console_plugin()
        self.configure(config)

    def configure(self, config: Config) -> None:
        """(Re)build everything that depends on the config; the store and session stay."""
        self.config = config
        gazetteer = self._gazetteer(config)
        places = gazetteer.names_for if gazetteer is not None else None
        self.matcher = Matcher(
            config.rules, config.terms, places=places, compiled=compiled_queries(config)
        )
        for warning in config_warnings(config):
            log.warning("config: %s", warning)
        for number in self.matcher.unconditional():
            log.warning("rule %s %s", config.rules[number].name, UNCONDITIONAL)
        self.stories = StoryIndex(self.store, self.clock, config.dedup)
        geo = None
        if gazetteer is not None and any(rule.near for rule in config.rules):
            from newswatch.geo import PlaceRecognizer
            from newswatch.geo.filter import GeoFilter

            geo = GeoFilter(PlaceRecognizer(gazetteer), gazetteer)
        self.pipeline = Pipeline(
            config,
            self.store,
            self.fetcher,
            self.matcher,
            self.stories,
            self.clock,
            self.metrics,
            geo,
            self.stopping,
        )
        self.delivery = DeliveryWorker(self.store, config, self.clock, metrics=self.metrics)
        self.health = SourceHealthTracker(self.store, config, self.clock, metrics=self.metrics)

    def begin_shutdown(self) -> None:
        """Running polls stop between articles, and requests in flight are cut off: the
        daemon must exit within seconds, not after the slowest source's timeout."""
        self.stopping.set()
        self.fetcher.abort_requests()

    def reload(self, config: Config) -> None:
        """SIGHUP: apply ``config``; sources it drops leave /metrics too."""
        gone = {s.name for s in self.config.sources} - {s.name for s in config.sources}
        self.configure(config)
        for name in gone:
            self.metrics.forget_source(name)

    @staticmethod
    def _gazetteer(config: Config) -> Gazetteer | None:
        """Load the gazetteer only when a rule needs places (it costs memory and time), and
        only once: a config from ``load_config`` brings the one its check loaded."""
        if not uses_places(config):
            return None
        checked = checked_gazetteer(config)
        if checked is not None:
            return checked
        from newswatch.geo import Gazetteer

        return Gazetteer.load(config.places)

    def poll(self, source: SourceConfig, respect_backoff: bool = True) -> PollReport:
        try:
            report = self.pipeline.run_source(source, respect_backoff=respect_backoff)
        except Exception as exc:  # a bug in one source's handling must not stop the others
            log.exception("%s: unexpected error", source.name)
            self.store.sources.record_failure(source.name, self.clock.now(), repr(exc))
            report = PollReport(source.name, ok=False, error=repr(exc))
        if not report.skipped:
            self._track_health(source, report)
        return report

    def _track_health(self, source: SourceConfig, report: PollReport) -> None:
        """One ops alert when a source turns unhealthy, one when it recovers."""
        links = None if source.kind == "feed" or report.not_modified else report.entries
        change = self.health.after_poll(
            source, ok=report.ok, error=report.error, status=report.status, links_found=links
        )
        if change is None or not self.config.ops_channel:
            return
        rule = RuleConfig(
            name="source-health",
            query="source-health",
            notify=[self.config.ops_channel],
            priority="urgent",
        )
        message = AlertMessage(
            rule=rule.name,
            title=change,
            url=source.url,
            source=source.name,
            published=self.clock.now(),
            snippet=Snippet(change),
        )
        with self.store.db.transaction() as conn:
            enqueue_alerts(conn, rule, message, self.clock.now(), cluster_id=None, match_id=None)

    def run_cycle(self, progress: bool = False) -> CycleReport:
        """Poll every enabled source once (concurrently, bounded), then deliver."""
        sources = [s for s in self.config.sources if s.enabled]
        report = CycleReport()
        with ThreadPoolExecutor(max_workers=self.config.workers) as pool:
            # A manual cycle tries every source, even those in back-off.
            polls = pool.map(lambda s: self.poll(s, respect_backoff=False), sources)
            for i, poll in enumerate(polls, start=1):
                report.polls.append(poll)
                if progress:
                    _progress(i, len(sources), poll)
        delivered = self.delivery.deliver_due()
        report.sent, report.failed = delivered.sent, delivered.failed
        report.pending = self.store.outbox.counts().get("pending", 0)
        report.retrying = self.store.outbox.retrying_count()
        return report

    def close(self) -> None:
        self.session.close()
        self.store.close()


def _progress(done: int, total: int, poll: PollReport) -> None:
    import sys

    state = "ok" if poll.ok else f"error: {poll.error}"
    if poll.ok:
        state = "not modified" if poll.not_modified else f"{poll.new_articles} new"
    print(f"[{done}/{total}] {poll.source}: {state}", file=sys.stderr, flush=True)
