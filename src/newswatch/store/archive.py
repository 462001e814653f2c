"""The stored articles as a searchable archive: what backtests and the dashboard read."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from newswatch.clock import from_iso, to_iso
from newswatch.model import Article
from newswatch.store.base import Executor
from newswatch.store.sqlite import SQLiteDatabase

Keep = Callable[[str, str, str, str, str | None], bool]

_COLUMNS = """id, cluster_id, seen_at, url, canonical_url, source, guid, title, text,
    published, language, authors, feed_only"""


@dataclass(frozen=True)
class ArchivedArticle:
    """A stored article with its row id, story and the time newswatch first saw it."""

    id: int
    cluster_id: int | None
    seen_at: datetime
    article: Article


class ArchiveRepo:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def count_since(self, since: datetime) -> int:
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM articles WHERE seen_at >= ?", (to_iso(since),)
            ).fetchone()
        return int(row[0])

    def since(self, since: datetime, batch: int = 2000) -> Iterator[list[ArchivedArticle]]:
        """Articles seen at or after ``since``, newest first, in batches.

        Batches are read by keyset (``seen_at``, ``id``) rather than through one open
        cursor, so the lock is not held while the caller works on a batch and the daemon's
        writes go on during a long backtest.
        """
        after: tuple[str, int] | None = None
        while True:
            with self.db.read() as conn:
                if after is None:
                    rows = conn.execute(
                        f"""SELECT {_COLUMNS} FROM articles WHERE seen_at >= ?
                            ORDER BY seen_at DESC, id DESC LIMIT ?""",
                        (to_iso(since), batch),
                    ).fetchall()
                else:
                    rows = conn.execute(
                        f"""SELECT {_COLUMNS} FROM articles WHERE seen_at >= ?
                            AND (seen_at < ? OR (seen_at = ? AND id < ?))
                            ORDER BY seen_at DESC, id DESC LIMIT ?""",
                        (to_iso(since), after[0], after[0], after[1], batch),
                    ).fetchall()
            if not rows:
                return
            yield [_archived(row) for row in rows]
            after = (rows[-1]["seen_at"], rows[-1]["id"])

    def scan(
        self,
        since: datetime,
        keep: Keep | None = None,
        window: timedelta = timedelta(hours=2),
    ) -> Iterator[tuple[int, list[ArchivedArticle]]]:
        """The articles seen since ``since`` for which ``keep(title, text, source, url, language)``
        holds, newest first, one time window at a time: (articles in the window, kept).

        ``keep`` runs inside SQLite's scan (a registered function), so the articles it
        drops never become Python rows: for a rule's backtest that is nearly all of them.
        It is registered and used under the connection's lock, window by window, so two
        scans at once (two dashboard users) never see each other's function, and the
        daemon's writes wait for one window at most.
        """
        with self.db.read() as conn:
            newest = conn.execute(
                "SELECT MAX(seen_at) FROM articles WHERE seen_at >= ?", (to_iso(since),)
            ).fetchone()[0]
        if newest is None:
            return
        high = (from_iso(newest) or since) + timedelta(microseconds=1)
        while high > since:
            low = max(since, high - window)
            yield self._window(to_iso(low) or "", to_iso(high) or "", keep)
            high = low

    def _window(self, low: str, high: str, keep: Keep | None) -> tuple[int, list[ArchivedArticle]]:
        bounds = (low, high)
        count = "SELECT COUNT(*) FROM articles WHERE seen_at >= ? AND seen_at < ?"
        select = f"""SELECT {_COLUMNS} FROM articles WHERE seen_at >= ? AND seen_at < ?
                     AND {{test}} ORDER BY seen_at DESC, id DESC"""
        if keep is not None and isinstance(self.db, SQLiteDatabase):
            with self.db.raw() as conn:
                scanned = conn.execute(count, bounds).fetchone()[0]
                conn.create_function("newswatch_keep", 5, keep, deterministic=True)
                test = "newswatch_keep(title, text, source, url, language)"
                rows = conn.execute(select.format(test=test), bounds).fetchall()
            return int(scanned), [_archived(row) for row in rows]
        # Elsewhere the rows come to Python and the test runs here.
        with self.db.read() as conn:
            scanned = conn.execute(count, bounds).fetchone()[0]
            rows = conn.execute(select.format(test="1=1"), bounds).fetchall()
        found = [_archived(row) for row in rows]
        if keep is not None:
            found = [
                f
                for f in found
                if keep(
                    f.article.title,
                    f.article.text,
                    f.article.source,
                    f.article.url,
                    f.article.language,
                )
            ]
        return int(scanned), found


def _archived(r: Any) -> ArchivedArticle:
    article = Article(
        url=r["url"],
        canonical_url=r["canonical_url"],
        title=r["title"],
        text=r["text"],
        published=from_iso(r["published"]),
        authors=tuple(json.loads(r["authors"] or "[]")),
        language=r["language"],
        source=r["source"],
        guid=r["guid"],
        feed_only=bool(r["feed_only"]),
    )
    return ArchivedArticle(
        id=int(r["id"]),
        cluster_id=r["cluster_id"],
        seen_at=from_iso(r["seen_at"]) or datetime.min,
        article=article,
    )
