"""newswatch.dates: the one reader of dates from feeds, sitemaps, JSON-LD, page meta tags and
HTTP headers, on the odd forms each of those callers has met."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from newswatch.dates import as_utc, from_struct, iso_date, parse_date, rfc2822_date


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "when"),
    [
        # JSON-LD datePublished, article:published_time, <time datetime>
        ("2024-03-05T14:30:00+02:00", at(2024, 3, 5, 12, 30)),
        ("2024-03-05T14:30:00Z", at(2024, 3, 5, 14, 30)),
        ("2021-11-01T10:52:50+0100", at(2021, 11, 1, 9, 52, 50)),  # offset without colon
        ("2024-03-05", at(2024, 3, 5)),  # a bare date: midnight UTC
        ("2024-03-05T14:30:00", at(2024, 3, 5, 14, 30)),  # naive: taken as UTC
        ("2024-03-05 14:30:00 UTC", at(2024, 3, 5, 14, 30)),  # some CMSs write this
        ("  2024-03-05T14:30:00Z\n", at(2024, 3, 5, 14, 30)),  # meta content with spaces
        ("2024-03-05T14:30:00.123456789Z", at(2024, 3, 5, 14, 30, 0, 123456)),  # nanoseconds
        # sitemaps: W3C datetime with minutes only
        ("2026-01-05T13:30+03:00", at(2026, 1, 5, 10, 30)),
        # RSS pubDate
        ("Tue, 05 Mar 2024 14:30:00 +0200", at(2024, 3, 5, 12, 30)),
        ("Mon, 5 Jan 2026 10:00:00 EST", at(2026, 1, 5, 15, 0)),
        ("05 Jan 2026 10:00 +0300", at(2026, 1, 5, 7, 0)),  # no weekday, no seconds
        ("Mon,  05 Jan 2026   10:00:00 GMT", at(2026, 1, 5, 10, 0)),  # stray spaces
        # HTTP (Retry-After, Last-Modified): the three forms RFC 9110 says to accept
        ("Thu, 01 Jan 2026 00:01:00 GMT", at(2026, 1, 1, 0, 1)),
        ("Thursday, 01-Jan-26 00:01:00 GMT", at(2026, 1, 1, 0, 1)),
        ("Thu Jan  1 00:01:00 2026", at(2026, 1, 1, 0, 1)),
        # what is not a date
        ("yesterday", None),
        ("", None),
        (None, None),
        ("20260105", at(2026, 1, 5)),  # ISO 8601 basic format
        ("1767225600", None),  # epoch seconds in a date attribute: not a date we guess at
        ("Mon, 05 Jan 2026 13:30 +03:00 pm", None),  # email.utils would say 13:30 UTC
        ("2026-02-30T10:00:00Z", None),
        ("0001-01-01T00:00:00+01:00", None),  # before year 1 in UTC
    ],
)
def test_parse_date(text: str | None, when: datetime | None) -> None:
    assert parse_date(text) == when


def test_each_reader_takes_only_its_own_shape() -> None:
    """The feed fast path asks for one shape per element and hands anything else to
    feedparser: an RFC 2822 date in <dc:date> is not an ISO date, and the reverse."""
    assert iso_date("Tue, 05 Mar 2024 14:30:00 +0200") is None
    assert rfc2822_date("2024-03-05T14:30:00Z") is None
    assert iso_date("2024-03-05T14:30:00Z") == rfc2822_date("Tue, 05 Mar 2024 14:30:00 GMT")


def test_feedparser_struct_times_are_utc_and_bad_ones_are_none() -> None:
    assert from_struct(time.strptime("2026-01-05 10:30:00", "%Y-%m-%d %H:%M:%S")) == at(
        2026, 1, 5, 10, 30
    )
    assert from_struct(None) is None
    assert from_struct((2026, 13, 40, 0, 0, 0, 0, 0, 0)) is None  # type: ignore[arg-type]


def test_as_utc_converts_and_assumes_utc_for_naive() -> None:
    assert as_utc(datetime(2026, 1, 5, 10)) == at(2026, 1, 5, 10)
    moscow = datetime.fromisoformat("2026-01-05T13:00:00+03:00")
    assert as_utc(moscow) == at(2026, 1, 5, 10) and as_utc(moscow).tzinfo is UTC  # type: ignore[union-attr]
    assert as_utc(None) is None
