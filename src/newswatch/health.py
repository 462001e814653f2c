"""When a source silently stops working, say so once — and once more when it recovers.

A source is unhealthy while any of these holds (checked after every poll):

1. blocked   — the site answered 403 or 429 on ``blocked_after`` polls in a row
2. failing   — ``failures`` consecutive polls failed for any other reason
3. no links  — a listing page or sitemap fetched fine but yielded no article links
               (usually a broken ``links:`` selector or a redesigned site)
4. stale     — nothing new for longer than the source's ``stale_after``

Health is persisted in the store (``source_state.healthy``), so a restart neither repeats
an alert nor forgets an open problem.
"""

from __future__ import annotations

import logging
from datetime import datetime

from newswatch.clock import Clock
from newswatch.config import SourceConfig, format_duration
from newswatch.ops.logfields import log_fields
from newswatch.ops.metrics import Metrics
from newswatch.store import SourceState, Store

log = logging.getLogger(__name__)

BLOCKED_STATUSES = frozenset({403, 429})
DEFAULT_FAILURES = 3
DEFAULT_BLOCKED_AFTER = 2


class SourceHealthTracker:
    """Call :meth:`after_poll` after the pipeline recorded the poll in ``store.sources``.

    Built once per process (the blocked streaks live here, not in the store): a reload
    must not reset them."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        failures: int = DEFAULT_FAILURES,
        blocked_after: int = DEFAULT_BLOCKED_AFTER,
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.failures = failures
        self.blocked_after = blocked_after
        self.metrics = metrics
        # Blocked answers in a row per source: not in the store, and a restart resetting
        # the count only delays an alert by one poll.
        self._blocked_streak: dict[str, int] = {}
        # Staleness needs a starting point for sources that never produced anything.
        self._watching_since = clock.now()

    def after_poll(
        self,
        source: SourceConfig,
        *,
        ok: bool,
        error: str | None,
        status: int | None,
        links_found: int | None,
    ) -> str | None:
        """The ops message for a health transition caused by this poll, else None."""
        state = self.store.sources.get(source.name)
        reason = self._problem(source, state, ok, error, status, links_found)
        if self.metrics is not None:
            self.metrics.source_health(source.name, reason is None)
        if reason is None:
            if state.healthy:
                return None
            self.store.sources.set_health(source.name, True, None)
            log.info("source %s recovered", source.name, extra=log_fields(source=source.name))
            return f"source {source.name} recovered (was: {state.unhealthy_reason})"
        if not state.healthy:
            if reason != state.unhealthy_reason:
                self.store.sources.set_health(source.name, False, reason)  # keep status current
            return None
        self.store.sources.set_health(source.name, False, reason)
        log.warning(
            "source %s unhealthy: %s",
            source.name,
            reason,
            extra=log_fields(source=source.name, error=reason),
        )
        return f"source {source.name} unhealthy: {reason}"

    def forget(self, name: str) -> None:
        """A source left the config (reload)."""
        self._blocked_streak.pop(name, None)

    def _problem(
        self,
        source: SourceConfig,
        state: SourceState,
        ok: bool,
        error: str | None,
        status: int | None,
        links_found: int | None,
    ) -> str | None:
        blocked = not ok and status in BLOCKED_STATUSES
        streak = self._blocked_streak.get(source.name, 0) + 1 if blocked else 0
        self._blocked_streak[source.name] = streak
        # 1. blocked
        if blocked and streak >= self.blocked_after:
            return f"blocked: HTTP {status} on {streak} polls in a row"
        # 2. failing
        failures = max(state.consecutive_failures, 0 if ok else 1)
        if not ok and failures >= self.failures:
            return f"{failures} consecutive failures, last: {error or 'unknown error'}"
        if not ok:
            # One failure is not enough to judge; keep the previous verdict.
            return state.unhealthy_reason if not state.healthy else None
        # 3. no links (the caller passes None for kinds that do not list links)
        if links_found == 0:
            what = f"selector {source.links!r}" if source.links else "the link detection"
            return f"the {source.kind} yielded no article links ({what} broken?)"
        # 4. stale
        return self._stale(source, state, self.clock.now())

    def _stale(self, source: SourceConfig, state: SourceState, now: datetime) -> str | None:
        if source.stale_after is None:
            return None
        last_new = state.last_new_item_at or self._watching_since
        if now - last_new <= source.stale_after:
            return None
        since = state.last_new_item_at.isoformat() if state.last_new_item_at else "start-up"
        return f"nothing new for more than {format_duration(source.stale_after)} (since {since})"
