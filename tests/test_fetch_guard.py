"""Where the fetcher may go, beyond the basics of test_fetch: IPv6 transition forms, cloud
metadata addresses, reused connections, env proxies, the check before connecting (issue 15)."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import requests

from newswatch.clock import SystemClock
from newswatch.commands.inputs import _from_url
from newswatch.errors import BlockedURLError, FetchError
from newswatch.fetch import Fetcher, FetchResult, FetchSettings, check_url, is_private_url
from newswatch.fetch.guard import Watchdog, install
from newswatch.fetch.urlsafety import address_problem
from tests.servers_hostile import page, serve


@pytest.mark.parametrize(
    "host",
    [
        "[64:ff9b::7f00:1]",  # NAT64 of 127.0.0.1
        "[64:ff9b::a00:1]",  # NAT64 of 10.0.0.1
        "[64:ff9b:1::a9fe:a9fe]",  # local-use NAT64 of 169.254.169.254
        "[::127.0.0.1]",  # IPv4-compatible
        "[::7f00:1]",
        "[2002:7f00:1::]",  # 6to4 of 127.0.0.1
        "[2002:a9fe:a9fe::1]",  # 6to4 of 169.254.169.254
        "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  # Teredo, client 127.0.0.1
    ],
)
def test_ipv6_transition_forms_are_judged_by_the_ipv4_inside(host: str) -> None:
    url = f"http://{host}/feed"
    assert is_private_url(url)
    with pytest.raises(BlockedURLError):
        check_url(url)


@pytest.mark.parametrize("host", ["[64:ff9b::5db8:d822]", "[2002:5db8:d822::1]"])
def test_transition_forms_of_public_addresses_stay_public(host: str) -> None:
    check_url(f"http://{host}/feed")  # 93.184.216.34 inside


@pytest.mark.parametrize(
    "address", ["fd00:ec2::254", "100.100.100.200", "169.254.169.254", "64:ff9b::a9fe:a9fe"]
)
def test_cloud_metadata_addresses_are_refused_even_for_a_private_source(address: str) -> None:
    assert address_problem(address, allow_private=True) is not None
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(BlockedURLError):
        check_url(f"http://{host}/latest/meta-data/", allow_private=True)


def test_other_private_addresses_stay_allowed_for_a_private_source() -> None:
    for address in ("10.0.0.5", "fd00:1::5", "100.64.0.1", "127.0.0.1"):
        assert address_problem(address, allow_private=True) is None


class _Recording(Fetcher):
    """Records how the command asked; answers nothing (no public server in tests)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, bool]] = []

    def fetch(self, url: str, settings: FetchSettings, **options: Any) -> FetchResult:
        self.asked.append((url, bool(options.get("allow_private"))))
        raise FetchError(url, "not fetched in this test")


def test_extract_allows_private_hops_only_for_a_private_url() -> None:
    recording = _Recording()
    for url in ("https://news.example.org/a", "http://127.0.0.1:8080/a", "http://10.0.0.5/a"):
        assert _from_url(recording, url).error == "not fetched in this test"
    assert recording.asked == [
        ("https://news.example.org/a", False),
        ("http://127.0.0.1:8080/a", True),
        ("http://10.0.0.5/a", True),
    ]


def _refuse_loopback(address: str) -> str | None:
    return "refusing loopback" if address.startswith("127.") else None


def test_a_kept_alive_connection_is_judged_again_for_each_request() -> None:
    with serve({"/a": page(b"ok")}) as server, requests.Session() as session:
        install(session)
        watchdog = Watchdog()
        with watchdog.watch(lambda: 5.0, lambda _: None):  # a private source: allowed
            assert session.get(server.url("/a"), timeout=5).text == "ok"
        # A public source, same pool.
        with (
            watchdog.watch(lambda: 5.0, _refuse_loopback) as watch,
            pytest.raises(requests.RequestException),
        ):
            session.get(server.url("/a"), timeout=5)
        assert watch.blocked == "refusing loopback"
        assert server.count("/a") == 1


def test_a_refused_address_is_not_even_connected_to() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener, requests.Session() as session:
        install(session)
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/"
        with (
            Watchdog().watch(lambda: 5.0, _refuse_loopback) as watch,
            pytest.raises(requests.RequestException),
        ):
            session.get(url, timeout=5)
        assert watch.blocked == "refusing loopback"
        listener.settimeout(0.3)
        with pytest.raises(TimeoutError):  # no TCP connection, no TLS hello reached it
            listener.accept()


def test_proxies_from_the_environment_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    with serve() as proxy, serve({"/feed": page(b"direct")}) as origin:
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
            monkeypatch.setenv(name, proxy.base)
        monkeypatch.setenv("NO_PROXY", "")
        with requests.Session() as session:
            fetcher = Fetcher(session, None, SystemClock(), per_origin_delay=0)
            settings = FetchSettings(timeout=5.0, robots=False)
            result = fetcher.fetch(origin.url("/feed"), settings, allow_private=True)
        assert result.body == b"direct"
        assert proxy.hits == []
