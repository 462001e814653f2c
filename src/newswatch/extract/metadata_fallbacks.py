"""Metadata guessed from the visible page, for pages that declare none (slower, less sure).

Only called when the structured cascade in :mod:`metadata` found nothing.
"""

from __future__ import annotations

from datetime import datetime

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import extract_title

from newswatch.dates import parse_date
from newswatch.extract.metadata import clean_authors

# Where pages put a visible byline, most specific markup first. (trafilatura's own author
# search is thorough but copies and prunes the whole tree: ~50 ms a page.)
_BYLINE_PATHS = (
    './/*[@itemprop="author"]//*[@itemprop="name"]',
    './/*[@itemprop="author"]',
    './/*[@rel="author"]',
    './/*[contains(concat(" ", normalize-space(@class), " "), " author-name ")]',
    './/*[contains(concat(" ", normalize-space(@class), " "), " byline ")]',
)
# Longer than this, a "byline" element holds more than names (dates, job titles, bios).
_MAX_BYLINE_CHARS = 80


def title(tree: HtmlElement) -> str:
    return " ".join((extract_title(tree) or "").split())


def published(tree: HtmlElement, url: str) -> datetime | None:
    # No extensive (free-text) search: it runs dateparser, ~1 s a page, and guesses often.
    found = find_date(tree, extensive_search=False, original_date=True, url=url)
    return parse_date(found) if found else None


def authors(tree: HtmlElement) -> tuple[str, ...]:
    for path in _BYLINE_PATHS:
        names = [" ".join(e.text_content().split()) for e in tree.xpath(path)]
        names = [n for n in names if n and len(n) <= _MAX_BYLINE_CHARS]
        if names:
            return clean_authors(names)
    return ()
