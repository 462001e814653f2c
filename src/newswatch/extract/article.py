"""HTML page → :class:`~newswatch.model.Article`. No network: the page is already fetched.

The stages, in order:
1. decode the bytes (BOM, declared charset, UTF-8, statistical guess) and reject non-HTML;
2. parse once with lxml; every later stage reads the same tree;
3. metadata: JSON-LD, then meta tags, then the visible page, then trafilatura's guesses;
4. body text (see :mod:`body`): trafilatura checked against Readability, then cleaned;
5. language: declared by the page, else identified from the body text.
"""

from __future__ import annotations

from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newswatch.errors import ExtractError
from newswatch.extract import metadata as meta
from newswatch.extract import metadata_fallbacks
from newswatch.extract.body import extract_body
from newswatch.extract.decode import decode_html, ensure_html
from newswatch.extract.jsonld import find_article
from newswatch.extract.language import detect_language
from newswatch.model import Article


def extract_article(html: str | bytes, url: str, *, source: str = "") -> Article:
    """Extract an article from one page; ``text`` is ``""`` when the page has no body text.

    Raises :class:`ExtractError` only when the input is not HTML at all.
    """
    # 1. decode
    text = ensure_html(decode_html(html) if isinstance(html, bytes) else html)
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
        language=declared_language or detect_language(body),
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
