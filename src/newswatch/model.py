"""Values passed between the pipeline's stages. All frozen: a stage returns new values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Entry:
    """A link a source discovered (a feed item, a listing-page link, a sitemap URL)."""

    url: str
    source: str
    title: str = ""
    summary: str = ""
    published: datetime | None = None
    guid: str | None = None


@dataclass(frozen=True)
class Place:
    """A place recognised in an article (filled by the geo stage)."""

    name: str
    country: str
    lat: float
    lon: float
    confidence: float

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True)
class TextDigest:
    """What dedup derives from an article's title and text (its content hash and MinHash
    fingerprint), computed in the extraction process that made the text, so the main
    process, which holds the GIL for every poll, does not compute it again. It is valid
    for that title and text only (``dedup.digest`` checks before using it)."""

    title: str
    text: str
    content_hash: str | None
    signature: bytes


@dataclass(frozen=True)
class Article:
    """An article ready for matching: extracted from a page, or built from a feed entry."""

    url: str
    canonical_url: str
    title: str
    text: str
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    source: str = ""
    guid: str | None = None
    # True when the page could not be fetched or extracted and the feed's title and
    # summary stand in for the body; alerts say so.
    feed_only: bool = False
    places: tuple[Place, ...] = ()
    # Derived in the extraction process; not part of the article's value.
    digest: TextDigest | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Highlight:
    """A matched stretch of a snippet: ``snippet.text[start:end]``."""

    start: int
    end: int


@dataclass(frozen=True)
class Snippet:
    """About 200 characters around the strongest match, with the matched terms located."""

    text: str
    highlights: tuple[Highlight, ...] = ()

    def marked(self, before: str = "**", after: str = "**") -> str:
        """The snippet with every highlight wrapped, e.g. ``**Aleppo**``."""
        out: list[str] = []
        pos = 0
        for h in sorted(self.highlights, key=lambda h: h.start):
            if h.start < pos:
                continue
            out.extend([self.text[pos : h.start], before, self.text[h.start : h.end], after])
            pos = h.end
        out.append(self.text[pos:])
        return "".join(out)


@dataclass(frozen=True)
class Match:
    """One rule matching one article, with the evidence."""

    rule: str
    terms: tuple[str, ...]
    snippet: Snippet
    # Free-form explanation lines (e.g. which field a term hit, geo decisions).
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class AlertMessage:
    """Everything a channel needs to render one alert. Built from the store's outbox row."""

    rule: str
    title: str
    url: str
    source: str
    published: datetime | None
    snippet: Snippet
    terms: tuple[str, ...] = ()
    feed_only: bool = False
    also_reported_by: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OpsAlert:
    """An alert about newswatch itself (a source turned unhealthy, or recovered), for the
    config's ``ops_channel``: not a rule's match, so no rule, story or terms."""

    title: str
    source: str
    url: str
    channel: str
    at: datetime
    kind: str = "source-health"  # the name status and silences show it under
