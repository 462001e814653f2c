"""Per-source poll outcomes: last success, last error, consecutive failures, back-off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newswatch.clock import from_iso, to_iso
from newswatch.store.base import Executor, Sql


@dataclass(frozen=True)
class SourceState:
    name: str
    last_poll_at: datetime | None = None
    last_success_at: datetime | None = None
    last_new_item_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    backoff_until: datetime | None = None
    healthy: bool = True
    unhealthy_reason: str | None = None
    items_last_poll: int = 0
    paused_at: datetime | None = None  # paused from the dashboard: polls are skipped
    paused_by: str | None = None

    @property
    def health(self) -> str:
        """The one word status, /healthz readers and the dashboard show: ``ok`` only for a
        source whose last poll succeeded; one that never succeeded, or fails below the
        unhealthy threshold, says so instead of looking fine."""
        if self.paused_at is not None:
            return "paused"
        if self.last_poll_at is None:
            return "never polled"
        if not self.healthy:
            return "unhealthy"
        if self.last_success_at is None:
            return "never succeeded"
        return "failing" if self.consecutive_failures > 0 else "ok"


class SourceStateRepo:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def get(self, name: str) -> SourceState:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM source_state WHERE name = ?", (name,)).fetchone()
        return _from_row(row) if row else SourceState(name)

    def all(self) -> list[SourceState]:
        with self.db.read() as conn:
            rows = conn.execute("SELECT * FROM source_state ORDER BY name").fetchall()
        return [_from_row(r) for r in rows]

    def record_success(self, name: str, at: datetime, items: int, new_items: int) -> None:
        with self.db.transaction() as conn:
            self._ensure(conn, name)
            conn.execute(
                """UPDATE source_state SET last_poll_at = ?, last_success_at = ?,
                   consecutive_failures = 0, backoff_until = NULL, items_last_poll = ?,
                   last_new_item_at = CASE WHEN ? > 0 THEN ? ELSE last_new_item_at END
                   WHERE name = ?""",
                (to_iso(at), to_iso(at), items, new_items, to_iso(at), name),
            )

    def record_failure(
        self, name: str, at: datetime, error: str, backoff_until: datetime | None = None
    ) -> int:
        """Record a failed poll; returns the number of consecutive failures."""
        with self.db.transaction() as conn:
            self._ensure(conn, name)
            conn.execute(
                """UPDATE source_state SET last_poll_at = ?, last_error = ?, last_error_at = ?,
                   consecutive_failures = consecutive_failures + 1, backoff_until = ?
                   WHERE name = ?""",
                (to_iso(at), error[:1000], to_iso(at), to_iso(backoff_until), name),
            )
            row = conn.execute(
                "SELECT consecutive_failures FROM source_state WHERE name = ?", (name,)
            ).fetchone()
        return int(row[0])

    def pause(self, name: str, user: str, at: datetime) -> None:
        with self.db.transaction() as conn:
            self._ensure(conn, name)
            conn.execute(
                "UPDATE source_state SET paused_at = ?, paused_by = ? WHERE name = ?",
                (to_iso(at), user, name),
            )

    def resume(self, name: str) -> bool:
        """False when it was not paused."""
        with self.db.transaction() as conn:
            return (
                conn.execute(
                    """UPDATE source_state SET paused_at = NULL, paused_by = NULL
                       WHERE name = ? AND paused_at IS NOT NULL""",
                    (name,),
                ).rowcount
                > 0
            )

    def set_health(self, name: str, healthy: bool, reason: str | None) -> None:
        with self.db.transaction() as conn:
            self._ensure(conn, name)
            conn.execute(
                "UPDATE source_state SET healthy = ?, unhealthy_reason = ? WHERE name = ?",
                (int(healthy), reason, name),
            )

    @staticmethod
    def _ensure(conn: Sql, name: str) -> None:
        conn.execute("INSERT INTO source_state (name) VALUES (?) ON CONFLICT DO NOTHING", (name,))


def _from_row(row: Any) -> SourceState:
    r = dict(row)
    return SourceState(
        name=r["name"],
        last_poll_at=from_iso(r["last_poll_at"]),
        last_success_at=from_iso(r["last_success_at"]),
        last_new_item_at=from_iso(r["last_new_item_at"]),
        last_error=r["last_error"],
        last_error_at=from_iso(r["last_error_at"]),
        consecutive_failures=r["consecutive_failures"],
        backoff_until=from_iso(r["backoff_until"]),
        healthy=bool(r["healthy"]),
        unhealthy_reason=r["unhealthy_reason"],
        items_last_poll=r["items_last_poll"],
        paused_at=from_iso(r["paused_at"]),
        paused_by=r["paused_by"],
    )
