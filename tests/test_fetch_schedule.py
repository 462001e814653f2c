"""Per-origin queues feeding one pool: no head-of-line blocking, politeness intact."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler

import pytest
import requests

from newswatch.clock import SystemClock
from newswatch.errors import FetchError
from newswatch.fetch import Fetcher, FetchSettings
from newswatch.fetch.schedule import OriginPool
from tests.servers_hostile import LocalServer, page, serve

SETTINGS = FetchSettings(timeout=5.0, connect_timeout=2.0, robots=False)
DELAY = 1.0


class Timeline:
    """When each path was requested, on the test's monotonic clock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.at: list[tuple[float, str]] = []

    def route(
        self, body: bytes = b"<html><body>x</body></html>", **headers: str
    ) -> Callable[[BaseHTTPRequestHandler], None]:
        answer = page(body, **headers)

        def handler(request: BaseHTTPRequestHandler) -> None:
            with self.lock:
                self.at.append((time.monotonic(), request.path))
            answer(request)

        return handler

    def when(self, path: str) -> float:
        return next(t for t, p in self.at if p == path)


@pytest.fixture
def two_sites() -> Iterator[tuple[LocalServer, LocalServer]]:
    # Distinct ports are distinct origins, as distinct hosts are.
    with serve() as a, serve() as b:
        yield a, b


@pytest.fixture
def fetcher_and_pool() -> Iterator[tuple[Fetcher, OriginPool]]:
    with requests.Session() as session:
        session.trust_env = False
        holder: dict[str, Fetcher] = {}
        pool = OriginPool(
            SystemClock(), workers=1, due=lambda origin: holder["f"].politeness.due(origin)
        )
        fetcher = Fetcher(session, None, SystemClock(), per_origin_delay=DELAY, on_wait=pool.parked)
        holder["f"] = fetcher
        yield fetcher, pool
        pool.shutdown()


def test_a_worker_never_sleeps_on_one_origin_while_another_has_due_work(
    two_sites: tuple[LocalServer, LocalServer], fetcher_and_pool: tuple[Fetcher, OriginPool]
) -> None:
    """One running worker allowed. Site A's poll makes three requests (two politeness
    waits); site B's poll, queued after it, must not wait for them."""
    a, b = two_sites
    fetcher, pool = fetcher_and_pool
    timeline = Timeline()
    for path in ("/a1", "/a2", "/a3"):
        a.routes[path] = timeline.route()
    b.routes["/b1"] = timeline.route()

    def poll_a() -> None:
        for path in ("/a1", "/a2", "/a3"):
            fetcher.fetch(a.url(path), SETTINGS, allow_private=True)

    first = pool.submit(a.url("/"), poll_a)
    deadline = time.monotonic() + 5
    while not timeline.at and time.monotonic() < deadline:  # A's first request is made;
        time.sleep(0.01)  # its second now waits on A's delay
    second = pool.submit(
        b.url("/"), lambda: fetcher.fetch(b.url("/b1"), SETTINGS, allow_private=True)
    )
    second.result(timeout=10)
    first.result(timeout=10)
    # B went while A waited: before A's second request, not after A's whole poll.
    assert timeline.when("/b1") < timeline.when("/a2")
    assert timeline.when("/b1") - timeline.when("/a1") < DELAY * 0.7
    # ... and A's own delay was kept exactly.
    # (arrival times at the server jitter by scheduling under load: 0.1 s of slack)
    assert timeline.when("/a2") - timeline.when("/a1") >= DELAY - 0.1
    assert timeline.when("/a3") - timeline.when("/a2") >= DELAY - 0.1
    assert pool.stats()["parked"] == 0


