"""HTML listing pages: article links picked by the source's ``links`` CSS selector, or by
heuristics when none is given.

Without a selector, a link counts as an article when
1. it stays on the listing's site (``www.`` ignored),
2. it is not inside navigation (``nav``, ``header``, ``footer``, ``aside``, menus),
3. its path is not a tag/author/section/search/pagination path, and
4. its path looks like an article: a long slug, a date, a numeric id or a ``.html`` page.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.exceptions import ParserRejectedMarkup
from soupsieve import SelectorSyntaxError

from newswatch.config.schema import SourceConfig
from newswatch.dates import parse_date
from newswatch.errors import SourceError
from newswatch.fetch import FetchResult
from newswatch.model import Entry
from newswatch.sources.common import Parsed, absolute

log = logging.getLogger(__name__)

TEASER_DEPTH = 4
# A listing names a few hundred articles; a page with more links is not read further.
MAX_ANCHORS = 5000
# Finding links in one listing may take this long (seconds) before what was found is used.
PARSE_SECONDS = 10.0
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


def _is_navigation(tag: Tag) -> bool:
    if tag.name in NAV_TAGS or tag.get("role") == "navigation":
        return True
    classes = " ".join(tag.get_attribute_list("class") or []) + " " + str(tag.get("id", ""))
    return bool(NAV_HINT.search(classes))


def _anchors(root: Tag, deadline: float, clock: Callable[[], float]) -> Iterator[tuple[Tag, bool]]:
    """Every ``<a href>`` in document order, with whether it sits inside navigation.

    One walk over the tree that carries the navigation verdict down, instead of walking
    up every link's ancestors (quadratic on deeply nested links); iterative, so depth
    cannot exhaust the stack. Stops after MAX_ANCHORS links or at ``deadline``.
    """
    stack: list[tuple[Tag, bool]] = [(root, False)]
    visited = found = 0
    while stack:
        node, in_nav = stack.pop()
        visited += 1
        if visited % 1024 == 0 and clock() > deadline:
            log.warning("listing page: stopped looking for links after %d elements", visited)
            return
        if node.name == "a" and node.get("href") is not None:
            yield node, in_nav
            found += 1
            if found >= MAX_ANCHORS:
                return
        inside = in_nav or (node is not root and _is_navigation(node))
        stack.extend((child, inside) for child in reversed(node.contents) if isinstance(child, Tag))


def looks_like_article(url: str, listing: str) -> bool:
    path = urlsplit(url).path
    if url.rstrip("/") == listing.rstrip("/") or NOT_ARTICLE.search(path):
        return False
    return bool(ARTICLE_PATH.search(path))


def _published(link: Tag, dates: dict[int, datetime | None]) -> datetime | None:
    """The ``<time datetime>`` of the link's own teaser (its ``article`` or ``li``), in UTC.

    Only a teaser container counts: a date found higher up would belong to the whole list.
    ``dates`` remembers each container's answer, so a container holding thousands of
    links is searched once.
    """
    for depth, parent in enumerate(link.parents):
        if depth >= TEASER_DEPTH or parent.name in ("main", "body", "ul", "ol", "section"):
            return None
        if parent.name in ("article", "li"):
            if id(parent) not in dates:
                stamp = parent.find("time", attrs={"datetime": True})
                dates[id(parent)] = (
                    parse_date(str(stamp["datetime"])) if isinstance(stamp, Tag) else None
                )
            return dates[id(parent)]
    return None


def _title(link: Tag) -> str:
    return " ".join(link.get_text(" ", strip=True).split()) or str(link.get("title", ""))


class PageKind:
    """``page:`` sources."""

    lists_links = True

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock

    def parse(self, source: SourceConfig, result: FetchResult, max_bytes: int = 0) -> Parsed:
        deadline = self._clock() + PARSE_SECONDS
        try:
            soup = BeautifulSoup(result.text(), "lxml")
        except ParserRejectedMarkup as exc:
            raise SourceError(f"{result.url}: unreadable HTML: {exc}") from None
        base_tag = soup.find("base", href=True)
        base = (
            absolute(result.url, str(base_tag["href"])) if isinstance(base_tag, Tag) else result.url
        )
        site = _site(result.url)
        dates: dict[int, datetime | None] = {}
        entries: list[Entry] = []
        for link in self._links(source, soup, deadline):
            href = link.get("href")
            if not isinstance(href, str):
                continue
            url = absolute(base, href)
            if _site(url) != site:
                continue
            if not source.links and not looks_like_article(url, result.url):
                continue
            title = _title(link)
            entries.append(
                Entry(url=url, source=source.name, title=title, published=_published(link, dates))
            )
        return Parsed(entries)

    def _links(self, source: SourceConfig, soup: BeautifulSoup, deadline: float) -> list[Tag]:
        if not source.links:
            return [a for a, in_nav in _anchors(soup, deadline, self._clock) if not in_nav]
        try:
            chosen = soup.select(source.links, limit=MAX_ANCHORS)
        except (ValueError, SelectorSyntaxError) as exc:
            raise SourceError(f"links selector {source.links!r}: {exc}") from None
        links: list[Tag] = []
        for element in chosen:
            if self._clock() > deadline:
                log.warning("listing page: stopped reading selected links after %d", len(links))
                break
            if isinstance(element, Tag):
                found = element if element.name == "a" else element.find("a", href=True)
                links.append(found if isinstance(found, Tag) else element)
        return links
