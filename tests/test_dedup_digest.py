"""The dedup digest made in the extraction process stands for what the main process
would compute, and is not used once the article's title or text is no longer its own."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest

from newswatch.dedup import article_keys, identity_keys, text_digest
from newswatch.dedup.digest import article_fingerprint
from newswatch.dedup.fingerprint import fingerprint
from newswatch.model import Article
from newswatch.prepare import prepare_article

TITLE = "Convoy reaches Aleppo after three days on the road"
TEXT = " ".join(
    f"Aid workers said convoy {n} carried food and medicine to the city's eastern districts."
    for n in range(12)
)
PAGE = (
    f"<html lang='en'><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>"
    + "".join(f"<p>{sentence}.</p>" for sentence in TEXT.split(". "))
    + "</article></body></html>"
)


def article(title: str = TITLE, text: str = TEXT, **changes: object) -> Article:
    base = Article(url="http://a.example/1", canonical_url="http://a.example/1", title="", text="")
    return replace(base, title=title, text=text, **changes)  # type: ignore[arg-type]


def fresh(a: Article) -> bytes:
    return fingerprint(a.title, a.text, feed_only=a.feed_only).to_bytes()


def with_digest(a: Article) -> Article:
    # As it comes back from a worker: one pickle, the digest's strings the article's own.
    return pickle.loads(pickle.dumps(replace(a, digest=text_digest(a.title, a.text))))


@pytest.mark.parametrize(
    ("title", "text"),
    [(TITLE, TEXT), ("", TEXT), (TITLE, "Too short to hash."), (TITLE, "")],
)
def test_a_digest_gives_what_the_main_process_would_compute(title: str, text: str) -> None:
    a = with_digest(article(title, text))
    assert article_fingerprint(a).to_bytes() == fresh(a)
    assert article_keys(a, "guid-1") == identity_keys(a.canonical_url, "guid-1", a.text)


@pytest.mark.parametrize(
    "change",
    [{"title": "Feed title standing in"}, {"text": TEXT + " Updated."}, {"feed_only": True}],
)
def test_a_digest_no_longer_the_articles_own_is_not_used(change: dict[str, object]) -> None:
    a = replace(with_digest(article()), **change)  # type: ignore[arg-type]
    assert a.digest is not None
    assert article_fingerprint(a).to_bytes() == fresh(a)
    assert article_keys(a, None) == identity_keys(a.canonical_url, None, a.text)


def test_the_digest_is_not_part_of_the_articles_value() -> None:
    a = article()
    assert with_digest(a) == a
    assert "digest" not in repr(with_digest(a))


def test_the_workers_function_extracts_and_digests() -> None:
    a = prepare_article(PAGE, "http://a.example/1", "site")
    assert a.digest is not None and a.title == TITLE
    assert a.language == "en"  # declared; the main process checks it
    assert article_fingerprint(a).to_bytes() == fresh(a)
    assert prepare_article("<html><body></body></html>", "http://a.example/2", "s").digest is None
