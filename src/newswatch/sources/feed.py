"""RSS and Atom through feedparser: one entry per item, summary as plain text, UTC dates."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from typing import Any

import feedparser

from newswatch.config.schema import SourceConfig
from newswatch.dates import from_struct
from newswatch.errors import SourceError
from newswatch.fetch import FetchResult
from newswatch.model import Entry
from newswatch.sources.common import Parsed, absolute
from newswatch.sources.feed_fast import RawItem, fast_items

# Entity declarations only live in the prolog's DTD; a real feed never needs them and a
# "billion laughs" feed expands a few of them into gigabytes.
# The whole body is searched: comments may push the DOCTYPE arbitrarily far down.
ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_SPACES = re.compile(r"\s+")
# <link rel="alternate" type="application/rss+xml" href="..."> in either attribute order.
ALTERNATE_FEED = re.compile(
    rb"<link\b(?=[^>]*\brel=[\"']?alternate)(?=[^>]*\btype=[\"']?application/(?:rss|atom)\+xml)"
    rb"[^>]*\bhref=(?:\"([^\"]+)\"|'([^']+)')",
    re.I,
)
SNIFF_HEAD = 256 * 1024
_INVISIBLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
HARMLESS = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


def plain_text(html: str) -> str:
    """Markup stripped, entities decoded, whitespace collapsed.

    Feed titles and summaries are short HTML snippets; a regex pass is enough for text
    that is only matched and shown in alerts, and costs a fraction of an HTML parser.
    """
    if "<" in html:
        html = _TAG.sub(" ", _INVISIBLE.sub(" ", html))
    return _SPACES.sub(" ", unescape(html)).strip()


def _published(item: Any) -> datetime | None:
    return from_struct(item.get("published_parsed") or item.get("updated_parsed"))


def _entry(source: SourceConfig, base: str, item: Any) -> Entry | None:
    link = item.get("link") or ""
    guid = item.get("id") or None
    if not link and guid and guid.startswith(("http://", "https://")):
        link = guid
    if not link:
        return None
    return Entry(
        url=absolute(base, link),
        source=source.name,
        title=plain_text(item.get("title", "")),
        summary=plain_text(item.get("summary", "")),
        published=_published(item),
        guid=guid,
    )


def _fast_entry(source: SourceConfig, base: str, raw: RawItem) -> Entry | None:
    link, title, summary, published, guid = raw
    if not link:
        return None
    return Entry(
        url=absolute(base, link),
        source=source.name,
        title=plain_text(title),
        summary=plain_text(summary),
        published=published,
        guid=guid,
    )


class FeedKind:
    """``feed:`` sources."""

    lists_links = False

    def parse(self, source: SourceConfig, result: FetchResult, max_bytes: int = 0) -> Parsed:
        if ENTITY_DECLARATION.search(result.body):
            raise SourceError(
                f"{result.url}: feed declares XML entities; refused (entity expansion attack?)"
            )
        fast = fast_items(result.body)
        if fast:
            entries = [e for e in (_fast_entry(source, result.url, raw) for raw in fast) if e]
            if entries:
                return Parsed(entries)
        return self._parse_with_feedparser(source, result)

    @staticmethod
    def _parse_with_feedparser(source: SourceConfig, result: FetchResult) -> Parsed:
        feed = feedparser.parse(
            result.body,
            response_headers={k.lower(): v for k, v in result.headers.items()},
            resolve_relative_uris=False,
            sanitize_html=False,
        )
        items = feed.get("entries", [])
        entries = [e for e in (_entry(source, result.url, item) for item in items) if e]
        if entries or (not items and not _broken(feed)):
            return Parsed(entries)
        problem = "no entry has a link" if items else _broken(feed)
        raise SourceError(
            f"{result.url}: not a usable feed: {problem}", hint=_advertised_feed(result)
        )


def _advertised_feed(result: FetchResult) -> str | None:
    """When a ``feed:`` URL is an HTML page, the feed it advertises makes a useful hint."""
    match = ALTERNATE_FEED.search(result.body[:SNIFF_HEAD])
    if match is None:
        return None
    href = match.group(1) or match.group(2)
    feed_url = absolute(result.url, unescape(href.decode("utf-8", "replace")))
    return f"this looks like a web page; its feed is {feed_url}"


def _broken(feed: Any) -> str:
    """Why a feed without items is unusable; empty when it is just an empty feed.

    A wrong Content-Type or charset label is common and harmless (feedparser copes), so it
    does not make a feed broken by itself.
    """
    problem = feed.get("bozo_exception")
    if problem is not None and not isinstance(problem, HARMLESS):
        return str(problem)
    return "" if feed.get("version") else "no RSS or Atom document found"
