"""The schema.org article a page describes in its JSON-LD, if any.

News sites publish headline, dates, authors and often the whole ``articleBody`` here; it is
the most reliable metadata on a page because search engines check it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

# Real JSON-LD nests a few levels (@graph, author lists); deeper is not looked into.
MAX_DEPTH = 8
_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenews",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "socialmediaposting",
        "liveblogposting",
        "report",
        "scholarlyarticle",
        "techarticle",
    }
)


@dataclass(frozen=True)
class LdArticle:
    headline: str = ""
    body: str = ""
    published: str = ""
    authors: tuple[str, ...] = ()
    language: str = ""
    url: str = ""


def find_article(tree: HtmlElement) -> LdArticle | None:
    """The first article-typed JSON-LD object of the page."""
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        for obj in _objects(_load(script.text or "")):
            if _ARTICLE_TYPES & {t.lower() for t in _types(obj)}:
                return _to_article(obj)
    return None


def _load(text: str) -> Any:
    try:
        return json.loads(text.strip().removeprefix("<!--").removesuffix("-->"))
    except (ValueError, RecursionError):
        # RecursionError: arrays nested a thousand deep; no real page does that.
        return None


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document, descending into lists and ``@graph``.

    Iterative and at most MAX_DEPTH levels down: a hostile page nests them thousands deep.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(item, list):
            stack.extend((child, depth + 1) for child in reversed(item))
        elif isinstance(item, dict):
            yield item
            stack.append((item.get("@graph"), depth + 1))


def _types(obj: dict[str, Any]) -> list[str]:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return [kind]
    return [k for k in kind if isinstance(k, str)] if isinstance(kind, list) else []


def _to_article(obj: dict[str, Any]) -> LdArticle:
    return LdArticle(
        headline=_text(obj.get("headline")) or _text(obj.get("name")),
        body=_paragraphs(obj.get("articleBody")),
        published=_text(obj.get("datePublished")) or _text(obj.get("dateCreated")),
        authors=tuple(_names(obj.get("author"))),
        language=_text(obj.get("inLanguage")),
        url=_text(obj.get("url")) or _text(_id(obj.get("mainEntityOfPage"))),
    )


def _text(value: Any) -> str:
    if isinstance(value, list) and value:
        value = value[0]
    return " ".join(value.split()) if isinstance(value, str) else ""


def _paragraphs(value: Any) -> str:
    """Body text keeping its line structure: one paragraph per non-blank line."""
    if not isinstance(value, str):
        return ""
    lines = (" ".join(line.split()) for line in value.splitlines())
    return "\n\n".join(line for line in lines if line)


def _id(value: Any) -> Any:
    return value.get("@id") if isinstance(value, dict) else value


def _names(value: Any, depth: int = 0) -> Iterator[str]:
    """Person names from an ``author`` value: a string, an object, or a list of either."""
    if isinstance(value, list):
        if depth < MAX_DEPTH:
            for item in value:
                yield from _names(item, depth + 1)
    elif isinstance(value, dict):
        name = _text(value.get("name"))
        if name:
            yield name
    elif isinstance(value, str) and value.strip():
        yield " ".join(value.split())
