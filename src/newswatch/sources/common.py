"""Helpers every source kind shares: the parse result, URL normalisation (dates: ``dates``)."""

from __future__ import annotations

from dataclasses import dataclass, field
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


def is_followable(url: str, allow_private: bool) -> bool:
    """http(s) and, unless the source is itself private, not a private address literal.

    Names are resolved (and checked again) only when the article is fetched.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    return allow_private or not is_private_url(url)
