"""Where newswatch may go: only http(s), and not into private networks unless told.

A feed, a listing page or a redirect can name any URL. Without this check a hostile
source could point newswatch at a cloud metadata endpoint (169.254.169.254) or at
services on the machine's own network. Sources the user configured on a private address
(the demo, an intranet feed) pass ``allow_private=True``; link-local addresses stay
blocked even then, since no news lives at a metadata endpoint.
"""

from __future__ import annotations

import ipaddress
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


def address_problem(address: str, *, allow_private: bool) -> str | None:
    """Why newswatch must not talk to this IP address; None when it may."""
    parsed = _literal(address.split("%")[0])
    if parsed is None:
        return None
    if _is_link_local(parsed):
        return f"refusing link-local address {parsed}"
    if _is_private(parsed) and not allow_private:
        return f"refusing private address {parsed}"
    return None


def check_url(url: str, *, allow_private: bool = False) -> None:
    """Raise :class:`BlockedURLError` unless newswatch may fetch ``url``.

    Judged without DNS: the scheme, local host names and literal addresses. Names are
    judged by the address actually connected to (see ``guard``), which also defeats DNS
    rebinding; through a proxy, which resolves names itself, only literals are judged.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise BlockedURLError(url, f"scheme {parts.scheme or '(none)'!r} is not http(s)")
    host = (parts.hostname or "").lower()
    if not host:
        raise BlockedURLError(url, "no host in URL")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise BlockedURLError(url, "invalid port") from None
    if (host in LOCAL_NAMES or host.endswith(".localhost")) and not allow_private:
        raise blocked(url, "refusing a loopback host")
    literal = _literal(host)
    if literal is not None:
        problem = address_problem(str(literal), allow_private=allow_private)
        if problem is not None:
            raise blocked(url, problem)


def blocked(url: str, reason: str) -> BlockedURLError:
    """The error for a refused URL, with a hint unless the target is never allowed."""
    error = BlockedURLError(url, reason)
    if "link-local" in reason:
        return error
    error.hint = "only a source configured on a private address may lead to private addresses"
    return error
