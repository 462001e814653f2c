"""What an extraction process does with one page: every per-article step that needs
neither the store nor the rules, off the main process's GIL.

1. extract — the page's text and metadata (``extract.article``); the declared language
   is left for the main process to check, which holds the one identification model;
2. digest  — what dedup derives from the title and text: the content hash and the MinHash
   fingerprint (``dedup.digest``), carried on the article as ``Article.digest``.

The main process still matches, clusters and stores the article: those need the rules,
the story index and the store, which live there.
"""

from __future__ import annotations

from dataclasses import replace

from newswatch.dedup import text_digest
from newswatch.extract.article import extract_article
from newswatch.model import Article


def prepare_article(page: str, url: str, source: str) -> Article:
    """Run in an extraction process (``extract.pool.ProcessExtractor``'s function)."""
    # 1. extract
    article = extract_article(page, url, source=source, identify_language=False)
    # 2. digest (an article without text falls back to its feed entry: nothing to digest)
    if not article.text.strip():
        return article
    return replace(article, digest=text_digest(article.title, article.text))
