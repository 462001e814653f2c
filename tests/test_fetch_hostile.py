"""Broken and hostile servers: each costs one FetchError, quickly, with bounded memory."""

from __future__ import annotations

import socket
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
import requests

from newswatch.clock import SystemClock
from newswatch.errors import BlockedURLError, FetchError
from newswatch.fetch import Fetcher, FetchSettings
from tests.servers_hostile import (
    Handler,
    LocalServer,
    drip,
    drip_headers,
    endless,
    gzip_bomb,
    page,
    redirect,
    reset,
    send,
    serve,
)

FAST = FetchSettings(timeout=1.0, connect_timeout=0.5, max_bytes=200_000)


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    session = requests.Session()
    session.trust_env = False
    yield Fetcher(session, None, SystemClock(), per_origin_delay=0)
    session.close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as local:
        yield local


def _hops(server: LocalServer, count: int) -> dict[str, Handler]:
    routes = {f"/hop{i}": redirect(f"/hop{i + 1}") for i in range(count)}
    routes[f"/hop{count}"] = page(b"<p>arrived</p>")
    return routes


@pytest.mark.parametrize(
    ("handler", "reason"),
    [
        (drip(interval=0.3), "time"),
        (drip_headers(interval=0.3), "time"),
        (endless(), "cap"),
        (page(b"x" * 300_000), "cap"),
        (page(b"x" * 1000, Content_Length="300000"), "cap"),
        (gzip_bomb(50_000_000), "cap"),
        (reset, "connection"),
        (page(b"this is not gzip" * 100, Content_Encoding="gzip"), "reading body failed"),
        (page(b"oops", 500), "HTTP 500"),
        (page(b"gone", 404), "HTTP 404"),
        (redirect("/x"), "redirect loop"),
    ],
    ids=[
        "slow-drip",
        "slow-headers",
        "endless",
        "over-cap",
        "declared-over-cap",
        "gzip-bomb",
        "reset",
        "corrupt-gzip",
        "500",
        "404",
        "redirect-loop",
    ],
)
def test_hostile_answer_costs_one_bounded_error(
    fetcher: Fetcher, server: LocalServer, handler: Handler, reason: str
) -> None:
    server.routes["/x"] = handler
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url("/x"), FAST, allow_private=True)
    assert reason in str(caught.value)
    assert time.monotonic() - started < 2.5


