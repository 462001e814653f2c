"""The runtime: what lives as long as the process, built once and never rebuilt on reload.

The store, the HTTP session and its fetcher, the story index, the delivery worker, the
source-health tracker and the metrics keep their state across SIGHUP: an article stored
by a poll that began before a reload is in the one story index the next poll reads, a
channel's rate limit still counts the last send, and health streaks go on counting.
A reload only hands them the new rule set's settings (:meth:`Runtime.apply`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from newswatch.clock import Clock
from newswatch.dedup import StoryIndex
from newswatch.extract.pool import Extractor, extract_inline
from newswatch.fetch import Fetcher
from newswatch.fetch.schedule import OriginPool
from newswatch.health import SourceHealthTracker
from newswatch.model import Entry
from newswatch.notify import DeliveryWorker
from newswatch.ops.metrics import Metrics
from newswatch.ruleset import RuleSet
from newswatch.store import Store


class ArticleQueue(Protocol):
    """Where a poll hands over its new entries on other sites with PostgreSQL workers
    (``workers.queue``): one article job each, run by whichever worker is free, one at a
    time per site."""

    def defer(self, source: str, entries: Sequence[Entry], quiet: bool) -> int:
        """Queue the entries; returns how many were queued (one already waiting is not)."""
        ...


@dataclass
class Runtime:
    clock: Clock
    store: Store
    fetcher: Fetcher
    stories: StoryIndex
    delivery: DeliveryWorker
    health: SourceHealthTracker
    metrics: Metrics
    # Polls queue per origin (a feed's site) and share this pool: a site listed with many
    # sections never holds every worker on its politeness delay (fetch.schedule).
    polls: OriginPool
    # Extraction, in worker processes for the daemon and once (extract.pool).
    extract: Extractor = extract_inline
    # Set on shutdown: running polls stop between articles instead of finishing, and
    # requests queued behind an origin's politeness delay are not made.
    stopping: threading.Event = field(default_factory=threading.Event)
    # Worker processes: a poll queues here its new entries on other sites, instead of
    # processing them itself. None (the daemon, once): the poll does every one.
    articles: ArticleQueue | None = None

    def apply(self, rules: RuleSet) -> None:
        """Hand the long-lived parts the settings of a new rule set (SIGHUP)."""
        self.polls.resize(rules.config.workers)
        self.stories.configure(rules.config.dedup)
        self.delivery.configure(rules.config, rules.secrets)


__all__ = ["ArticleQueue", "Runtime"]
