"""Per-origin limits: requests in flight, the gap between requests, Retry-After.

An origin is (scheme, host, port), the unit robots.txt and browsers use. The state lives
on the :class:`Fetcher` that owns this object, never in module globals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from newswatch.clock import Clock
from newswatch.dates import rfc2822_date
from newswatch.errors import FetchError

Origin = tuple[str, str, int]
MAX_ORIGINS = 10_000  # beyond this, idle origins are forgotten
MAX_RETRY_AFTER = 24 * 3600.0
DEFAULT_DELAY = 1.0  # seconds between request starts to one origin
# Wraps every sleep on an origin's delay, so a pool can lend the sleeping thread's turn
# to work on other origins (see fetch.schedule.OriginPool.parked).
WaitHook = Callable[[], AbstractContextManager[None]]


class SharedOrigins(Protocol):
    """Politeness shared with other processes (``newswatch.workers.coord``): the same
    origin's next request start and Retry-After, whichever worker asks."""

    def reserve_start(self, origin: str, delay: float) -> tuple[float, float]:
        """(seconds until this request may start, seconds of Retry-After pending)."""
        ...

    def block(self, origin: str, seconds: float) -> None: ...


def origin_key(origin: Origin) -> str:
    scheme, host, port = origin
    return f"{scheme}://{host}:{port}"


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped at a day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    when = rfc2822_date(value)  # an HTTP date
    if when is None:
        return None
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER)


_STOP_CHECK = 0.2  # seconds between looks at the stop flag while waiting for an origin


def origin_of(url: str) -> Origin:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or (443 if scheme == "https" else 80)


@dataclass
class _OriginState:
    slots: threading.Semaphore
    next_start: float = 0.0  # monotonic time before which no request may start
    blocked_until: float = 0.0  # set by Retry-After
    users: int = 0  # requests holding or waiting for a slot; guarded by Politeness._lock
    crawl_delay: float = 0.0  # robots.txt Crawl-delay, when longer than ours
    lock: threading.Lock = field(default_factory=threading.Lock)

    def idle(self, now: float) -> bool:
        return self.users == 0 and self.next_start <= now and self.blocked_until <= now


class Politeness:
    def __init__(
        self,
        clock: Clock,
        *,
        concurrency: int = 1,
        delay: float = DEFAULT_DELAY,
        stopping: threading.Event | None = None,
        on_wait: WaitHook | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("per-origin concurrency must be at least 1")
        self.clock = clock
        # Set on shutdown: a worker queued behind an origin's delay gives up instead of
        # holding the daemon's exit for (queued requests x delay) seconds.
        self.stopping = stopping
        self.concurrency = concurrency
        self.delay = max(0.0, delay)
        self.on_wait: WaitHook = on_wait or nullcontext
        self._origins: dict[Origin, _OriginState] = {}
        self._lock = threading.Lock()
        self.shared: SharedOrigins | None = None

    def share(self, shared: SharedOrigins) -> None:
        """Keep the delay and Retry-After with every process using ``shared`` too."""
        self.shared = shared

    def _state(self, origin: Origin, *, use: bool = False) -> _OriginState:
        with self._lock:
            state = self._origins.get(origin)
            if state is None:
                if len(self._origins) >= MAX_ORIGINS:
                    self._forget_idle()
                state = _OriginState(threading.Semaphore(self.concurrency))
                self._origins[origin] = state
            state.users += use
            return state

    def _forget_idle(self) -> None:
        """A daemon meets ever new article hosts; origins with nothing pending are dropped
        (they start afresh, which their delay has already allowed)."""
        now = self.clock.monotonic()
        for origin in [o for o, state in self._origins.items() if state.idle(now)]:
            del self._origins[origin]

    def _release(self, state: _OriginState) -> None:
        with self._lock:
            state.users -= 1

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold one of the origin's request slots, after its minimum delay has passed.

        Fails fast while the origin's Retry-After is pending: a worker should move on to
        another source rather than sleep for minutes.
        """
        state = self._state(origin_of(url), use=True)
        try:
            with state.slots:
                with state.lock:
                    now = self.clock.monotonic()
                    if state.blocked_until > now:
                        wait = state.blocked_until - now
                        raise FetchError(
                            url, f"origin asked us to wait {wait:.0f}s", retry_after=wait
                        )
                    delay = max(self.delay, state.crawl_delay)
                    start = max(now, state.next_start, self._shared_start(url, now, delay))
                    state.next_start = start + delay
                with self.on_wait() if start > now else nullcontext():
                    self._wait(start - now, url)
                yield
        finally:
            self._release(state)

    def _shared_start(self, url: str, now: float, delay: float) -> float:
        """When the other processes let this request start (``now`` without them)."""
        if self.shared is None:
            return now
        wait, blocked = self.shared.reserve_start(origin_key(origin_of(url)), delay)
        if blocked > 0:
            raise FetchError(url, f"origin asked us to wait {blocked:.0f}s", retry_after=blocked)
        return now + wait

    def _wait(self, seconds: float, url: str) -> None:
        """Sleep ``seconds`` on the clock, in short steps while a shutdown may interrupt."""
        stopping = self.stopping
        if stopping is None:
            self.clock.sleep(seconds)
            return
        while not stopping.is_set() and seconds > 0:
            step = min(seconds, _STOP_CHECK)
            self.clock.sleep(step)
            seconds -= step
        if stopping.is_set():
            raise FetchError(url, "not fetched: shutting down")

    def due(self, origin: Origin) -> float:
        """Monotonic time at which ``origin``'s next request may start (0: any time)."""
        with self._lock:
            state = self._origins.get(origin)
        return 0.0 if state is None else state.next_start

    def slow_down(self, url: str, seconds: float) -> None:
        """Honour a robots.txt Crawl-delay: at least ``seconds`` between request starts."""
        state = self._state(origin_of(url))
        with state.lock:
            state.crawl_delay = max(0.0, seconds)

    def back_off(self, url: str, seconds: float) -> None:
        """Honour a Retry-After: no request to this origin for ``seconds``."""
        state = self._state(origin_of(url))
        with state.lock:
            until = self.clock.monotonic() + max(0.0, seconds)
            state.blocked_until = max(state.blocked_until, until)
        if self.shared is not None:
            self.shared.block(origin_key(origin_of(url)), max(0.0, seconds))
