"""Extraction in worker processes: a crashed or hung worker costs one article one error."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from newswatch.errors import ExtractError
from newswatch.extract.article import extract_article
from newswatch.extract.pool import WORKER_NICENESS, ProcessExtractor
from newswatch.model import Article

PAGE = (
    "<html><head><title>Convoy reaches Aleppo</title></head><body><article>"
    "<h1>Convoy reaches Aleppo</h1>"
    + "<p>A convoy of forty trucks carrying food and medicine reached the city late on "
    "Tuesday, aid workers said, after three days on the road from the border.</p>"
    * 6
    + "</article></body></html>"
)


def misbehaving(page: str, url: str, source: str) -> Article:
    """Runs in the worker: dies or hangs on request, else extracts as the product does."""
    if "CRASH" in page:
        os.kill(os.getpid(), signal.SIGKILL)
    if "HANG" in page:
        time.sleep(600)
    article = extract_article(page, url, source=source, identify_language=False)
    if "NICENESS" in page:
        return replace(article, title=str(os.nice(0)))
    return article


@pytest.fixture
def extractor() -> Iterator[ProcessExtractor]:
    pool = ProcessExtractor(2, deadline=3.0, function=misbehaving)
    yield pool
    pool.close()


def test_articles_come_back_from_the_workers_with_their_language(
    extractor: ProcessExtractor,
) -> None:
    article = extractor(PAGE, "http://127.0.0.1/a.html", "site")
    assert article.title == "Convoy reaches Aleppo"
    assert "forty trucks" in article.text
    assert article.source == "site"
    assert article.language == "en"  # identified in the main process


def test_workers_yield_the_cpu_to_the_main_process(extractor: ProcessExtractor) -> None:
    article = extractor(PAGE.replace("Tuesday", "NICENESS"), "http://127.0.0.1/n.html", "s")
    assert int(article.title) == min(os.nice(0) + WORKER_NICENESS, 19)


def test_a_page_that_kills_its_worker_costs_that_article_alone(
    extractor: ProcessExtractor,
) -> None:
    extractor(PAGE, "http://127.0.0.1/warm.html", "site")
    crash = PAGE.replace("Tuesday", "CRASH")
    with ThreadPoolExecutor(6) as threads:
        fine = [
            threads.submit(extractor, PAGE, f"http://127.0.0.1/{n}.html", "s") for n in range(5)
        ]
        with pytest.raises(ExtractError, match="process died"):
            extractor(crash, "http://127.0.0.1/crash.html", "site")
        assert all("forty trucks" in f.result(30).text for f in fine)
    # The pool replaced the worker: the next page is extracted as usual.
    assert "forty trucks" in extractor(PAGE, "http://127.0.0.1/after.html", "site").text


def test_a_page_that_hangs_its_worker_is_cut_off_at_the_deadline(
    extractor: ProcessExtractor,
) -> None:
    extractor(PAGE, "http://127.0.0.1/warm.html", "site")
    started = time.monotonic()
    with pytest.raises(ExtractError, match="longer than 3s"):
        extractor(PAGE.replace("Tuesday", "HANG"), "http://127.0.0.1/hang.html", "site")
    assert time.monotonic() - started < 10
    assert "forty trucks" in extractor(PAGE, "http://127.0.0.1/after.html", "site").text


def test_a_page_that_is_not_html_is_an_extract_error_as_inline() -> None:
    pool = ProcessExtractor(1)
    try:
        with pytest.raises(ExtractError):
            pool("%PDF-1.7 \x00\x01\x02 binary", "http://127.0.0.1/file.pdf", "site")
    finally:
        pool.close()


def test_the_products_workers_send_back_the_articles_dedup_digest() -> None:
    from newswatch.dedup.digest import article_fingerprint
    from newswatch.dedup.fingerprint import fingerprint
    from newswatch.prepare import prepare_article

    pool = ProcessExtractor(1, function=prepare_article)
    try:
        article = pool(PAGE, "http://127.0.0.1/a.html", "site")
    finally:
        pool.close()
    assert article.digest is not None and article.language == "en"
    expected = fingerprint(article.title, article.text).to_bytes()
    assert article_fingerprint(article).to_bytes() == expected
