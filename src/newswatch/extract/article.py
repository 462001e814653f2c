"""HTML page → :class:`~newswatch.model.Article`. No network: the page is already fetched.

The stages, in order:
1. reject text that is not HTML (the fetch stage decoded the bytes, seeing the headers);
2. parse once with lxml; every later stage reads the same tree;
3. metadata: JSON-LD, then meta tags, then the visible page, then trafilatura's guesses;
4. body text (see :mod:`body`): trafilatura checked against Readability, then cleaned;
5. language: declared by the page, else identified from the body text.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newswatch.errors import ExtractError
from newswatch.extract import metadata as meta
from newswatch.extract import metadata_fallbacks
from newswatch.extract.body import extract_body
from newswatch.extract.jsonld import find_article
from newswatch.extract.language import checked_language
from newswatch.model import Article


def extract_article(
    html: str, url: str, *, source: str = "", identify_language: bool = True
) -> Article:
    """Extract an article from one page's text (bytes are decoded once, by
    ``newswatch.fetch.decode``, which sees the HTTP headers); ``text`` is ``""`` when the
    page has no body text.

    ``identify_language=False`` returns the declared language unchecked, None when the page
    declares none (worker processes leave the check to the main process, which holds the
    one copy of the identification model).

    Raises :class:`ExtractError` only when the input is not HTML at all.
    """
    # 1. is it markup at all?
    text = ensure_html(html)
    # 2. parse
    tree = _parse(text)
    # 3. metadata, before the body stage prunes the tree; the cleanup needs the headline
    ld = find_article(tree)
    tags = meta.meta_tags(tree)
    title = meta.find_title(tree, tags, ld) or metadata_fallbacks.title(tree)
    published = meta.find_published(tree, tags, ld) or metadata_fallbacks.published(tree, url)
    authors = meta.find_authors(tags, ld) or metadata_fallbacks.authors(tree)
    canonical_url = meta.find_canonical(tree, tags, url)
    declared_language = meta.declared_language(tree, tags, ld)
    # 4. body
    body = extract_body(tree, url, title, ld)
    # 5. language
    return Article(
        url=url,
        canonical_url=canonical_url,
        title=title,
        text=body,
        published=published,
        authors=authors,
        language=(
            checked_language(declared_language, body) if identify_language else declared_language
        ),
        source=source,
    )


def _parse(text: str) -> HtmlElement:
    tree = load_html(text)
    if tree is None:
        # trafilatura rejects bare fragments ("<p>x</p>"); a wrapper makes them a document.
        tree = load_html(f"<html><body><div>{text}</div></body></html>")
    if tree is None:
        raise ExtractError("input could not be parsed as HTML")
    return tree


_SNIFF_CHARS = 4096
_MAX_NUL_SHARE = 0.01
_MIN_NULS = 8
_TAG = re.compile(r"<\s*(?:!doctype|[a-zA-Z][a-zA-Z0-9-]*)[\s>/]")


def ensure_html(text: str) -> str:
    """``text`` ready for the parser; :class:`ExtractError` unless it looks like markup at all."""
    head = text[:_SNIFF_CHARS]
    # Binary files (PDF, images) are full of NULs; a stray one in a page is just dropped.
    nuls = head.count("\x00")
    if (nuls > _MIN_NULS and nuls > _MAX_NUL_SHARE * len(head)) or not _TAG.search(text[:200_000]):
        raise ExtractError(
            "input is not HTML", hint="pass a web page (HTML); feeds go in a feed source"
        )
    return text.replace("\x00", "")
