"""Article identity: canonical URLs and identity keys."""

from __future__ import annotations

import pytest

from newswatch.dedup import canonical_url, identity_keys, substantive_change

LONG_TEXT = (
    "Russian and Syrian warplanes struck villages south of Aleppo and in Idlib province on "
    "Tuesday, killing at least twelve civilians, rescue workers said. The White Helmets "
    "civil defence group said the strikes hit a market and two homes in the town of Atarib. "
    "The Syrian Observatory for Human Rights gave a similar toll."
)


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("HTTPS://WWW.Example.COM/News/A", None, "https://www.example.com/News/A"),
        ("https://example.com:443/a", None, "https://example.com/a"),
        ("http://example.com:80/a", None, "http://example.com/a"),
        ("http://example.com:8080/a", None, "http://example.com:8080/a"),
        ("https://example.com/a#comments", None, "https://example.com/a"),
        ("https://example.com", None, "https://example.com/"),
        (
            "https://example.com/a?utm_source=rss&utm_medium=feed&id=7",
            None,
            "https://example.com/a?id=7",
        ),
        (
            "https://example.com/a?fbclid=x&gclid=y&dclid=z&msclkid=1&mc_cid=2&mc_eid=3",
            None,
            "https://example.com/a",
        ),
        (
            "https://example.com/a?igshid=1&_ga=2&yclid=3&ref=tw&ref_src=twsrc",
            None,
            "https://example.com/a",
        ),
        (
            "https://bbc.co.uk/news/1?at_medium=RSS&at_campaign=KARANGA",
            None,
            "https://bbc.co.uk/news/1",
        ),
        ("https://example.com/a?b=2&a=1", None, "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?q=", None, "https://example.com/a?q="),
        (
            "/world/aleppo?utm_source=x",
            "https://news.example/index.html",
            "https://news.example/world/aleppo",
        ),
        ("../b", "https://example.com/x/y/z", "https://example.com/x/b"),
        ("  https://example.com/a  ", None, "https://example.com/a"),
        ("https://Example.com./a", None, "https://example.com/a"),
    ],
)
def test_canonical_url(url: str, base: str | None, expected: str) -> None:
    assert canonical_url(url, base) == expected


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("HTTP://Example.com:80/a/B?z=1&utm_term=x&a=2#top")
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("guid", "text", "kinds"),
    [
        (None, "", ["url"]),
        ("tag:example.com,2026:1", "", ["url", "guid"]),
        ("  ", "", ["url"]),
        (None, "Too short to identify.", ["url"]),
        ("g-1", LONG_TEXT, ["url", "guid", "hash"]),
    ],
)
def test_identity_keys(guid: str | None, text: str, kinds: list[str]) -> None:
    keys = identity_keys("https://example.com/a?utm_source=x", guid, text)
    assert [k.split(":", 1)[0] for k in keys] == kinds
    assert keys[0] == "url:https://example.com/a"


def test_text_hash_ignores_case_accents_and_punctuation() -> None:
    a = identity_keys("https://a.example/1", text=LONG_TEXT)[-1]
    b = identity_keys("https://b.example/2", text=LONG_TEXT.upper().replace(",", "  ,"))[-1]
    c = identity_keys("https://b.example/2", text=LONG_TEXT.replace("twelve", "fifteen"))[-1]
    assert a == b
    assert a != c


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "An airstrike killed 12 people in Aleppo on Monday.",
            "An airstrike killed 15 people in Aleppo on Monday.",
            "new in the lead: 15 people (was: 12 people)",
        ),
        (
            "An airstrike killed 12 people in Aleppo.",
            "In Aleppo, an airstrike killed 12 people, medics said.",
            None,
        ),
        ("Strikes hit Aleppo in 2026.", "Strikes hit Aleppo in 2025.", None),
        (
            "Fighting displaced families.",
            "Fighting displaced 3,000 families.",
            "new in the lead: 3,000 families",
        ),
    ],
)
def test_substantive_change(old: str, new: str, expected: str | None) -> None:
    assert substantive_change(old, new) == expected
