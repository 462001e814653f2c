"""Helpers every source kind shares: the parse result, URL and date normalisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from newswatch.fetch import is_private_url
from newswatch.model import Entry


@dataclass(frozen=True)
class Parsed:
    entries: list[Entry]
    # Further documents to read (a sitemap index's child sitemaps), newest first.
    children: list[str] = field(default_factory=list)


def absolute(base: str, href: str) -> str:
    """``href`` made absolute against ``base``, without its fragment."""
    return urljoin(base, href.strip()).split("#", 1)[0]


def utc(value: datetime | None) -> datetime | None:
    """Aware UTC datetimes; naive ones are taken as UTC (what feeds that omit it mean)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def is_followable(url: str, allow_private: bool) -> bool:
    """http(s) and, unless the source is itself private, not a private address literal.

    Names are resolved (and checked again) only when the article is fetched.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    return allow_private or not is_private_url(url)
