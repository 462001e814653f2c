"""Story clusters as the dedup stage sees them: members' fingerprints, cluster ids, and
the one query for which sources carried a story."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from newswatch.clock import from_iso, to_iso
from newswatch.store.base import Executor, marks


@dataclass(frozen=True)
class StoryMember:
    article_id: int
    cluster_id: int
    seen_at: datetime
    signature: bytes


def _members(rows: Iterable[object], since: datetime) -> list[StoryMember]:
    return [
        StoryMember(int(r[0]), int(r[1]), from_iso(r[2]) or since, bytes(r[3]))  # type: ignore[index]
        for r in rows
    ]


class StoryRepo:
    def __init__(self, db: Executor) -> None:
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
                yield _members(rows, since)

    def count_since(self, since: datetime) -> int:
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM articles WHERE seen_at >= ? AND signature IS NOT NULL",
                (to_iso(since),),
            ).fetchone()
        return int(row[0])

    def last_seq(self) -> int:
        """The newest story assignment's number (0: none numbered yet)."""
        with self.db.read() as conn:
            row = conn.execute("SELECT MAX(story_seq) FROM articles").fetchone()
        return int(row[0] or 0)

    def assigned_after(self, seq: int, since: datetime) -> tuple[list[StoryMember], int]:
        """Members whose story was assigned after assignment ``seq`` (by other processes
        sharing the database), and the newest number among them."""
        with self.db.read() as conn:
            rows = conn.execute(
                """SELECT id, cluster_id, seen_at, signature, story_seq FROM articles
                   WHERE story_seq > ? AND signature IS NOT NULL ORDER BY story_seq""",
                (seq,),
            ).fetchall()
        newest = int(rows[-1][4]) if rows else seq
        return [m for m in _members(rows, since) if m.seen_at >= since], newest

    def set_story(
        self, article_id: int, cluster_id: int, signature: bytes, seq: int | None = None
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE articles SET cluster_id = ?, signature = ?, story_seq = ? WHERE id = ?",
                (cluster_id, signature, seq, article_id),
            )

    def stored(self, article_id: int) -> tuple[int, bytes] | None:
        """(cluster id, signature) of a stored article; None if absent or not yet assigned."""
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT cluster_id, signature FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        if row is None or row[0] is None or row[1] is None:
            return None
        return int(row[0]), bytes(row[1])

    def sources(self, cluster_ids: Iterable[int]) -> dict[int, list[str]]:
        """Each story's sources, first reporter first ("also reported by"): the one place
        this is asked (alerts, status, the dashboard)."""
        ids = sorted({c for c in cluster_ids if c is not None and c > 0})
        if not ids:
            return {}
        with self.db.read() as conn:
            rows = conn.execute(
                f"""SELECT cluster_id, source FROM articles WHERE cluster_id IN ({marks(ids)})
                    GROUP BY cluster_id, source ORDER BY cluster_id, MIN(id)""",
                ids,
            ).fetchall()
        found: dict[int, list[str]] = {}
        for cluster_id, source in rows:
            found.setdefault(int(cluster_id), []).append(str(source))
        return found