def test_a_site_listed_many_times_takes_one_worker_and_keeps_its_delay(
    two_sites: tuple[LocalServer, LocalServer],
) -> None:
    """Ten sections of site A listed first, then B: B is polled at once, A's polls run
    one at a time, a delay apart, whatever the number of workers."""
    a, b = two_sites
    timeline = Timeline()
    with requests.Session() as session:
        session.trust_env = False
        holder: dict[str, Fetcher] = {}
        pool = OriginPool(SystemClock(), workers=8, due=lambda o: holder["f"].politeness.due(o))
        fetcher = Fetcher(session, None, SystemClock(), per_origin_delay=0.3, on_wait=pool.parked)
        holder["f"] = fetcher
        jobs = []
        for n in range(6):
            a.routes[f"/s{n}"] = timeline.route()
            url = a.url(f"/s{n}")
            jobs.append(
                pool.submit(url, lambda u=url: fetcher.fetch(u, SETTINGS, allow_private=True))
            )
        b.routes["/only"] = timeline.route()
        jobs.append(
            pool.submit(
                b.url("/only"), lambda: fetcher.fetch(b.url("/only"), SETTINGS, allow_private=True)
            )
        )
        for job in jobs:
            job.result(timeout=10)
        pool.shutdown()
    starts = sorted(t for t, p in timeline.at if p.startswith("/s"))
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert min(gaps) >= 0.3 - 0.1  # arrival times jitter by scheduling under load
    assert a.max_in_flight == 1
    assert timeline.when("/only") < starts[2]  # not behind A's five delays


def test_retry_after_fails_the_origins_next_poll_fast_instead_of_holding_a_worker(
    two_sites: tuple[LocalServer, LocalServer], fetcher_and_pool: tuple[Fetcher, OriginPool]
) -> None:
    a, _ = two_sites
    fetcher, pool = fetcher_and_pool
    a.routes["/busy"] = page(b"", status=503, retry_after="120")
    with pytest.raises(FetchError):
        pool.submit(
            a.url("/"), lambda: fetcher.fetch(a.url("/busy"), SETTINGS, allow_private=True)
        ).result(10)
    started = time.monotonic()
    with pytest.raises(FetchError, match="asked us to wait"):
        pool.submit(
            a.url("/"), lambda: fetcher.fetch(a.url("/busy"), SETTINGS, allow_private=True)
        ).result(10)
    # Failing fast: not the 120 s asked for (the bound leaves room for a loaded machine).
    assert time.monotonic() - started < 5.0
    assert a.count("/busy") == 1  # the second poll made no request


def test_a_job_already_queued_or_running_is_not_queued_twice() -> None:
    pool = OriginPool(SystemClock(), workers=2)
    release = threading.Event()
    runs: list[int] = []

    def job() -> int:
        release.wait(5)
        runs.append(1)
        return len(runs)

    first = pool.submit("http://127.0.0.1:1/", job, key="src")
    again = pool.submit("http://127.0.0.1:1/", job, key="src")
    assert again is first
    release.set()
    assert first.result(5) == 1
    assert pool.submit("http://127.0.0.1:1/", job, key="src").result(5) == 2  # done: new poll
    pool.shutdown()


def test_threads_follow_the_work_and_end_when_idle() -> None:
    pool = OriginPool(SystemClock(), workers=16, idle=0.2)
    gate = threading.Barrier(4, timeout=5)
    # Four origins with work: four threads, not sixteen.
    futures = [pool.submit(f"http://127.0.0.{n + 1}:1/", gate.wait) for n in range(4)]
    for future in futures:
        future.result(5)
    assert pool.stats()["threads"] <= 4
    deadline = time.monotonic() + 3
    while pool.stats()["threads"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.stats()["threads"] == 0
    pool.shutdown()


def test_one_origins_jobs_never_overlap_and_errors_reach_the_caller() -> None:
    pool = OriginPool(SystemClock(), workers=8)
    busy = threading.Lock()
    overlaps: list[bool] = []

    def job(n: int) -> int:
        overlaps.append(not busy.acquire(blocking=False))
        time.sleep(0.02)
        busy.release()
        if n == 3:
            raise ValueError("boom")
        return n

    futures = [pool.submit("http://127.0.0.1:1/x", lambda n=n: job(n)) for n in range(6)]
    with pytest.raises(ValueError, match="boom"):
        futures[3].result(5)
    assert [f.result(5) for i, f in enumerate(futures) if i != 3] == [0, 1, 2, 4, 5]
    assert not any(overlaps)
    pool.shutdown()


def test_shutdown_cancels_queued_jobs() -> None:
    pool = OriginPool(SystemClock(), workers=1)
    release = threading.Event()
    running = pool.submit("http://127.0.0.1:1/", lambda: release.wait(5))
    queued = pool.submit("http://127.0.0.1:1/", lambda: None)
    time.sleep(0.1)
    threading.Timer(0.2, release.set).start()
    pool.shutdown(wait=True)
    assert running.result(1) is True
    assert queued.cancelled()
