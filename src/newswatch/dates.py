"""Dates as the world writes them, read in one place: feeds, sitemaps, JSON-LD, page meta
tags and HTTP headers all come here, and every answer is an aware UTC datetime or None.

- ISO 8601 / W3C datetime (Atom, sitemaps, JSON-LD, ``<time datetime>``, ``dc:date``):
  ``2026-01-05T13:30:00+03:00``, ``…Z``, ``+0300``, a bare date, a space instead of ``T``,
  nanoseconds, and the `` UTC`` suffix some CMSs write.
- RFC 2822 (RSS ``pubDate``) and HTTP dates (``Retry-After``, ``Last-Modified``):
  ``Mon, 05 Jan 2026 13:30:00 +0300``, named zones (``GMT``, ``EST``), no weekday or no
  seconds; the obsolete HTTP forms RFC 850 (``Monday, 05-Jan-26 …``) and asctime
  (``Mon Jan  5 13:30:00 2026``), which HTTP says a recipient must accept.

A time without a zone is taken as UTC (what feeds that omit it mean). ``email.utils`` is
lenient past the point of being wrong (it reads ``13:30 +03:00 pm`` as 13:30 UTC), so
:func:`rfc2822_date` accepts only the shapes above and says None otherwise; a caller with a
better parser for odd input (the feed fast path has feedparser) can then hand it over.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_RFC2822 = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"\s+(?:[+-]\d{4}|[A-Za-z]{1,5})$"
)
_RFC850 = re.compile(r"^[A-Za-z]+,\s*\d{1,2}-[A-Za-z]{3}-\d{2}\s+\d{1,2}:\d{2}:\d{2}\s+GMT$")
_ASCTIME = re.compile(r"^[A-Za-z]{3}\s+[A-Za-z]{3}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4}$")
_FRACTION = re.compile(r"(\.\d{6})\d+")  # datetime keeps microseconds; more digits are noise


def parse_date(text: str | None) -> datetime | None:
    """ISO 8601 or RFC 2822/HTTP date, whichever ``text`` is; None for anything else."""
    return iso_date(text) or rfc2822_date(text)


def iso_date(text: str | None) -> datetime | None:
    """An ISO 8601 / W3C datetime (or date) as aware UTC; None if it is not one."""
    text = (text or "").strip()
    if not text or not text[:4].isdigit():
        return None  # every ISO date starts with its year: no need to try the rest
    text = _FRACTION.sub(r"\1", text)
    if text.endswith(" UTC"):
        text = text[:-4] + "+00:00"
    try:
        return as_utc(datetime.fromisoformat(text))
    except (ValueError, OverflowError):  # overflow: year 1 moved to UTC
        return None


def rfc2822_date(text: str | None) -> datetime | None:
    """An RFC 2822 or HTTP date (RFC 850 and asctime included) as aware UTC; None if it is
    not one of those shapes."""
    text = " ".join((text or "").split())
    if not (_RFC2822.match(text) or _RFC850.match(text) or _ASCTIME.match(text)):
        return None
    try:
        return as_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def from_struct(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's ``*_parsed`` (a struct_time it has already put in UTC)."""
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def as_utc(value: datetime | None) -> datetime | None:
    """Aware UTC; a naive datetime is taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
