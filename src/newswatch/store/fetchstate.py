"""Per-URL HTTP validators for conditional GET (ETag, Last-Modified)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newswatch.clock import to_iso
from newswatch.store.base import Executor


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None


class FetchStateRepo:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def validators(self, url: str) -> Validators:
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT etag, last_modified FROM fetch_state WHERE url = ?", (url,)
            ).fetchone()
        return Validators(row["etag"], row["last_modified"]) if row else Validators()

    def save(self, url: str, validators: Validators, status: int, at: datetime, size: int) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                """INSERT INTO fetch_state (url, etag, last_modified, status, fetched_at, bytes)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT(url) DO UPDATE SET
                     etag = excluded.etag, last_modified = excluded.last_modified,
                     status = excluded.status, fetched_at = excluded.fetched_at,
                     bytes = excluded.bytes""",
                (url, validators.etag, validators.last_modified, status, to_iso(at), size),
            )

    def forget(self, url: str) -> None:
        """Drop a URL's validators, so its next fetch is a full one."""
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM fetch_state WHERE url = ?", (url,))
