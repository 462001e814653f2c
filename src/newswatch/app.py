"""The composition root: the one place that picks concrete classes and wires them.

``App`` holds two things of different lifetimes: the ``Runtime`` (store, HTTP session and
fetcher, story index, delivery worker, source health, metrics), built once here, and the
current ``RuleSet`` (``newswatch.ruleset.prepare``), replaced in one assignment on SIGHUP.
Each poll reads ``self.rules`` once, at its start. Team rules (made in the dashboard)
join the file's in the same swap (``newswatch.teamrules``).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial

import requests

from newswatch.clock import Clock, SystemClock
from newswatch.config import Config, SourceConfig
from newswatch.config.paths import state_location
from newswatch.dedup import StoryIndex
from newswatch.extract.pool import Extractor, ProcessExtractor
from newswatch.fetch import Fetcher
from newswatch.fetch.schedule import OriginPool
from newswatch.health import SourceHealthTracker
from newswatch.match.matcher import UNCONDITIONAL
from newswatch.model import Entry, OpsAlert
from newswatch.notify import DeliveryWorker, enqueue_ops, register_console_plugin
from newswatch.ops.metrics import Metrics
from newswatch.pipeline import Pipeline, PollReport
from newswatch.prepare import prepare_article
from newswatch.rulecheck import config_warnings
from newswatch.ruleset import RuleSet
from newswatch.runtime import Runtime
from newswatch.sources import kind_of
from newswatch.store import Store
from newswatch.teamrules import LiveRules

log = logging.getLogger("newswatch.app")


def make_session() -> requests.Session:
    session = requests.Session()
    # Retries are ours to decide (back-off per source). urllib3 keeps the connections of
    # its ``pool_connections`` most recent hosts: the politeness delay interleaves every
    # origin's requests, so with 32 a cycle over 100 sites reconnected for every request
    # (bench_once cold cycle: 8.9 -> 7.4 CPU-s of requests in the once process with 256).
    # 256 idle sockets at most stay well inside systemd's 1,024 file descriptors.
    adapter = requests.adapters.HTTPAdapter(pool_connections=256, pool_maxsize=32, max_retries=0)
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


def build_runtime(
    rules: RuleSet,
    *,
    clock: Clock,
    session: requests.Session,
    store: Store | None = None,
    metrics: Metrics | None = None,
    extract: Extractor | None = None,
) -> Runtime:
    """The process's long-lived parts, configured by the first rule set."""
    config = rules.config
    store = store or Store(state_location(config))
    metrics = metrics or Metrics()
    stopping = threading.Event()
    register_console_plugin()
    polls = OriginPool(
        clock, workers=config.workers, due=lambda origin: fetcher.politeness.due(origin)
    )
    fetcher = Fetcher(session, store.fetch_state, clock, stopping=stopping, on_wait=polls.parked)
    return Runtime(
        clock=clock,
        store=store,
        fetcher=fetcher,
        stories=StoryIndex(store, clock, config.dedup),
        delivery=DeliveryWorker(store, config, clock, metrics=metrics, secrets=rules.secrets),
        health=SourceHealthTracker(store, clock, metrics=metrics),
        metrics=metrics,
        polls=polls,
        # Extraction is CPU-bound: worker processes, one per core (extract.pool).
        extract=extract or ProcessExtractor(function=prepare_article),
        stopping=stopping,
    )


