"""Silences: a rule muted until a time. Checked when an alert comes due, so a silence
also covers alerts already waiting in the outbox (as Alertmanager's do)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newswatch.clock import from_iso, to_iso
from newswatch.store.base import Executor


@dataclass(frozen=True)
class Silence:
    id: int
    rule: str
    until: datetime
    created_at: datetime
    comment: str


class SilenceRepo:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def add(self, rule: str, until: datetime, at: datetime, comment: str = "") -> int:
        with self.db.transaction() as conn:
            row = conn.execute(
                "INSERT INTO silences (rule, until, created_at, comment) VALUES (?, ?, ?, ?) "
                "RETURNING id",
                (rule, to_iso(until), to_iso(at), comment),
            ).fetchone()
            return int(row[0])

    def remove(self, silence_id: int) -> bool:
        with self.db.transaction() as conn:
            return conn.execute("DELETE FROM silences WHERE id = ?", (silence_id,)).rowcount > 0

    def active(self, now: datetime) -> list[Silence]:
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT * FROM silences WHERE until > ? ORDER BY until", (to_iso(now),)
            ).fetchall()
        return [_from_row(r) for r in rows]

    def silenced_rules(self, now: datetime) -> frozenset[str]:
        return frozenset(s.rule for s in self.active(now))

    def prune(self, now: datetime) -> int:
        """Forget silences that have expired."""
        with self.db.transaction() as conn:
            return conn.execute("DELETE FROM silences WHERE until <= ?", (to_iso(now),)).rowcount


def _from_row(row: Any) -> Silence:
    return Silence(
        id=int(row["id"]),
        rule=str(row["rule"]),
        until=from_iso(row["until"]) or datetime.min,
        created_at=from_iso(row["created_at"]) or datetime.min,
        comment=str(row["comment"]),
    )
