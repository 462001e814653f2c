"""Seen articles, their identity keys, story clusters and rule matches."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from newswatch.clock import from_iso, to_iso
from newswatch.model import Article
from newswatch.store.db import Database


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
    def __init__(self, db: Database) -> None:
        self.db = db

    def find_by_keys(self, keys: list[str]) -> int | None:
        """The id of an article already known under any of ``keys``."""
        if not keys:
            return None
        marks = ",".join("?" * len(keys))
        with self.db.read() as conn:
            row = conn.execute(
                f"SELECT article_id FROM article_keys WHERE key IN ({marks}) LIMIT 1", keys
            ).fetchone()
        return int(row[0]) if row else None

    def add(
        self,
        conn: sqlite3.Connection,
        article: Article,
        keys: list[str],
        at: datetime,
        *,
        cluster_id: int | None = None,
        content_hash: str | None = None,
        signature: bytes | None = None,
    ) -> int:
        """Insert an article and its identity keys inside the caller's transaction."""
        cur = conn.execute(
            """INSERT INTO articles (canonical_url, url, source, guid, title, text, published,
               seen_at, language, authors, feed_only, content_hash, signature, cluster_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
        )
        article_id = int(cur.lastrowid or 0)
        self.add_keys(conn, article_id, keys)
        return article_id

    @staticmethod
    def add_keys(conn: sqlite3.Connection, article_id: int, keys: list[str]) -> None:
        conn.executemany(
            "INSERT OR IGNORE INTO article_keys (key, article_id) VALUES (?, ?)",
            [(k, article_id) for k in keys],
        )

    @staticmethod
    def new_cluster(conn: sqlite3.Connection, at: datetime, title: str) -> int:
        cur = conn.execute(
            "INSERT INTO clusters (created_at, updated_at, title) VALUES (?, ?, ?)",
            (to_iso(at), to_iso(at), title[:300]),
        )
        return int(cur.lastrowid or 0)

    @staticmethod
    def touch_cluster(conn: sqlite3.Connection, cluster_id: int, at: datetime) -> None:
        conn.execute("UPDATE clusters SET updated_at = ? WHERE id = ?", (to_iso(at), cluster_id))

    def cluster_sources(self, cluster_id: int) -> list[str]:
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT source FROM articles WHERE cluster_id = ? GROUP BY source ORDER BY MIN(id)",
                (cluster_id,),
            ).fetchall()
        return [r[0] for r in rows]

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

    @staticmethod
    def record_match(
        conn: sqlite3.Connection,
        rule: str,
        article_id: int,
        cluster_id: int | None,
        terms: list[str],
        snippet: dict[str, object],
        at: datetime,
    ) -> int | None:
        """Record a match inside the caller's transaction; None if this rule already matched
        this story (same cluster) — the one-alert-per-rule-per-story guarantee."""
        cur = conn.execute(
            """INSERT OR IGNORE INTO matches (rule, article_id, cluster_id, terms, snippet,
               matched_at) VALUES (?, ?, ?, ?, ?, ?)""",
            (
                rule,
                article_id,
                cluster_id if cluster_id is not None else -article_id,
                json.dumps(terms),
                json.dumps(snippet),
                to_iso(at),
            ),
        )
        return int(cur.lastrowid or 0) if cur.rowcount else None
