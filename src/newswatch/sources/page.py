"""HTML listing pages: article links picked by the source's ``links`` CSS selector, or by
heuristics when none is given.

Without a selector, a link counts as an article when
1. it stays on the listing's site (``www.`` ignored),
2. it is not inside navigation (``nav``, ``header``, ``footer``, ``aside``, menus),
3. its path is not a tag/author/section/search/pagination path, and
4. its path looks like an article: a long slug, a date, a numeric id or a ``.html`` page.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.exceptions import ParserRejectedMarkup
from soupsieve import SelectorSyntaxError

from newswatch.config.schema import SourceConfig
from newswatch.errors import SourceError
from newswatch.fetch import FetchResult
from newswatch.model import Entry
from newswatch.sources.common import Parsed, absolute
from newswatch.sources.sitemap import parse_date

TEASER_DEPTH = 4
NAV_TAGS = frozenset({"nav", "header", "footer", "aside", "menu"})
NAV_HINT = re.compile(r"\b(nav|navbar|menu|breadcrumbs?|footer|header|sidebar|pagination)\b", re.I)
NOT_ARTICLE = re.compile(
    r"/(tags?|topics?|authors?|writers?|people|profiles?|categor(y|ies)|sections?|search|"
    r"page|about|contact|subscribe|login|register|account|newsletters?|rss|feeds?|"
    r"privacy|terms|cookies?|help|video|videos|podcasts?)(/|$)",
    re.I,
)
ARTICLE_PATH = re.compile(
    r"(/\d{4}/\d{1,2}/)|(\d{5,})|(\.s?html?$)|([a-z0-9]+-[a-z0-9]+-[a-z0-9]+-[a-z0-9]+)", re.I
)


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _in_navigation(link: Tag) -> bool:
    for parent in link.parents:
        if parent.name in NAV_TAGS or parent.get("role") == "navigation":
            return True
        classes = (
            " ".join(parent.get_attribute_list("class") or []) + " " + str(parent.get("id", ""))
        )
        if NAV_HINT.search(classes):
            return True
    return False


def looks_like_article(url: str, listing: str) -> bool:
    path = urlsplit(url).path
    if url.rstrip("/") == listing.rstrip("/") or NOT_ARTICLE.search(path):
        return False
    return bool(ARTICLE_PATH.search(path))


def _published(link: Tag) -> datetime | None:
    """The ``<time datetime>`` of the link's own teaser (its ``article`` or ``li``), in UTC.

    Only a teaser container counts: a date found higher up would belong to the whole list.
    """
    for depth, parent in enumerate(link.parents):
        if depth >= TEASER_DEPTH or parent.name in ("main", "body", "ul", "ol", "section"):
            return None
        if parent.name in ("article", "li"):
            stamp = parent.find("time", attrs={"datetime": True})
            return parse_date(str(stamp["datetime"])) if isinstance(stamp, Tag) else None
    return None


def _title(link: Tag) -> str:
    return " ".join(link.get_text(" ", strip=True).split()) or str(link.get("title", ""))


class PageKind:
    """``page:`` sources."""

    lists_links = True

    def parse(self, source: SourceConfig, result: FetchResult) -> Parsed:
        try:
            soup = BeautifulSoup(result.text(), "lxml")
        except ParserRejectedMarkup as exc:
            raise SourceError(f"{result.url}: unreadable HTML: {exc}") from None
        base_tag = soup.find("base", href=True)
        base = (
            absolute(result.url, str(base_tag["href"])) if isinstance(base_tag, Tag) else result.url
        )
        if source.links:
            try:
                links = [a for a in soup.select(source.links) if isinstance(a, Tag)]
            except (ValueError, SelectorSyntaxError) as exc:
                raise SourceError(f"links selector {source.links!r}: {exc}") from None
            links = [a if a.name == "a" else a.find("a", href=True) or a for a in links]
        else:
            links = [a for a in soup.find_all("a", href=True) if isinstance(a, Tag)]
        site = _site(result.url)
        entries: list[Entry] = []
        for link in links:
            href = link.get("href")
            if not isinstance(href, str):
                continue
            url = absolute(base, href)
            if _site(url) != site:
                continue
            if not source.links and (
                _in_navigation(link) or not looks_like_article(url, result.url)
            ):
                continue
            entries.append(
                Entry(url=url, source=source.name, title=_title(link), published=_published(link))
            )
        return Parsed(entries)
