"""An article's content hash and fingerprint, computed once, where its text is made.

Hashing the normalised words and MinHashing their 3-grams cost ~0.6 ms per article, all
of it holding the GIL. ``text_digest`` runs in the extraction process right after the
text is extracted (``newswatch.prepare``); the main process then reads the result
(``article_keys``, ``article_fingerprint``) instead of computing it again, and computes
it itself when the article has no digest or its title or text changed since (the feed's
title standing in for a page without one, a feed-only article).
"""

from __future__ import annotations

from newswatch.dedup.fingerprint import Fingerprint, fingerprint
from newswatch.dedup.urls import identity_keys, text_hash
from newswatch.model import Article, TextDigest


def text_digest(title: str, text: str) -> TextDigest:
    """The digest of a page's extracted title and text (not a feed-only article)."""
    return TextDigest(title, text, text_hash(text), fingerprint(title, text).to_bytes())


def _valid(article: Article) -> TextDigest | None:
    found = article.digest
    if found is None or article.feed_only:
        return None
    # Equal strings from one pickle are one object: ``==`` is then an identity test.
    if found.title != article.title or found.text != article.text:
        return None
    return found


def article_keys(article: Article, guid: str | None) -> list[str]:
    """``identity_keys(article.canonical_url, guid, article.text)``, its content hash
    read from the article's digest when it has a valid one."""
    found = _valid(article)
    if found is None:
        return identity_keys(article.canonical_url, guid, article.text)
    keys = identity_keys(article.canonical_url, guid)
    if found.content_hash is not None:
        keys.append(f"hash:{found.content_hash}")
    return keys


def article_fingerprint(article: Article) -> Fingerprint:
    """The article's fingerprint, from its digest when it has a valid one."""
    found = _valid(article)
    if found is None:
        return fingerprint(article.title, article.text, feed_only=article.feed_only)
    return Fingerprint.from_bytes(found.signature)
