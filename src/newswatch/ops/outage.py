"""When sources fail for one shared reason (no network, no DNS, a dead proxy), say so once,
in words, instead of leaving an operator to read the same errno on every source's line.

Also: an error's cause before its URL, so a cut-off column still shows the cause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the store's import costs ~0.1 s; `once --help` need not pay it
    from newswatch.store import SourceState

# (label, what it means for the operator, markers in the error text), first match wins.
_CAUSES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("proxy", "the proxy fails (check the sources' proxy: setting)",
     ("proxyerror", "proxy", "socks")),
    ("dns", "DNS lookups fail (no network, or no DNS server reachable from this machine)",
     ("name or service not known", "temporary failure in name resolution",
      "no address associated with hostname", "nodename nor servname", "getaddrinfo",
      "nameresolutionerror", "errno -2", "errno -3")),
    ("unreachable", "the network is unreachable (is this machine offline?)",
     ("network is unreachable", "no route to host", "errno 101", "errno 113")),
    ("refused", "connections are refused (a firewall, or nothing listens at those addresses)",
     ("connection refused", "errno 111")),
    ("timeout", "requests time out (a slow or filtered network)",
     ("timed out", "timeout", "time allowed for one request")),
    ("tls", "TLS handshakes fail (a proxy or firewall inspecting HTTPS, or a wrong clock)",
     ("ssl", "certificate")),
)  # fmt: skip
_URL_FIRST = re.compile(r"^([a-z][a-z0-9+.-]*://\S+?): (.+)$", re.I | re.S)


def classify(error: str) -> str | None:
    """The shared-cause label of an error text, or None when it is the source's own.
    Only the reason is read, not the URL before it (``https://ssl.example.org/…``)."""
    found = _URL_FIRST.match(error)
    text = (found.group(2) if found else error).lower()
    for label, _, markers in _CAUSES:
        if any(marker in text for marker in markers):
            return label
    return None


def explain(label: str) -> str:
    return next(meaning for name, meaning, _ in _CAUSES if name == label)


def cause_first(error: str) -> str:
    """``URL: reason`` -> ``reason — URL``: the reason is what a narrow column must show."""
    found = _URL_FIRST.match(error)
    return f"{found.group(2)} — {found.group(1)}" if found else error


def failing(states: Iterable[SourceState], enabled: Sequence[str]) -> list[SourceState]:
    """The enabled sources whose last poll failed."""
    wanted = set(enabled)
    return [s for s in states if s.name in wanted and s.consecutive_failures > 0]


def shared_cause(errors: Sequence[str]) -> str | None:
    """The label every error shares, when there are at least two and they all do."""
    labels = {classify(e) for e in errors}
    if len(errors) < 2 or len(labels) != 1:
        return None
    return labels.pop()


def outage_summary(states: Sequence[SourceState], enabled: Sequence[str]) -> str | None:
    """One line when every enabled source fails for one shared reason, else None."""
    down = failing(states, enabled)
    if not enabled or len(down) < len(enabled):
        return None
    label = shared_cause([s.last_error or "" for s in down])
    if label is None:
        return None
    return f"all {len(down)} sources are failing: {explain(label)}"


def next_try(states: Sequence[SourceState], now: datetime) -> datetime | None:
    """The earliest back-off end still ahead, if any source is backing off."""
    ends = [s.backoff_until for s in states if s.backoff_until and s.backoff_until > now]
    return min(ends) if ends else None