class App:
    def __init__(
        self,
        rules: RuleSet,
        *,
        clock: Clock | None = None,
        session: requests.Session | None = None,
        store: Store | None = None,
        metrics: Metrics | None = None,
        extract: Extractor | None = None,
    ) -> None:
        self.session = session or make_session()
        self.runtime = build_runtime(
            rules,
            clock=clock or SystemClock(),
            session=self.session,
            store=store,
            metrics=metrics,
            extract=extract,
        )
        # The file's rules and the state's team rules, swapped whole on either's change.
        self.live = LiveRules(self.store.team_rules, rules)
        _log_warnings(self.rules)

    @property
    def rules(self) -> RuleSet:
        """The rule set in force; a poll reads it once, at its start."""
        return self.live.current

    # The runtime's parts, by the names the daemon and the commands use.
    @property
    def config(self) -> Config:
        return self.rules.config

    @property
    def clock(self) -> Clock:
        return self.runtime.clock

    @property
    def store(self) -> Store:
        return self.runtime.store

    @property
    def metrics(self) -> Metrics:
        return self.runtime.metrics

    @property
    def stories(self) -> StoryIndex:
        return self.runtime.stories

    @property
    def delivery(self) -> DeliveryWorker:
        return self.runtime.delivery

    @property
    def pipeline(self) -> Pipeline:
        """A pipeline on the current rule set (each poll makes its own)."""
        return Pipeline(self.runtime, self.rules)

    def begin_shutdown(self) -> None:
        """Running polls stop between articles, and requests in flight are cut off: the
        daemon must exit within seconds, not after the slowest source's timeout."""
        self.runtime.stopping.set()
        self.runtime.polls.shutdown(wait=False)
        self.runtime.fetcher.abort_requests()

    def reload(self, rules: RuleSet) -> None:
        """SIGHUP: use ``rules`` from the next poll on; polls running now finish on the
        rule set they began with. Sources it drops leave /metrics and the health streaks."""
        gone = {s.name for s in self.config.sources} - {s.name for s in rules.config.sources}
        self.live.use_file(rules)  # the one assignment a poll's start reads
        self.runtime.apply(self.rules)
        for name in gone:
            self.metrics.forget_source(name)
            self.runtime.health.forget(name)
        _log_warnings(self.rules)

    def refresh_team_rules(self) -> bool:
        """Put team rules saved in the dashboard (maybe by another process) in force."""
        if not self.live.refresh():
            return False
        self.runtime.apply(self.rules)
        return True

    def poll(
        self, source: SourceConfig, respect_backoff: bool = True, baseline: bool = False
    ) -> PollReport:
        rules = self.rules  # read once: a reload during this poll does not concern it
        pipeline = Pipeline(self.runtime, rules)
        try:
            report = pipeline.run_source(source, respect_backoff=respect_backoff, baseline=baseline)
        except Exception as exc:  # a bug in one source's handling must not stop the others
            log.exception("%s: unexpected error", source.name)
            error = rules.redact(repr(exc))
            pipeline.record_failure(source, error)
            report = PollReport(source.name, ok=False, error=error)
        if not report.skipped:
            self._track_health(source, report, rules)
        return report

    def article(self, source: SourceConfig, entry: Entry, quiet: bool) -> int | None:
        """One entry a worker's poll queued (``newswatch.article``): alerts queued, or None."""
        return Pipeline(self.runtime, self.rules).run_entry(source, entry, quiet)

    def start_workers(self) -> None:
        """Start the extraction processes ahead of the first article (the daemon)."""
        if isinstance(self.runtime.extract, ProcessExtractor):
            self.runtime.extract.start()

    def poll_soon(self, source: SourceConfig) -> Future[PollReport] | None:
        """Queue one poll of ``source`` behind its origin's other work (the daemon's
        scheduled polls); a poll of it already queued or running is not queued again."""
        try:
            return self.runtime.polls.submit(source.url, lambda: self.poll(source), key=source.name)
        except RuntimeError:  # shutting down
            return None

    def _track_health(self, source: SourceConfig, report: PollReport, rules: RuleSet) -> None:
        """One ops alert when a source turns unhealthy, one when it recovers."""
        config = rules.config
        listing = kind_of(source.kind).lists_links
        links = report.entries if listing and not report.not_modified else None
        change = self.runtime.health.after_poll(
            source, ok=report.ok, error=report.error, status=report.status, links_found=links
        )
        if change is None or not config.ops_channel:
            return
        # The ops channel is outside the process like a log: the same redactor.
        alert = OpsAlert(
            title=rules.redact(change),
            source=source.name,
            url=rules.redact(source.url),
            channel=config.ops_channel,
            at=self.clock.now(),
        )
        enqueue_ops(self.store.outbox, alert)

    def run_cycle(self, progress: bool = False, baseline: bool = False) -> CycleReport:
        """Poll every enabled source once (per-origin queues, one shared pool), then deliver."""
        sources = [s for s in self.config.sources if s.enabled]
        report = CycleReport()
        # A manual cycle tries every source, even those in back-off.
        polls = [
            self.runtime.polls.submit(
                s.url, partial(self.poll, s, respect_backoff=False, baseline=baseline), key=s.name
            )
            for s in sources
        ]
        for i, poll in enumerate(polls, start=1):
            done = poll.result()
            report.polls.append(done)
            if done.paused:
                log.info("%s: paused on the dashboard's Sources page; not polled", done.source)
            if progress:
                _progress(i, len(sources), report.polls[-1])
        delivered = self.delivery.deliver_due()
        report.sent, report.failed = delivered.sent, delivered.failed
        report.pending = self.store.outbox.counts().get("pending", 0)
        report.retrying = self.store.outbox.retrying_count()
        return report

    def close(self) -> None:
        self.runtime.polls.shutdown(wait=True)
        if isinstance(self.runtime.extract, ProcessExtractor):
            self.runtime.extract.close()
        self.session.close()
        self.store.close()


def _log_warnings(rules: RuleSet) -> None:
    for warning in config_warnings(rules.config):
        log.warning("config: %s", warning)
    for number in rules.unconditional:
        log.warning("rule %s %s", rules.matcher.rules[number].name, UNCONDITIONAL)


def _progress(done: int, total: int, poll: PollReport) -> None:
    import sys

    state = "ok" if poll.ok else f"error: {poll.error}"
    if poll.ok:
        state = "not modified" if poll.not_modified else f"{poll.new_articles} new"
        state = "paused (resume it on the dashboard's Sources page)" if poll.paused else state
    print(f"[{done}/{total}] {poll.source}: {state}", file=sys.stderr, flush=True)
