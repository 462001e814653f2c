"""A canonical URL on another site is not trusted (issue 15): it decides dedup and the
alert's link, so a hostile page could claim a victim's URL and suppress the real article."""

from __future__ import annotations

import pytest

from newswatch.extract import extract_article

BODY = "<p>" + "Shelling hit the eastern districts of the city overnight, officials said. " * 8


def _page(canonical: str) -> str:
    return f'<html><head><link rel="canonical" href="{canonical}"></head><body>{BODY}</body>'


@pytest.mark.parametrize(
    ("page_url", "claimed", "kept"),
    [
        ("https://evil.example.net/a", "https://www.bbc.co.uk/news/world-1", "page"),
        ("https://copy.example.org/a", "https://victim.example.com/story", "page"),
        ("https://www.cnn.com/amp/a", "https://edition.cnn.com/2026/story", "claimed"),
        ("https://news.bbc.co.uk/a", "https://www.bbc.co.uk/news/world-1", "claimed"),
        ("https://other.co.uk/a", "https://www.bbc.co.uk/news/world-1", "page"),
        ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/story", "claimed"),
        ("http://127.0.0.1:8080/a", "http://10.0.0.1/story", "page"),
    ],
)
def test_only_a_same_site_canonical_is_kept(page_url: str, claimed: str, kept: str) -> None:
    article = extract_article(_page(claimed), page_url)
    assert article.canonical_url == (claimed if kept == "claimed" else page_url)
