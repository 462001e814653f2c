"""Where newswatch may go: only http(s), and not into private networks unless told.

A feed, a listing page or a redirect can name any URL. Without this check a hostile
source could point newswatch at a cloud metadata endpoint (169.254.169.254) or at
services on the machine's own network. Sources the user configured on a private address
(the demo, an intranet feed) pass ``allow_private=True``; link-local addresses stay
blocked even then, since no news lives at a metadata endpoint, and so are the cloud
metadata addresses that are not link-local (``ALWAYS_DENIED``).

An IPv6 address that carries an IPv4 one (NAT64 ``64:ff9b::/96``, IPv4-compatible
``::a.b.c.d``, 6to4 ``2002::/16``, Teredo) is judged by the IPv4 address inside it too:
``64:ff9b::7f00:1`` reaches 127.0.0.1 through a NAT64 gateway.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from newswatch.errors import BlockedURLError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOWED_SCHEMES = frozenset({"http", "https"})
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
# Cloud metadata services outside link-local space (AWS's IPv6 endpoint, Alibaba Cloud's):
# refused even for a private source. The systemd unit denies them too (IPAddressDeny=).
ALWAYS_DENIED = frozenset(ipaddress.ip_address(a) for a in ("fd00:ec2::254", "100.100.100.200"))
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _literal(host: str) -> Address | None:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped if mapped is not None else address


def _embedded_ipv4(address: Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 transition address leads to."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found = [address.sixtofour] if address.sixtofour else []
    if address.teredo:
        found.extend(address.teredo)
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if any(address in net for net in _NAT64) or (
        address in _IPV4_COMPATIBLE and int(address) > 1  # not :: or ::1 (judged as is)
    ):
        found.append(low32)
    return found


def _is_link_local(address: Address) -> bool:
    return address.is_link_local or any(a.is_link_local for a in _embedded_ipv4(address))


def _is_private(address: Address) -> bool:
    if any(_is_private(inner) for inner in _embedded_ipv4(address)):
        return True
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
    if parsed in ALWAYS_DENIED:
        return f"refusing cloud metadata address {parsed}"
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
    if "link-local" in reason or "metadata" in reason:
        return error
    error.hint = "only a source configured on a private address may lead to private addresses"
    return error
