"""robots.txt, fetched once per origin and cached on the fetcher (RFC 9309 rules).

- 2xx: the rules apply.
- 4xx: no robots.txt, everything allowed.
- 5xx: the site is in trouble; RFC 9309 says assume everything is disallowed. We cache
  that briefly so the origin is asked again soon.
- Network failure: the error propagates — the page itself would fail the same way.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from newswatch.clock import Clock
from newswatch.fetch.politeness import Origin, origin_of

FRESH_FOR = 24 * 3600.0
RETRY_5XX_AFTER = 600.0
FETCH_LOCKS = 64
# A site asking for an hour between requests would starve its own feed; honour up to this.
MAX_CRAWL_DELAY = 60.0
MAX_ROBOTS_BYTES = 500_000  # RFC 9309 lets crawlers stop parsing at 500 KiB

# (status, body) of GET robots.txt; raises FetchError when the origin is unreachable.
RobotsGetter = Callable[[str], tuple[int, bytes]]


@dataclass(frozen=True)
class _Entry:
    parser: RobotFileParser
    expires: float


def robots_url(origin: Origin) -> str:
    scheme, host, port = origin
    default = 443 if scheme == "https" else 80
    netloc = host if port == default else f"{host}:{port}"
    if ":" in host:
        netloc = f"[{host}]" if port == default else f"[{host}]:{port}"
    return f"{scheme}://{netloc}/robots.txt"


def _parser(status: int, body: bytes) -> tuple[RobotFileParser, float]:
    parser = RobotFileParser()
    if 200 <= status < 300:
        parser.parse(body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace").splitlines())
        return parser, FRESH_FOR
    if status >= 500:
        parser.parse(["User-agent: *", "Disallow: /"])
        return parser, RETRY_5XX_AFTER
    parser.parse([])
    return parser, FRESH_FOR


class RobotsCache:
    """Parsed robots.txt per origin, the least recently used dropped beyond ``size``."""

    def __init__(self, clock: Clock, *, size: int = 4096) -> None:
        self.clock = clock
        self.size = size
        self._entries: OrderedDict[Origin, _Entry] = OrderedDict()
        self._guard = threading.Lock()
        # Striped: one fetch per origin at a time without a lock object per origin ever seen.
        self._fetch_locks = [threading.Lock() for _ in range(FETCH_LOCKS)]

    def allowed(self, url: str, user_agent: str, get: RobotsGetter) -> bool:
        return self._entry(url, get).parser.can_fetch(user_agent, url)

    def crawl_delay(self, url: str, user_agent: str, get: RobotsGetter) -> float | None:
        """The origin's ``Crawl-delay`` for this agent, capped; None when it sets none."""
        delay = self._entry(url, get).parser.crawl_delay(user_agent)
        return min(float(delay), MAX_CRAWL_DELAY) if delay else None

    def _entry(self, url: str, get: RobotsGetter) -> _Entry:
        origin = origin_of(url)
        with self._fetch_locks[hash(origin) % FETCH_LOCKS]:
            entry = self._cached(origin)
            if entry is None:
                parser, ttl = _parser(*get(robots_url(origin)))
                entry = _Entry(parser, self.clock.monotonic() + ttl)
                self._store(origin, entry)
        return entry

    def _cached(self, origin: Origin) -> _Entry | None:
        with self._guard:
            entry = self._entries.get(origin)
            if entry is None or entry.expires <= self.clock.monotonic():
                return None
            self._entries.move_to_end(origin)
            return entry

    def _store(self, origin: Origin, entry: _Entry) -> None:
        with self._guard:
            self._entries[origin] = entry
            self._entries.move_to_end(origin)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
