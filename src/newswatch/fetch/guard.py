"""Guards on every connection: a total deadline per request, and where it really went.

Deadline. Socket timeouts bound each ``recv``, not the whole answer: a server that sends one header
byte a second never trips them. Here a watchdog shuts the request's socket down when its
time is up, so the blocked read returns and the request fails.

How: :class:`GuardedAdapter` gives urllib3 connection classes whose ``getresponse``
arms that watch (the socket is known by then, also for a reused keep-alive
connection). The fetcher says how much time is left with :meth:`Watchdog.watch`;
leaving the block disarms it. Plain, HTTPS, HTTP-proxy and SOCKS connections are all
covered, since every urllib3 connection class is wrapped the same way.

Peer. A host name that passed the URL check may still resolve to a private address when
the connection is made (DNS rebinding). So every address the name resolves to is checked
(``check_peer``) before connecting, the address actually connected to once more before
TLS or a request byte, and a kept-alive connection again before each request it carries
(the pool is shared by sources that may and may not reach private addresses).

Environment. ``install`` makes the session ignore ``HTTP_PROXY``/``HTTPS_PROXY``, ``.netrc``
and CA-bundle variables: a proxy from the environment would be judged as the peer (every
public fetch refused) while the names behind it were never judged, and ``.netrc`` would
send credentials to whichever host a feed names. A proxy is the ``proxy:`` setting.
"""

from __future__ import annotations

import heapq
import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool

log = logging.getLogger(__name__)
_local = threading.local()
IDLE_EXIT = 60.0  # seconds without requests before the watchdog thread ends


# Given the peer's IP address, why the connection is refused (None: it is fine).
PeerCheck = Callable[[str], str | None]


class BlockedPeer(OSError):
    """Raised inside urllib3 when the peer is refused; the fetcher reports it properly."""


