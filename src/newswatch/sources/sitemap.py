"""Sitemaps and Google News sitemaps, plain or gzipped; a sitemap index lists children.

Parsed with lxml with entity resolution, DTD loading and network access switched off, so
a hostile sitemap can neither expand entities nor make the parser fetch anything.

A sitemap may list 50,000 URLs and a gzipped one unzips a hundred times larger, so the
document is *streamed*: unzipped in chunks into a pull parser, each ``<url>`` turned into
an entry and dropped from the tree at once, and only the newest ``max_items`` entries kept
(a heap). Memory stays near ``max_items`` entries whatever the file holds, and reading
stops once ``max_bytes`` of XML were read (what was read until then is used).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from lxml import etree

from newswatch.config.schema import SourceConfig
from newswatch.dates import parse_date
from newswatch.errors import SourceError
from newswatch.fetch import FetchResult
from newswatch.model import Entry
from newswatch.sources.common import Parsed, absolute

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 64 * 1024
# A sitemap index names at most this many children worth remembering (newest first);
# discover() reads only the first few of them anyway.
MAX_CHILDREN = 50
T = TypeVar("T")
_OLDEST = datetime.min.replace(tzinfo=UTC)


def _parser() -> etree.XMLPullParser:
    return etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
    )


def _chunks(url: str, body: bytes, max_bytes: int) -> Iterator[bytes]:
    """The XML of ``body`` (gunzipped if it is gzip) in chunks, at most ``max_bytes``."""
    if not body.startswith(GZIP_MAGIC):
        # In chunks too: the parser builds the tree of everything it is fed at once.
        for start in range(0, min(len(body), max_bytes), CHUNK):
            yield body[start : min(start + CHUNK, max_bytes)]
        return
    inflater = zlib.decompressobj(wbits=31)
    left = max_bytes
    pending = body
    while left > 0 and not inflater.eof:
        try:
            chunk = inflater.decompress(pending, min(CHUNK, left))
        except zlib.error as exc:
            raise SourceError(f"{url}: broken gzip sitemap: {exc}") from None
        pending = inflater.unconsumed_tail
        if not chunk:
            return  # the gzip stream is cut short: parse what came
        left -= len(chunk)
        yield chunk
    if not inflater.eof:
        log.warning("%s: sitemap larger than %d bytes unzipped; read only those", url, max_bytes)


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _fields(element: etree._Element) -> dict[str, str]:
    """The first non-empty text of each descendant, by local name (one pass)."""
    found: dict[str, str] = {}
    for child in element.iterdescendants():
        text = child.text
        if text and isinstance(child.tag, str):
            name = child.tag.rpartition("}")[2]
            if name not in found and text.strip():
                found[name] = text.strip()
    return found


@dataclass
class _Newest(Generic[T]):
    """The ``size`` newest items seen so far; equal dates keep document order."""

    size: int

    def __post_init__(self) -> None:
        self._heap: list[tuple[datetime, int, T]] = []
        self._order = itertools.count(0, -1)  # later in the document = smaller = dropped first

    def wants(self, when: datetime | None) -> bool:
        """Whether an item dated ``when`` would be kept (decide before building it)."""
        return len(self._heap) < self.size or (when or _OLDEST) > self._heap[0][0]

    def add(self, when: datetime | None, item: T) -> None:
        entry = (when or _OLDEST, next(self._order), item)
        if len(self._heap) < self.size:
            heapq.heappush(self._heap, entry)
        elif entry[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, entry)

    def newest_first(self) -> list[T]:
        return [item for *_, item in sorted(self._heap, key=lambda e: e[:2], reverse=True)]


class SitemapKind:
    """``sitemap:`` sources."""

    lists_links = True

    def parse(self, source: SourceConfig, result: FetchResult, max_bytes: int) -> Parsed:
        parser = _parser()
        root: str | None = None
        entries: _Newest[tuple[str, str, datetime | None]] = _Newest(source.max_items)
        children: _Newest[str] = _Newest(MAX_CHILDREN)
        for chunk in _chunks(result.url, result.body, max_bytes):
            try:
                parser.feed(chunk)
            except etree.XMLSyntaxError as exc:
                raise SourceError(f"{result.url}: not a usable sitemap: {exc}") from None
            for event, element in parser.read_events():
                if root is None:
                    root = _local(element)
                    if root not in ("urlset", "sitemapindex"):
                        raise SourceError(
                            f"{result.url}: not a sitemap (no <urlset> or <sitemapindex>)"
                        )
                elif event == "end":
                    _take(element, entries, children)
        if root is None:
            raise SourceError(f"{result.url}: not a usable sitemap: no XML element")
        if root == "sitemapindex":
            return Parsed([], [absolute(result.url, loc) for loc in children.newest_first()])
        return Parsed(
            [
                Entry(
                    url=absolute(result.url, loc), source=source.name, title=title, published=when
                )
                for loc, title, when in entries.newest_first()
            ]
        )


def _take(
    element: etree._Element,
    entries: _Newest[tuple[str, str, datetime | None]],
    children: _Newest[str],
) -> None:
    """Keep what a finished top-level ``<url>`` or ``<sitemap>`` says, then drop it."""
    parent = element.getparent()
    if parent is None or parent.getparent() is not None:
        return  # not a direct child of the root: part of an element still being read
    kind = _local(element)
    if kind in ("url", "sitemap"):
        fields = _fields(element)
        loc = fields.get("loc")
        published = parse_date(fields.get("publication_date", "")) or parse_date(
            fields.get("lastmod", "")
        )
        # Raw values only: URLs are resolved for the few kept, not for every candidate.
        if loc and kind == "url" and entries.wants(published):
            entries.add(published, (loc, fields.get("title", ""), published))
        elif loc and kind == "sitemap" and children.wants(published):
            children.add(published, loc)
    # Free the element and everything read before it: the tree never grows.
    element.clear()
    while element.getprevious() is not None:
        del parent[0]
