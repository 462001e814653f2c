"""Metadata guessed from the visible page, for pages that declare none (slower, less sure).

Only called when the structured cascade in :mod:`metadata` found nothing: htmldate and
trafilatura's author search walk the whole tree.
"""

from __future__ import annotations

from datetime import datetime

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import extract_author, extract_title

from newswatch.extract.metadata import clean_authors, parse_datetime


def title(tree: HtmlElement) -> str:
    return " ".join((extract_title(tree) or "").split())


def published(tree: HtmlElement, url: str) -> datetime | None:
    # No extensive (free-text) search: it runs dateparser, ~1 s a page, and guesses often.
    found = find_date(tree, extensive_search=False, original_date=True, url=url)
    return parse_datetime(found) if found else None


def authors(tree: HtmlElement) -> tuple[str, ...]:
    found = extract_author(tree)
    return clean_authors(found.split(";")) if found else ()