class Watch:
    """One request's guards; ``fired`` tells a cut-off from a server hanging up and
    ``blocked`` says why the peer was refused."""

    def __init__(
        self, watchdog: Watchdog, seconds_left: Callable[[], float], check_peer: PeerCheck | None
    ) -> None:
        self.watchdog = watchdog
        self.seconds_left = seconds_left
        self.check_peer = check_peer
        self.fired = False
        self.blocked: str | None = None
        self._sock: socket.socket | None = None
        self._generation = 0
        self._lock = threading.Lock()

    def arm(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            self._generation += 1
            generation = self._generation
        self.watchdog.schedule(time.monotonic() + max(self.seconds_left(), 0.0), self, generation)

    def disarm(self) -> None:
        with self._lock:
            self._sock = None

    def fire(self, generation: int) -> None:
        with self._lock:
            # Disarmed or re-armed since: the socket may already serve another request.
            if self._sock is None or generation != self._generation:
                return
            self.fired = True
            with suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """One thread that fires every :class:`Watch` whose time is up (a heap of deadlines);
    cheaper than a timer thread per request. Started on first use."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Watch, int]] = []
        self._seq = 0
        self._thread: threading.Thread | None = None

    @contextmanager
    def watch(
        self, seconds_left: Callable[[], float], check_peer: PeerCheck | None = None
    ) -> Iterator[Watch]:
        """Requests made inside this block are cut off after ``seconds_left()`` (asked
        when the request has been sent); new connections must pass ``check_peer``."""
        current = Watch(self, seconds_left, check_peer)
        _local.watch = current
        try:
            yield current
        finally:
            current.disarm()
            _local.watch = None

    def schedule(self, when: float, watch: Watch, generation: int) -> None:
        with self._cond:
            self._seq += 1
            heapq.heappush(self._heap, (when, self._seq, watch, generation))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="newswatch-deadlines", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def fire_all(self) -> None:
        """Cut off every request in flight now: the daemon is stopping and will not wait
        out their deadlines (up to a source's ``timeout:``)."""
        with self._cond:
            pending, self._heap = self._heap, []
        for _when, _seq, watch, generation in pending:
            watch.fire(generation)  # stale entries (finished requests) are ignored there

    def _run(self) -> None:
        with self._cond:
            while True:
                if not self._heap:
                    # Idle for a while: let the thread go; ``schedule`` starts a new one.
                    if not self._cond.wait(IDLE_EXIT) and not self._heap:
                        self._thread = None
                        return
                    continue
                when, _, watch, generation = self._heap[0]
                delay = when - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
                watch.fire(generation)


class _WatchedConnection:
    """Mixed into a urllib3 connection class ahead of it."""

    sock: socket.socket | None
    _dns_host: str
    port: int

    def _new_conn(self) -> socket.socket:
        current: Watch | None = getattr(_local, "watch", None)
        if current is None or current.check_peer is None:
            return super()._new_conn()  # type: ignore[misc,no-any-return]
        # Before connecting: no SYN, let alone a TLS hello, to a refused address.
        for address in _resolved(self._dns_host, self.port):
            _refuse_if(current, current.check_peer(address))
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        # And the address really connected to: the name may answer differently the second
        # time (DNS rebinding). Still before TLS or any request byte.
        _check_socket(current, sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> Any:
        # A kept-alive connection was judged for the request that opened it, maybe one
        # allowed private addresses (a private source sharing the pool): judge it again.
        current: Watch | None = getattr(_local, "watch", None)
        if current is not None and current.check_peer is not None and self.sock is not None:
            _check_socket(current, self.sock)
        return super().request(*args, **kwargs)  # type: ignore[misc]

    def getresponse(self) -> Any:
        current: Watch | None = getattr(_local, "watch", None)
        if current is not None and self.sock is not None:
            current.arm(self.sock)
        return super().getresponse()  # type: ignore[misc]


def _resolved(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to; none when it does not (urllib3 reports that)."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [str(info[4][0]) for info in infos]


def _check_socket(current: Watch, sock: socket.socket) -> None:
    try:
        address = str(sock.getpeername()[0])
    except OSError:
        return
    try:
        _refuse_if(current, current.check_peer(address) if current.check_peer else None)
    except BlockedPeer:
        sock.close()
        raise


def _refuse_if(current: Watch, problem: str | None) -> None:
    if problem is not None:
        current.blocked = problem
        raise BlockedPeer(problem)


@cache
def _watched_pool(pool: type[HTTPConnectionPool]) -> type[HTTPConnectionPool]:
    connection = type(
        f"Watched{pool.ConnectionCls.__name__}", (_WatchedConnection, pool.ConnectionCls), {}
    )
    return type(f"Watched{pool.__name__}", (pool,), {"ConnectionCls": connection})


def _watch_manager(manager: Any) -> Any:
    classes = manager.pool_classes_by_scheme
    manager.pool_classes_by_scheme = {scheme: _watched_pool(cls) for scheme, cls in classes.items()}
    return manager


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _watch_manager(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        known = proxy in self.proxy_manager
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        return manager if known else _watch_manager(manager)


def install(session: requests.Session) -> None:
    """Mount :class:`GuardedAdapter` for http and https, keeping the pool sizes and retry
    policy of the adapters already mounted; ignore the environment (see above)."""
    if session.trust_env:
        session.trust_env = False
        ignored = sorted(k for k in urllib.request.getproxies_environment() if k != "no")
        if ignored:
            log.warning(
                "ignoring the %s proxy from the environment: newswatch uses the 'proxy:' "
                "setting only",
                "/".join(ignored),
            )
    for prefix in ("http://", "https://"):
        current = session.get_adapter(prefix)
        if isinstance(current, GuardedAdapter):
            continue
        session.mount(
            prefix,
            GuardedAdapter(
                pool_connections=getattr(current, "_pool_connections", 10),
                pool_maxsize=getattr(current, "_pool_maxsize", 10),
                max_retries=getattr(current, "max_retries", 0),
                pool_block=getattr(current, "_pool_block", False),
            ),
        )
