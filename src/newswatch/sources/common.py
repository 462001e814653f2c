"""Helpers every source kind shares: the parse result, URL normalisation (dates: ``dates``),
and an entry's own text as an article when its page cannot be used."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

from newswatch.dedup import canonical_url
from newswatch.fetch import is_private_url
from newswatch.model import Article, Entry


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


def article_from_entry(source: str, entry: Entry) -> Article | None:
    """The feed's own title and summary as the article (its page unusable); None if empty."""
    if not (entry.title or entry.summary):
        return None
    return Article(
        url=entry.url,
        canonical_url=canonical_url(entry.url),
        title=entry.title,
        text=entry.summary,
        published=entry.published,
        source=source,
        guid=entry.guid,
        feed_only=True,
    )


def with_entry_metadata(article: Article, entry: Entry) -> Article:
    """The feed knows the title and date better than page heuristics when the page lacks them."""
    return replace(
        article,
        title=article.title or entry.title,
        published=article.published or entry.published,
        guid=entry.guid,
    )
