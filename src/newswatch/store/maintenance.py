"""Retention deletes, in small batches.

The daemon's threads share one connection behind one lock; deleting a month of articles
in a single statement would stall every poll and delivery meanwhile, so each batch is its
own short transaction.
"""

from __future__ import annotations

from datetime import datetime

from newswatch.clock import to_iso
from newswatch.store.base import Executor

BATCH = 2000

# Articles take their identity keys and matches with them (ON DELETE CASCADE).
_DELETES = {
    "articles": "DELETE FROM articles WHERE id IN "
    "(SELECT id FROM articles WHERE seen_at < ? LIMIT ?)",
    "fetch_records": "DELETE FROM fetch_state WHERE url IN "
    "(SELECT url FROM fetch_state WHERE fetched_at < ? LIMIT ?)",
    # Pending alerts are never pruned: they are promises not yet kept.
    "alerts": "DELETE FROM alerts WHERE id IN "
    "(SELECT id FROM alerts WHERE status != 'pending' AND created_at < ? LIMIT ?)",
}


class MaintenanceRepo:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def delete_older(self, what: str, before: datetime, batch: int = BATCH) -> int:
        """Delete ``what`` (articles, fetch_records, alerts) older than ``before``."""
        sql = _DELETES[what]
        total = 0
        while True:
            with self.db.transaction() as conn:
                deleted = conn.execute(sql, (to_iso(before), batch)).rowcount
            total += deleted
            if deleted < batch:
                return total

    def delete_empty_clusters(self) -> int:
        with self.db.transaction() as conn:
            return conn.execute(
                "DELETE FROM clusters WHERE NOT EXISTS "
                "(SELECT 1 FROM articles WHERE articles.cluster_id = clusters.id)"
            ).rowcount
