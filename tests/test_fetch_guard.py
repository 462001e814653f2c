"""Where the fetcher may go, beyond the basics of test_fetch: IPv6 transition forms, cloud
metadata addresses, reused connections, env proxies, the check before connecting (issue 15)."""

from __future__ import annotations

import pytest

from newswatch.errors import BlockedURLError
from newswatch.fetch import check_url, is_private_url
from newswatch.fetch.urlsafety import address_problem


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
