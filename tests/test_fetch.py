"""The fetcher's manners: conditional GET, per-origin limits, Retry-After, robots.txt,
proxies and headers, settings resolution, URL safety."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from newswatch.clock import FakeClock, SystemClock
from newswatch.config.schema import Config, Defaults, SourceConfig
from newswatch.errors import BlockedURLError, FetchError
from newswatch.fetch import Fetcher, FetchSettings, check_url, is_private_url
from newswatch.store.fetchstate import FetchStateRepo
from newswatch.store.sqlite import SQLiteDatabase as Database
from tests.servers_hostile import (
    LocalServer,
    Socks5Proxy,
    conditional,
    drip,
    drip_headers,
    page,
    serve,
)

SETTINGS = FetchSettings(timeout=2.0, connect_timeout=1.0)


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        s.trust_env = False
        yield s


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[FetchStateRepo]:
    db = Database(tmp_path / "state.db")
    yield FetchStateRepo(db)
    db.close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as local:
        yield local


FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
MODIFIED = "Mon, 05 Jan 2026 10:00:00 GMT"


def test_conditional_get_turns_the_second_poll_into_a_304(
    session: requests.Session, repo: FetchStateRepo, server: LocalServer
) -> None:
    server.routes["/feed"] = conditional(FEED, last_modified=MODIFIED)
    fetcher = Fetcher(session, repo, FakeClock(), per_origin_delay=0)
    first = fetcher.fetch(server.url("/feed"), SETTINGS, conditional=True, allow_private=True)
    second = fetcher.fetch(server.url("/feed"), SETTINGS, conditional=True, allow_private=True)
    assert (first.status, first.not_modified, first.body) == (200, False, FEED)
    assert (second.status, second.not_modified, second.body) == (304, True, b"")
    sent = [headers for path, headers in server.hits if path == "/feed"]
    assert "If-None-Match" not in sent[0]
    assert sent[1]["If-None-Match"] == '"v1"'
    assert sent[1]["If-Modified-Since"] == MODIFIED
    assert repo.validators(server.url("/feed")).etag == '"v1"'


def test_unconditional_fetch_sends_no_validators(
    session: requests.Session, repo: FetchStateRepo, server: LocalServer
) -> None:
    server.routes["/feed"] = conditional(FEED, last_modified=MODIFIED)
    fetcher = Fetcher(session, repo, FakeClock(), per_origin_delay=0)
    for _ in range(2):
        assert fetcher.fetch(server.url("/feed"), SETTINGS, allow_private=True).status == 200


def test_minimum_delay_applies_per_origin(session: requests.Session) -> None:
    clock = FakeClock()
    fetcher = Fetcher(session, None, clock, per_origin_delay=5.0)
    with serve(host="127.0.0.1") as one, serve(host="127.0.0.2") as two:
        for local in (one, two):
            local.routes["/"] = page(b"ok")
        starts = []
        for local in (one, two, one, one):
            fetcher.fetch(local.url("/"), SETTINGS, allow_private=True)
            starts.append(clock.monotonic())
        # one: robots.txt at 0, page at 5. two: robots.txt at 5 (another origin, no
        # wait), page at 10. one again: its 5 s passed meanwhile, then 15.
        assert starts == [5.0, 10.0, 10.0, 15.0]


def test_a_shutdown_cuts_the_wait_for_an_origin_short(session: requests.Session) -> None:
    stopping = threading.Event()

    @contextmanager
    def shut_down_while_waiting() -> Iterator[None]:
        # The fetcher is about to wait the origin's delay: the shutdown comes during that
        # wait (from another thread), whenever the robots.txt fetch before it finished.
        threading.Timer(0.05, stopping.set).start()
        yield

    fetcher = Fetcher(
        session,
        None,
        SystemClock(),
        per_origin_delay=30.0,
        stopping=stopping,
        on_wait=shut_down_while_waiting,
    )
    with serve(host="127.0.0.1") as local:
        local.routes["/"] = page(b"ok")
        local.routes["/robots.txt"] = page(b"", status=404)
        # robots.txt first, so the page would wait 30 s for the origin's delay.
        started = time.monotonic()
        with pytest.raises(FetchError, match="shutting down"):
            fetcher.fetch(local.url("/"), SETTINGS, allow_private=True)
        assert time.monotonic() - started < 2.0
        assert local.count("/robots.txt") == 1 and local.count("/") == 0


def test_a_shutdown_cuts_requests_in_flight_off(session: requests.Session) -> None:
    fetcher = Fetcher(session, None, SystemClock(), per_origin_delay=0)
    patient = FetchSettings(timeout=30.0, connect_timeout=1.0)
    failures: list[BaseException] = []

    def fetch(url: str) -> None:
        try:
            fetcher.fetch(url, patient, allow_private=True)
        except FetchError as exc:
            failures.append(exc)

    with serve(host="127.0.0.1") as local:
        local.routes["/"] = drip(interval=0.2, total=1000)  # 200 s of body
        local.routes["/robots.txt"] = page(b"", status=404)
        worker = threading.Thread(target=fetch, args=(local.url("/"),))
        worker.start()
        # Synchronise on the server having the page request (robots.txt is done and the
        # request is in flight), not on a guess of how long that takes under load.
        deadline = time.monotonic() + 10
        while local.count("/") == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert local.count("/") == 1
        started = time.monotonic()
        fetcher.abort_requests()
        worker.join(timeout=5)
        assert not worker.is_alive()
        assert time.monotonic() - started < 2.0
        assert len(failures) == 1


@pytest.mark.parametrize(
    ("hosts", "expected"), [(("127.0.0.1",), 1), (("127.0.0.1", "127.0.0.3"), 2)]
)
def test_requests_in_flight_are_limited_per_origin(
    session: requests.Session, hosts: tuple[str, ...], expected: int
) -> None:
    def slow(request: object) -> None:
        time.sleep(0.15)
        page(b"ok")(request)  # type: ignore[arg-type]

    fetcher = Fetcher(session, None, SystemClock(), per_origin_delay=0)
    settings = FetchSettings(timeout=3.0, robots=False)
    servers = [serve(host=host) for host in hosts]
    locals_ = [s.__enter__() for s in servers]
    try:
        for local in locals_:
            local.routes["/"] = slow
        threads = [
            threading.Thread(
                target=fetcher.fetch,
                args=(local.url("/"), settings),
                kwargs={"allow_private": True},
            )
            for local in locals_
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(local.max_in_flight == 1 for local in locals_)
        assert sum(local.count("/") for local in locals_) == 3 * expected
    finally:
        for s in servers:
            s.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("status", "retry_after", "seconds"),
    [(429, "120", 120.0), (503, "Thu, 01 Jan 2026 00:01:00 GMT", 60.0), (429, None, None)],
)
def test_retry_after_is_reported_and_honoured_for_the_origin(
    session: requests.Session,
    server: LocalServer,
    status: int,
    retry_after: str | None,
    seconds: float | None,
) -> None:
    clock = FakeClock()  # 2026-01-01 00:00:00 UTC
    headers = {"Retry_After": retry_after} if retry_after else {}
    server.routes["/busy"] = page(b"slow down", status, **headers)
    server.routes["/other"] = page(b"fine")
    fetcher = Fetcher(session, None, clock, per_origin_delay=0)
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url("/busy"), SETTINGS, allow_private=True)
    assert (caught.value.status, caught.value.retry_after) == (status, seconds)
    if seconds is None:
        return
    with pytest.raises(FetchError) as waiting:
        fetcher.fetch(server.url("/other"), SETTINGS, allow_private=True)
    assert server.count("/other") == 0
    assert waiting.value.retry_after == pytest.approx(seconds)
    clock.advance(seconds + 1)
    assert fetcher.fetch(server.url("/other"), SETTINGS, allow_private=True).body == b"fine"


ROBOTS = b"User-agent: *\nDisallow: /private/\n\nUser-agent: badbot\nDisallow: /\n"


@pytest.mark.parametrize(
    ("robots", "path", "settings", "allowed"),
    [
        (page(ROBOTS), "/news/1", SETTINGS, True),
        (page(ROBOTS), "/private/1", SETTINGS, False),
        (page(ROBOTS), "/news/1", FetchSettings(user_agent="BadBot/1.0"), False),
        (page(ROBOTS), "/private/1", FetchSettings(robots=False), True),
        (page(b"", 404), "/private/1", SETTINGS, True),
        (page(b"", 500), "/news/1", SETTINGS, False),
    ],
    ids=["allowed", "disallowed", "agent-specific", "opt-out", "no-robots", "robots-5xx"],
)
def test_robots_txt(
    session: requests.Session,
    server: LocalServer,
    robots: object,
    path: str,
    settings: FetchSettings,
    allowed: bool,
) -> None:
    server.routes["/robots.txt"] = robots  # type: ignore[assignment]
    server.routes[path] = page(b"article")
    fetcher = Fetcher(session, None, FakeClock(), per_origin_delay=0)
    if allowed:
        assert fetcher.fetch(server.url(path), settings, allow_private=True).body == b"article"
    else:
        with pytest.raises(FetchError, match=r"robots\.txt"):
            fetcher.fetch(server.url(path), settings, allow_private=True)
        assert server.count(path) == 0


def test_robots_txt_is_fetched_once_per_origin(
    session: requests.Session, server: LocalServer
) -> None:
    server.routes["/robots.txt"] = page(ROBOTS)
    server.routes["/a"] = page(b"a")
    fetcher = Fetcher(session, None, FakeClock(), per_origin_delay=0)
    for _ in range(3):
        fetcher.fetch(server.url("/a"), SETTINGS, allow_private=True)
    assert server.count("/robots.txt") == 1


def test_robots_crawl_delay_stretches_the_origin_delay(
    session: requests.Session, server: LocalServer
) -> None:
    server.routes["/robots.txt"] = page(b"User-agent: *\nCrawl-delay: 7\n")
    server.routes["/a"] = page(b"a")
    clock = FakeClock()
    fetcher = Fetcher(session, None, clock, per_origin_delay=1.0)
    starts = []
    for _ in range(3):
        fetcher.fetch(server.url("/a"), SETTINGS, allow_private=True)
        starts.append(clock.monotonic())
    # robots.txt at 0 (then 1 s, our own delay), the page at 1; the next ones 7 s apart.
    assert starts == [1.0, 8.0, 15.0]


def test_robots_txt_is_fetched_again_after_a_day(
    session: requests.Session, server: LocalServer
) -> None:
    server.routes["/robots.txt"] = page(ROBOTS)
    server.routes["/a"] = page(b"a")
    clock = FakeClock()
    fetcher = Fetcher(session, None, clock, per_origin_delay=0)
    fetcher.fetch(server.url("/a"), SETTINGS, allow_private=True)
    clock.advance(23 * 3600)
    fetcher.fetch(server.url("/a"), SETTINGS, allow_private=True)
    assert server.count("/robots.txt") == 1
    clock.advance(2 * 3600)
    fetcher.fetch(server.url("/a"), SETTINGS, allow_private=True)
    assert server.count("/robots.txt") == 2


def test_proxy_and_headers_are_used(session: requests.Session) -> None:
    with serve() as proxy:
        proxy.routes["http://news.invalid/feed"] = page(b"via proxy")
        proxy.routes["http://news.invalid/robots.txt"] = page(b"", 404)
        settings = FetchSettings(
            proxy=proxy.base, headers={"X-Api-Key": "k1"}, user_agent="nw-test/1"
        )
        result = Fetcher(session, None, FakeClock(), per_origin_delay=0).fetch(
            "http://news.invalid/feed", settings
        )
        assert result.body == b"via proxy"
        _, headers = proxy.hits[-1]
        assert (headers["X-Api-Key"], headers["User-Agent"]) == ("k1", "nw-test/1")


def test_socks5_proxy_is_used(session: requests.Session, server: LocalServer) -> None:
    server.routes["/feed"] = page(b"via socks")
    proxy = Socks5Proxy()
    try:
        settings = FetchSettings(timeout=2.0, proxy=proxy.url)
        fetcher = Fetcher(session, None, FakeClock(), per_origin_delay=0)
        result = fetcher.fetch(f"http://news.invalid:{server.port}/feed", settings)
    finally:
        proxy.close()
    assert result.body == b"via socks"
    assert ("news.invalid", server.port) in proxy.targets


def test_deadline_holds_through_a_socks5_proxy(
    session: requests.Session, server: LocalServer
) -> None:
    server.routes["/slow"] = drip_headers(interval=0.3)
    proxy = Socks5Proxy()
    started = time.monotonic()
    try:
        settings = FetchSettings(timeout=1.0, proxy=proxy.url, robots=False)
        fetcher = Fetcher(session, None, SystemClock(), per_origin_delay=0)
        with pytest.raises(FetchError, match="total time"):
            fetcher.fetch(f"http://news.invalid:{server.port}/slow", settings)
    finally:
        proxy.close()
    assert time.monotonic() - started < 2.5


def test_settings_for_source_fall_back_to_defaults() -> None:
    config = Config(
        defaults=Defaults(timeout=timedelta(seconds=30), user_agent="ua/1", headers={"A": "1"}),
        sources=[
            SourceConfig(
                name="a", feed="http://x.example/f", timeout=timedelta(seconds=5), robots=False
            ),
            SourceConfig(
                name="b",
                feed="http://x.example/g",
                proxy="socks5://127.0.0.1:9050",
                headers={"B": "2", "A": "3"},
            ),
        ],
    )
    a = FetchSettings.for_source(config, config.source("a"))
    b = FetchSettings.for_source(config, config.source("b"))
    assert (a.timeout, a.connect_timeout, a.robots, a.user_agent) == (5.0, 5.0, False, "ua/1")
    assert (b.timeout, b.connect_timeout, b.proxy, dict(b.headers)) == (
        30.0,
        10.0,
        "socks5://127.0.0.1:9050",
        {"A": "3", "B": "2"},
    )
    assert dict(a.headers) == {"A": "1"}


@pytest.mark.parametrize(
    ("url", "private"),
    [
        ("http://127.0.0.1:8080/", True),
        ("http://localhost/", True),
        ("http://10.1.2.3/", True),
        ("http://192.168.0.1/", True),
        ("http://169.254.169.254/", True),
        ("http://[::1]/", True),
        ("http://[::ffff:10.0.0.1]/", True),
        ("http://93.184.216.34/", False),
        ("https://www.aljazeera.com/xml/rss/all.xml", False),
    ],
)
def test_is_private_url(url: str, private: bool) -> None:
    assert is_private_url(url) is private


@pytest.mark.parametrize(
    ("url", "allow_private", "blocked"),
    [
        ("http://127.0.0.1/", False, True),
        ("http://127.0.0.1/", True, False),
        ("http://169.254.169.254/", True, True),
        ("javascript:alert(1)", True, True),
        ("http://93.184.216.34/", False, False),
        ("http://localhost:8080/", False, True),
        ("http://localhost:8080/", True, False),
    ],
)
def test_check_url(url: str, allow_private: bool, blocked: bool) -> None:
    if blocked:
        with pytest.raises(BlockedURLError):
            check_url(url, allow_private=allow_private)
    else:
        check_url(url, allow_private=allow_private)
