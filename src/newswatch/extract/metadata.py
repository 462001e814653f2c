"""Title, publication time, authors, canonical URL and language of a page.

Each field is a cascade, most reliable source first: the JSON-LD article, then the
OpenGraph/Dublin Core ``<meta>`` tags publishers fill for social previews, then the visible
page (``<title>``, ``<time>``, ``<h1>``), then trafilatura's own guesses.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement
from tld import get_fld

from newswatch.dates import parse_date
from newswatch.extract.jsonld import LdArticle

_TITLE_KEYS = ("og:title", "dc.title", "dcterms.title", "twitter:title")
_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
)
_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author")
_LANG_KEYS = ("content-language", "og:locale", "dc.language", "language")
_LANG_CODE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")
_AUTHOR_SEPARATORS = re.compile(r"\s+(?:and|&)\s+|[;,|]")
_BYLINE_PREFIX = re.compile(r"^(?:(?:written\s+)?by|von|por|par|door|автор|بقلم)\s*:?\s+", re.I)
_SEPARATOR = r"\s+[|\-–—»·:/]\s+"
_TITLE_SEPARATOR = re.compile(_SEPARATOR)
_WORDS = re.compile(r"\w+")
# Share of a JSON-LD headline's words that must appear in <title> for it to be trusted.
_HEADLINE_AGREEMENT = 0.5
_MIN_HEADLINE_WORDS = 4


def meta_tags(tree: HtmlElement) -> dict[str, str]:
    """``<meta>`` contents keyed by lowercased name/property/itemprop/http-equiv (first wins)."""
    tags: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key:
                tags.setdefault(key, content)
    return tags


def find_title(tree: HtmlElement, tags: dict[str, str], ld: LdArticle | None) -> str:
    page_title = _first_text(tree, ".//title")
    candidates = [ld.headline if ld and _agrees(ld.headline, page_title) else ""]
    candidates += [tags.get(key, "") for key in _TITLE_KEYS]
    # Declared titles are kept as the publisher wrote them, site name included if they put it.
    for candidate in candidates:
        if candidate.strip():
            return _clean(candidate)
    return _title_element(page_title, _site_names(tags)) or _first_text(tree, ".//h1")


def _agrees(headline: str, page_title: str) -> bool:
    """Whether a JSON-LD headline names the page (some CMSs put a description there)."""
    if not headline or not page_title:
        return bool(headline)
    words = set(_WORDS.findall(headline.lower()))
    shared = words & set(_WORDS.findall(page_title.lower()))
    return len(shared) >= _HEADLINE_AGREEMENT * len(words)


def _site_names(tags: dict[str, str]) -> list[str]:
    return [tags[k] for k in ("og:site_name", "application-name", "twitter:site") if tags.get(k)]


def _strip_site(title: str, sites: list[str]) -> str:
    """The title without a known site name before or after a separator."""
    for site in sites:
        for pattern in (rf"^{re.escape(site)}{_SEPARATOR}", rf"{_SEPARATOR}{re.escape(site)}$"):
            stripped = re.sub(pattern, "", title, flags=re.IGNORECASE)
            if stripped != title and stripped:
                return stripped
    return title


def _title_element(title: str, sites: list[str]) -> str:
    """``<title>`` without the site name, assumed to be its last part when not known."""
    stripped = _strip_site(title, sites)
    if stripped != title:
        return stripped
    parts = list(_TITLE_SEPARATOR.finditer(title))
    if not parts:
        return title
    head = title[: parts[-1].start()]
    # Only cut when what stays still reads like a headline, not a stub like "Home".
    return head if len(head.split()) >= _MIN_HEADLINE_WORDS else title


def find_published(
    tree: HtmlElement, tags: dict[str, str], ld: LdArticle | None
) -> datetime | None:
    candidates = [ld.published if ld else ""]
    candidates += [tags.get(key, "") for key in _DATE_KEYS]
    candidates += [t.get("datetime", "") for t in tree.iterfind(".//time[@datetime]")][:3]
    for text in candidates:
        when = parse_date(text)
        if when is not None:
            return when
    return None


def find_authors(tags: dict[str, str], ld: LdArticle | None) -> tuple[str, ...]:
    names: list[str] = list(ld.authors) if ld else []
    if not names:
        names = [tags[key] for key in _AUTHOR_KEYS if key in tags][:1]
    return clean_authors(names)


def clean_authors(names: list[str]) -> tuple[str, ...]:
    """Person names, one each: "By A and B" → ("A", "B"); profile URLs dropped."""
    split = (part for name in names for part in _AUTHOR_SEPARATORS.split(name))
    cleaned = (_BYLINE_PREFIX.sub("", _clean(part)) for part in split if "://" not in part)
    return tuple(dict.fromkeys(name for name in cleaned if name))


def find_canonical(tree: HtmlElement, tags: dict[str, str], url: str) -> str:
    """The page's ``rel=canonical`` (or ``og:url``) when it is on the page's own site.

    A canonical URL is trusted for dedup and for the alert's link, so one on another
    site is ignored: a hostile page could otherwise claim a victim's URL and suppress
    the real article later. Syndicated copies still join their story by content.
    """
    hrefs = [
        link.get("href", "")
        for link in tree.iterfind(".//link[@rel]")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    for href in [*hrefs, tags.get("og:url", "")]:
        absolute = urljoin(url, href.strip()) if href.strip() else ""
        if urlsplit(absolute).scheme in ("http", "https") and _same_site(absolute, url):
            return absolute
    return url


def _same_site(candidate: str, url: str) -> bool:
    """Same registrable domain (``edition.cnn.com`` and ``www.cnn.com``), by the public
    suffix list; hosts it does not know (addresses, ``localhost``) without ``www.``."""
    host = (urlsplit(candidate).hostname or "").lower()
    return bool(host) and _site(host) == _site((urlsplit(url).hostname or "").lower())


def _site(host: str) -> str:
    return get_fld(host, fix_protocol=True, fail_silently=True) or host.removeprefix("www.")


def declared_language(tree: HtmlElement, tags: dict[str, str], ld: LdArticle | None) -> str | None:
    """The ISO 639-1 code the page declares (``<html lang>``, meta tags, JSON-LD)."""
    declared = [tree.get("lang", ""), tree.get("xml:lang", "")]
    declared += [tags.get(key, "") for key in _LANG_KEYS]
    declared.append(ld.language if ld else "")
    for value in declared:
        match = _LANG_CODE.match(value.strip())
        if match and len(match.group(1)) == 2:
            return match.group(1).lower()
    return None


def _first_text(tree: HtmlElement, path: str) -> str:
    found = tree.find(path)
    return _clean(found.text_content()) if found is not None else ""


def _clean(text: str) -> str:
    # Soft hyphens (&shy;, common in long headline words) go, as they do from the body.
    return " ".join(text.replace("\u00ad", "").split())
