"""Seen articles, their identity keys and story clusters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from newswatch.clock import from_iso, to_iso
from newswatch.model import Article
from newswatch.store.base import Executor, Sql, marks


@dataclass(frozen=True)
class StoredArticle:
    id: int
    canonical_url: str
    url: str
    source: str
    title: str
    published: datetime | None
    seen_at: datetime
    cluster_id: int | None


class ArticleRepo:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def find_by_keys(self, keys: list[str]) -> int | None:
        """The id of an article already known under any of ``keys``."""
        if not keys:
            return None
        with self.db.read() as conn:
            row = conn.execute(
                f"SELECT article_id FROM article_keys WHERE key IN ({marks(keys)}) LIMIT 1", keys
            ).fetchone()
        return int(row[0]) if row else None

    def add(
        self,
        article: Article,
        keys: list[str],
        at: datetime,
        *,
        cluster_id: int | None = None,
        content_hash: str | None = None,
        signature: bytes | None = None,
    ) -> int:
        """Insert an article and its identity keys (a duplicate canonical URL raises the
        backend's integrity error: :class:`newswatch.errors.DuplicateError` at the unit)."""
        with self.db.transaction() as conn:
            row = conn.execute(
                """INSERT INTO articles (canonical_url, url, source, guid, title, text, published,
               seen_at, language, authors, feed_only, content_hash, signature, cluster_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                (
                    article.canonical_url,
                    article.url,
                    article.source,
                    article.guid,
                    article.title,
                    article.text,
                    to_iso(article.published),
                    to_iso(at),
                    article.language,
                    json.dumps(list(article.authors)),
                    int(article.feed_only),
                    content_hash,
                    signature,
                    cluster_id,
                ),
            ).fetchone()
            article_id = int(row[0])
            self._add_keys(conn, article_id, keys)
        return article_id

    def add_keys(self, article_id: int, keys: list[str]) -> None:
        with self.db.transaction() as conn:
            self._add_keys(conn, article_id, keys)

    @staticmethod
    def _add_keys(conn: Sql, article_id: int, keys: list[str]) -> None:
        if keys:
            conn.executemany(
                "INSERT INTO article_keys (key, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(k, article_id) for k in keys],
            )

    def new_cluster(self, at: datetime, title: str) -> int:
        with self.db.transaction() as conn:
            row = conn.execute(
                "INSERT INTO clusters (created_at, updated_at, title) VALUES (?, ?, ?) "
                "RETURNING id",
                (to_iso(at), to_iso(at), title[:300]),
            ).fetchone()
        return int(row[0])

    def touch_cluster(self, cluster_id: int, at: datetime) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE clusters SET updated_at = ? WHERE id = ?", (to_iso(at), cluster_id)
            )

    def get(self, article_id: int) -> StoredArticle | None:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        return StoredArticle(
            id=row["id"],
            canonical_url=row["canonical_url"],
            url=row["url"],
            source=row["source"],
            title=row["title"],
            published=from_iso(row["published"]),
            seen_at=from_iso(row["seen_at"]) or datetime.min,
            cluster_id=row["cluster_id"],
        )

    def count(self) -> int:
        with self.db.read() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
