"""Sitemaps and Google News sitemaps, plain or gzipped; a sitemap index lists children.

Parsed with lxml with entity resolution, DTD loading and network access switched off, so
a hostile sitemap can neither expand entities nor make the parser fetch anything.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

from lxml import etree

from newswatch.config.schema import SourceConfig
from newswatch.errors import SourceError
from newswatch.fetch import FetchResult
from newswatch.model import Entry
from newswatch.sources.common import Parsed, absolute, utc

MAX_XML_BYTES = 50_000_000  # the sitemaps.org limit for one uncompressed file
GZIP_MAGIC = b"\x1f\x8b"
_OLDEST = datetime.min.replace(tzinfo=UTC)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )


def _gunzip(url: str, body: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(body, MAX_XML_BYTES)
    except zlib.error as exc:
        raise SourceError(f"{url}: broken gzip sitemap: {exc}") from None
    if inflater.unconsumed_tail:
        raise SourceError(f"{url}: sitemap larger than {MAX_XML_BYTES} bytes once unzipped")
    return data


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname) if isinstance(element.tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str:
    for child in element.iter():
        if _local(child) in names and child.text and child.text.strip():
            return str(child.text).strip()
    return ""


def parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


class SitemapKind:
    """``sitemap:`` sources."""

    lists_links = True

    def parse(self, source: SourceConfig, result: FetchResult) -> Parsed:
        body = result.body
        if body.startswith(GZIP_MAGIC):
            body = _gunzip(result.url, body)
        try:
            root = etree.fromstring(body, _parser())
        except etree.XMLSyntaxError as exc:
            raise SourceError(f"{result.url}: not a usable sitemap: {exc}") from None
        if root is None or _local(root) not in ("urlset", "sitemapindex"):
            raise SourceError(f"{result.url}: not a sitemap (no <urlset> or <sitemapindex>)")
        if _local(root) == "sitemapindex":
            return Parsed([], self._children(result.url, root))
        return Parsed(self._entries(source, result.url, root))

    @staticmethod
    def _children(base: str, root: etree._Element) -> list[str]:
        found = [
            (parse_date(_child_text(node, "lastmod")) or _OLDEST, _child_text(node, "loc"))
            for node in root
            if _local(node) == "sitemap"
        ]
        found.sort(key=lambda pair: pair[0], reverse=True)
        return [absolute(base, loc) for _, loc in found if loc]

    @staticmethod
    def _entries(source: SourceConfig, base: str, root: etree._Element) -> list[Entry]:
        entries: list[Entry] = []
        for node in root:
            if _local(node) != "url":
                continue
            loc = _child_text(node, "loc")
            if not loc:
                continue
            published = parse_date(_child_text(node, "publication_date") or "") or parse_date(
                _child_text(node, "lastmod")
            )
            entries.append(
                Entry(
                    url=absolute(base, loc),
                    source=source.name,
                    title=_child_text(node, "title"),
                    published=published,
                )
            )
        # Newest first, so ``max_items`` keeps the fresh end of a long sitemap.
        entries.sort(key=lambda e: e.published or _OLDEST, reverse=True)
        return entries