def _bomb(decoded: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * 1_000_000
    return b"".join(packer.compress(zeros) for _ in range(decoded // len(zeros))) + packer.flush()


BOMB_200MB = _bomb(200_000_000)


@pytest.mark.parametrize(
    "handler",
    [page(BOMB_200MB, Content_Encoding="gzip"), endless(seconds=5.0)],
    ids=["gzip-bomb-200MB", "endless"],
)
def test_memory_stays_bounded_by_the_cap(
    fetcher: Fetcher, server: LocalServer, handler: Handler
) -> None:
    server.routes["/x"] = handler
    settings = FetchSettings(timeout=2.0, max_bytes=5_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="cap"):
            fetcher.fetch(server.url("/x"), settings, allow_private=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000


def test_five_redirects_are_followed_six_are_not(fetcher: Fetcher, server: LocalServer) -> None:
    server.routes.update(_hops(server, 6))
    result = fetcher.fetch(server.url("/hop1"), FAST, allow_private=True)
    assert result.url == server.url("/hop6")
    assert result.body == b"<p>arrived</p>"
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.fetch(server.url("/hop0"), FAST, allow_private=True)


def test_cookie_set_on_a_redirect_is_sent_on_the_next_hop_only(
    fetcher: Fetcher, server: LocalServer
) -> None:
    def check(request: BaseHTTPRequestHandler) -> None:
        if "consent=yes" in (request.headers.get("Cookie") or ""):
            send(request, 200, b"article")
        else:
            send(request, 302, b"", {"Location": "/set"})

    server.routes["/set"] = page(b"", 302, Location="/check", Set_Cookie="consent=yes; Path=/")
    server.routes["/check"] = check
    assert fetcher.fetch(server.url("/check"), FAST, allow_private=True).body == b"article"
    assert len(fetcher.session.cookies) == 0
    with pytest.raises(FetchError, match="redirect loop"):
        # A new fetch starts without the cookie: the site asks again (and loops here).
        server.routes["/set"] = redirect("/check")
        fetcher.fetch(server.url("/check"), FAST, allow_private=True)


@pytest.mark.parametrize("content_type", ["application/pdf", "image/jpeg", "video/mp4"])
def test_article_that_is_not_html_is_refused_before_download(
    fetcher: Fetcher, server: LocalServer, content_type: str
) -> None:
    server.routes["/a"] = page(b"%PDF-1.4" + b"\0" * 1000, Content_Type=content_type)
    with pytest.raises(FetchError, match="not an HTML page"):
        fetcher.fetch(server.url("/a"), FAST, allow_private=True, expect_html=True)


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "file:///etc/passwd",
        "ftp://127.0.0.1/",
        "gopher://127.0.0.1:70/",
    ],
)
def test_redirect_out_of_bounds_is_blocked_even_for_a_private_source(
    fetcher: Fetcher, server: LocalServer, target: str
) -> None:
    server.routes["/r"] = redirect(target)
    with pytest.raises(BlockedURLError):
        fetcher.fetch(server.url("/r"), FAST, allow_private=True)


def test_private_address_refused_unless_the_source_lives_there(
    fetcher: Fetcher, server: LocalServer
) -> None:
    server.routes["/ok"] = page(b"fine")
    with pytest.raises(BlockedURLError, match=r"private address 127\.0\.0\.1"):
        fetcher.fetch(server.url("/ok"), FAST)
    assert server.hits == []
    assert fetcher.fetch(server.url("/ok"), FAST, allow_private=True).body == b"fine"


@pytest.mark.parametrize("host", [socket.gethostname(), "0x7f000001", "2130706433"])
def test_names_resolving_to_private_addresses_are_blocked_at_connect(
    fetcher: Fetcher, server: LocalServer, host: str
) -> None:
    """The URL check needs no DNS; the address actually connected to is what counts."""
    try:
        address = socket.gethostbyname(host)
    except OSError:
        pytest.skip(f"{host} does not resolve here")
    if address != "127.0.0.1":
        pytest.skip(f"{host} resolves to {address}, not where the test server listens")
    server.routes["/ok"] = page(b"internal")
    with pytest.raises(BlockedURLError, match="private address"):
        fetcher.fetch(f"http://{host}:{server.port}/ok", FAST)
    assert server.hits == []
    assert fetcher.fetch(f"http://{host}:{server.port}/ok", FAST, allow_private=True).body == (
        b"internal"
    )


def test_public_source_redirecting_into_private_network_is_blocked(fetcher: Fetcher) -> None:
    """A 'public' site (reached through a local proxy) redirects to a private address."""
    public = "http://93.184.216.34/feed.xml"
    with serve() as target, serve() as proxy:
        target.routes["/secret"] = page(b"internal admin")
        proxy.routes[public] = redirect(target.url("/secret"))
        proxy.routes["http://93.184.216.34/robots.txt"] = page(b"", 404)
        settings = FetchSettings(timeout=1.0, proxy=proxy.base)
        with pytest.raises(BlockedURLError, match="private address"):
            fetcher.fetch(public, settings)
        assert [path for path, _ in proxy.hits][-1] == public
        assert target.hits == []


def test_unreachable_port_is_a_fetch_error(fetcher: Fetcher) -> None:
    with serve() as gone:
        url = gone.url("/")
    with pytest.raises(FetchError, match="connection failed"):
        fetcher.fetch(url, FAST, allow_private=True)
