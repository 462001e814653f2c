"""Where newswatch may go: only http(s), and not into private networks unless told.

A feed, a listing page or a redirect can name any URL. Without this check a hostile
source could point newswatch at a cloud metadata endpoint (169.254.169.254) or at
services on the machine's own network. Sources the user configured on a private address
(the demo, an intranet feed) pass ``allow_private=True``; link-local addresses stay
blocked even then, since no news lives at a metadata endpoint.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from newswatch.errors import BlockedURLError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOWED_SCHEMES = frozenset({"http", "https"})
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def _literal(host: str) -> Address | None:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped if mapped is not None else address


def _is_link_local(address: Address) -> bool:
    return address.is_link_local


def _is_private(address: Address) -> bool:
    return not address.is_global or address.is_link_local


def is_private_url(url: str) -> bool:
    """True when the URL's host is loopback, private or link-local — judged without DNS.

    The pipeline uses this on a source's own URL to decide ``allow_private``.
    """
    host = (urlsplit(url).hostname or "").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    address = _literal(host)
    return address is not None and _is_private(address)


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to; empty when it does not resolve."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    found: list[Address] = []
    for info in infos:
        address = _literal(str(info[4][0]).split("%")[0])
        if address is not None:
            found.append(address)
    return found


def check_url(url: str, *, allow_private: bool = False, via_proxy: bool = False) -> None:
    """Raise :class:`BlockedURLError` unless newswatch may fetch ``url``.

    Through a proxy the proxy resolves the name, so only literal addresses are judged.
    A name that does not resolve is let through: the connection fails on its own.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise BlockedURLError(url, f"scheme {parts.scheme or '(none)'!r} is not http(s)")
    host = (parts.hostname or "").lower()
    if not host:
        raise BlockedURLError(url, "no host in URL")
    if host in LOCAL_NAMES and not allow_private:
        raise _blocked(url, "refusing a loopback host")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise BlockedURLError(url, "invalid port") from None
    literal = _literal(host)
    addresses = [literal] if literal is not None else [] if via_proxy else resolve(host, port)
    for address in addresses:
        if _is_link_local(address):
            raise BlockedURLError(url, f"refusing link-local address {address}")
        if _is_private(address) and not allow_private:
            raise _blocked(url, f"refusing private address {address}")


def _blocked(url: str, reason: str) -> BlockedURLError:
    error = BlockedURLError(url, reason)
    error.hint = "only a source configured on a private address may lead to private addresses"
    return error
