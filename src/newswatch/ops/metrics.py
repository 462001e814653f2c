"""Prometheus metrics on a registry of our own (never the process-wide default one).

Label sets stay small on purpose: per-source counters have one series per source, while
the latency histograms carry no source label (500 sources × 12 buckets would dwarf the rest).
"""

from __future__ import annotations

import contextlib

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

FETCH_OUTCOMES = ("ok", "not_modified", "error")
ALERT_STATUSES = ("sent", "failed", "retry")
# Polls take from milliseconds (304) to the fetch timeout and beyond (article pages).
POLL_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120)
# Delivery latency is measured from the alert's creation, so retries stretch it to hours.
DELIVERY_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600)


class Metrics:
    """The daemon's counters, gauges and histograms; thread-safe (prometheus_client is)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self._fetches = Counter(
            "newswatch_fetches", "Source polls by outcome.", ["source", "outcome"], registry=r
        )
        self._bytes = Counter(
            "newswatch_fetch_bytes", "Bytes downloaded for source polls.", ["source"], registry=r
        )
        self._poll_seconds = Histogram(
            "newswatch_poll_seconds", "Duration of source polls.", buckets=POLL_BUCKETS, registry=r
        )
        self._articles = Counter(
            "newswatch_articles", "Entries found by polls: new, already seen, or failed.",
            ["source", "state"], registry=r,
        )  # fmt: skip
        self._matches = Counter("newswatch_matches", "Rule matches.", ["rule"], registry=r)
        self._alerts = Counter(
            "newswatch_alerts", "Delivery attempts by result.", ["channel", "status"], registry=r
        )
        self._pending = Gauge(
            "newswatch_alerts_pending", "Alerts waiting in the outbox.", ["channel"], registry=r
        )
        self._delivery_seconds = Histogram(
            "newswatch_delivery_latency_seconds", "From alert creation to successful delivery.",
            buckets=DELIVERY_BUCKETS, registry=r,
        )  # fmt: skip
        self._healthy = Gauge(
            "newswatch_source_healthy", "1 while a source is healthy, 0 otherwise.", ["source"],
            registry=r,
        )  # fmt: skip
        self._story_index = Gauge(
            "newswatch_story_index_articles", "Articles of the dedup window held in memory.",
            registry=r,
        )  # fmt: skip
        self._story_index_bytes = Gauge(
            "newswatch_story_index_bytes", "Memory of the in-memory story index (numpy arrays).",
            registry=r,
        )  # fmt: skip
        self._heartbeat = Gauge(
            "newswatch_heartbeat_timestamp_seconds", "Last scheduler heartbeat (Unix time).",
            registry=r,
        )  # fmt: skip
        self._info = Gauge(
            "newswatch_build_info", "Always 1; the running version as a label.", ["version"],
            registry=r,
        )  # fmt: skip
        self._start_time = Gauge(
            "newswatch_start_time_seconds", "When this process started (Unix time).", registry=r
        )
        # Named as Prometheus names its own, so existing alert rules read the same.
        self._reload_ok = Gauge(
            "newswatch_config_last_reload_successful",
            "1 when the last reload (or the start) applied the config file, 0 when it failed.",
            registry=r,
        )
        self._reload_at = Gauge(
            "newswatch_config_last_reload_success_timestamp_seconds",
            "When the config file was last applied (Unix time).", registry=r,
        )  # fmt: skip

    def queue(self, depth: dict[tuple[str, str], int]) -> None:
        """procrastinate's jobs by (task, status): todo (waiting) and doing (running).
        Created on first use: only PostgreSQL installations have a queue."""
        if not hasattr(self, "_queue"):
            self._queue = Gauge(
                "newswatch_queue_jobs", "Jobs in the shared queue, by task and status.",
                ["task", "status"], registry=self.registry,
            )  # fmt: skip
        for task in {t for t, _ in depth} | {
            "newswatch.poll",
            "newswatch.article",
            "newswatch.deliver",
        }:
            for status in ("todo", "doing"):
                self._queue.labels(task, status).set(depth.get((task, status), 0))

    def started(self, version: str, unix_time: float) -> None:
        self._info.labels(version).set(1)
        self._start_time.set(unix_time)
        self.reloaded(True, unix_time)

    def reloaded(self, ok: bool, unix_time: float) -> None:
        self._reload_ok.set(1 if ok else 0)
        if ok:
            self._reload_at.set(unix_time)

    def fetch(self, source: str, outcome: str, nbytes: int, seconds: float) -> None:
        if outcome not in FETCH_OUTCOMES:
            raise ValueError(f"unknown fetch outcome {outcome!r} (one of {FETCH_OUTCOMES})")
        self._fetches.labels(source, outcome).inc()
        if nbytes > 0:
            self._bytes.labels(source).inc(nbytes)
        self._poll_seconds.observe(max(seconds, 0.0))

    def articles(self, source: str, new: int, seen: int) -> None:
        self._articles.labels(source, "new").inc(max(new, 0))
        self._articles.labels(source, "seen").inc(max(seen, 0))

    def entry_failed(self, source: str) -> None:
        """An entry skipped after an unexpected error (a poisoned page, a parser bug)."""
        self._articles.labels(source, "failed").inc()

    def matched(self, rule: str) -> None:
        self._matches.labels(rule).inc()

    def alert(self, channel: str, status: str) -> None:
        if status not in ALERT_STATUSES:
            raise ValueError(f"unknown alert status {status!r} (one of {ALERT_STATUSES})")
        self._alerts.labels(channel, status).inc()

    def set_pending(self, channel: str, count: int) -> None:
        self._pending.labels(channel).set(count)

    def delivery_latency(self, seconds: float) -> None:
        self._delivery_seconds.observe(max(seconds, 0.0))

    def source_health(self, source: str, healthy: bool) -> None:
        self._healthy.labels(source).set(1 if healthy else 0)

    def story_index(self, articles: int, nbytes: int) -> None:
        self._story_index.set(articles)
        self._story_index_bytes.set(nbytes)

    def heartbeat(self, unix_time: float) -> None:
        self._heartbeat.set(unix_time)

    def forget_source(self, source: str) -> None:
        """Drop a removed source's series (after a reload) so dashboards stop showing it."""
        for outcome in FETCH_OUTCOMES:
            _remove(self._fetches, source, outcome)
        for state in ("new", "seen", "failed"):
            _remove(self._articles, source, state)
        _remove(self._bytes, source)
        _remove(self._healthy, source)


def _remove(metric: Counter | Gauge, *labels: str) -> None:
    with contextlib.suppress(KeyError):  # never observed
        metric.remove(*labels)
