"""What a source kind does, and the registry keyed by the word users write in the config.

A kind only *parses*: it turns one fetched document into entries (and, for a sitemap
index, the child documents to read next). :func:`discover` does the fetching, so every
kind gets conditional GET, limits and URL safety the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from newswatch.config.schema import SourceConfig
from newswatch.errors import SourceError
from newswatch.fetch import Fetcher, FetchResult, FetchSettings, is_private_url
from newswatch.model import Entry
from newswatch.sources.common import Parsed, is_followable
from newswatch.sources.feed import FeedKind
from newswatch.sources.page import PageKind
from newswatch.sources.sitemap import SitemapKind

MAX_CHILD_DOCUMENTS = 5  # sitemap index: only the most recently changed children


class SourceKind(Protocol):
    """One kind of source; implementations are stateless."""

    # The document lists article links (a page, a sitemap): zero links found is a symptom
    # (a broken selector, a redesigned site). A feed may be empty for real.
    lists_links: bool

    def parse(self, source: SourceConfig, result: FetchResult, max_bytes: int) -> Parsed:
        """Entries of one fetched document; raises SourceError when it is unusable.

        ``max_bytes`` bounds what parsing may unpack (a gzipped sitemap), as the fetcher
        bounds what it downloads."""
        ...


# The one registry of kinds: the config's words (``SOURCE_KINDS``, checked against this in
# the tests) map to their parsers and traits; nothing else spells the kinds out.
KINDS: dict[str, SourceKind] = {
    "feed": FeedKind(),
    "page": PageKind(),
    "sitemap": SitemapKind(),
}


def kind_of(word: str) -> SourceKind:
    try:
        return KINDS[word]
    except KeyError:
        raise SourceError(
            f"unknown source kind {word!r}; known kinds: {', '.join(sorted(KINDS))}"
        ) from None


@dataclass(frozen=True)
class Discovery:
    entries: list[Entry]
    # The listing answered 304: nothing changed since the last poll.
    not_modified: bool
    url: str
    # Body bytes downloaded for this poll (listing and sitemap children), for metrics.
    bytes: int = 0


def discover(source: SourceConfig, fetcher: Fetcher, settings: FetchSettings) -> Discovery:
    """Fetch a source's listing (conditionally) and return the entries it links to.

    Raises FetchError when the listing cannot be fetched, SourceError when it is unusable.
    """
    kind = kind_of(source.kind)
    allow_private = is_private_url(source.url)
    result = fetcher.fetch(source.url, settings, conditional=True, allow_private=allow_private)
    if result.not_modified:
        return Discovery([], True, result.url)
    parsed = kind.parse(source, result, settings.max_bytes)
    entries = list(parsed.entries)
    size = len(result.body)
    for child in parsed.children[:MAX_CHILD_DOCUMENTS]:
        if not is_followable(child, allow_private):
            continue
        child_result = fetcher.fetch(child, settings, conditional=True, allow_private=allow_private)
        size += len(child_result.body)
        if not child_result.not_modified:
            entries.extend(kind.parse(source, child_result, settings.max_bytes).entries)
    return Discovery(_keep(entries, source, allow_private), False, result.url, size)


def _keep(entries: list[Entry], source: SourceConfig, allow_private: bool) -> list[Entry]:
    """Drop duplicates and links newswatch must not follow; at most ``max_items``."""
    seen: set[str] = set()
    kept: list[Entry] = []
    for entry in entries:
        if entry.url in seen or not is_followable(entry.url, allow_private):
            continue
        seen.add(entry.url)
        kept.append(entry)
        if len(kept) >= source.max_items:
            break
    return kept
