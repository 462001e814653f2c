"""Story clusters as the dedup stage sees them: members' fingerprints and cluster ids."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from newswatch.clock import from_iso, to_iso
from newswatch.store.db import Database


@dataclass(frozen=True)
class StoryMember:
    article_id: int
    cluster_id: int
    seen_at: datetime
    signature: bytes


class StoryRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def members_since(self, since: datetime, batch: int = 5000) -> Iterator[list[StoryMember]]:
        """Fingerprinted articles seen at or after ``since``, oldest first, in batches."""
        with self.db.read() as conn:
            cur = conn.execute(
                """SELECT id, cluster_id, seen_at, signature FROM articles
                   WHERE seen_at >= ? AND signature IS NOT NULL AND cluster_id IS NOT NULL
                   ORDER BY seen_at, id""",
                (to_iso(since),),
            )
            while rows := cur.fetchmany(batch):
                yield [StoryMember(r[0], r[1], from_iso(r[2]) or since, bytes(r[3])) for r in rows]

    def count_since(self, since: datetime) -> int:
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM articles WHERE seen_at >= ? AND signature IS NOT NULL",
                (to_iso(since),),
            ).fetchone()
        return int(row[0])

    @staticmethod
    def set_story(
        conn: sqlite3.Connection, article_id: int, cluster_id: int, signature: bytes
    ) -> None:
        conn.execute(
            "UPDATE articles SET cluster_id = ?, signature = ? WHERE id = ?",
            (cluster_id, signature, article_id),
        )

    @staticmethod
    def stored(conn: sqlite3.Connection, article_id: int) -> tuple[int, bytes] | None:
        """(cluster id, signature) of a stored article; None if absent or not yet assigned."""
        row = conn.execute(
            "SELECT cluster_id, signature FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None or row[0] is None or row[1] is None:
            return None
        return int(row[0]), bytes(row[1])

    @staticmethod
    def lead_texts(conn: sqlite3.Connection, cluster_id: int) -> list[tuple[int, str, str]]:
        """(id, title, text) of a cluster's members, first first (for follow-ups)."""
        rows = conn.execute(
            "SELECT id, title, text FROM articles WHERE cluster_id = ? ORDER BY id",
            (cluster_id,),
        ).fetchall()
        return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]
