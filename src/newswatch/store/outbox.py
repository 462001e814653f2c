"""The alert outbox: every alert is a row before it is a message.

States: ``pending`` (due at ``next_attempt_at``) → ``sent`` | ``failed`` (gave up) |
``silenced`` (a silence covered its rule when it came due).

Kinds: ``match`` (one message per alert) and ``digest`` (batched per rule and channel;
``next_attempt_at`` is the end of the digest period, shared by the whole batch).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newswatch.clock import from_iso, to_iso
from newswatch.store.base import Executor, marks


@dataclass(frozen=True)
class OutboxAlert:
    id: int
    rule: str
    channel: str
    kind: str
    payload: dict[str, Any]
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None
    # Keys of the channel's URLs / message pieces that already accepted this alert.
    delivered: frozenset[str] = frozenset()
    cluster_id: int | None = None


class OutboxRepo:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def enqueue(
        self,
        rule: str,
        channel: str,
        payload: dict[str, Any],
        at: datetime,
        *,
        kind: str = "match",
        cluster_id: int | None = None,
        match_id: int | None = None,
        next_at: datetime | None = None,
    ) -> int:
        with self.db.transaction() as conn:
            row = conn.execute(
                """INSERT INTO alerts (rule, channel, kind, payload, status, created_at,
                   next_attempt_at, cluster_id, match_id)
                   VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?) RETURNING id""",
                (
                    rule,
                    channel,
                    kind,
                    json.dumps(payload),
                    to_iso(at),
                    to_iso(next_at or at),
                    cluster_id,
                    match_id,
                ),
            ).fetchone()
        return int(row[0])

    def due(self, now: datetime, limit: int = 100) -> list[OutboxAlert]:
        """Pending alerts whose time has come, oldest first."""
        with self.db.read() as conn:
            rows = conn.execute(
                """SELECT * FROM alerts WHERE status = 'pending' AND next_attempt_at <= ?
                   ORDER BY channel, id LIMIT ?""",
                (to_iso(now), limit),
            ).fetchall()
        return [_from_row(r) for r in rows]

    def mark_sent(self, alert_id: int, at: datetime) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE alerts SET status = 'sent', sent_at = ?, attempts = attempts + 1 "
                "WHERE id = ?",
                (to_iso(at), alert_id),
            )

    def mark_retry(self, alert_id: int, error: str, next_at: datetime) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE alerts SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                "WHERE id = ?",
                (error[:1000], to_iso(next_at), alert_id),
            )

    def mark_failed(self, alert_id: int, error: str) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE alerts SET status = 'failed', attempts = attempts + 1, last_error = ? "
                "WHERE id = ?",
                (error[:1000], alert_id),
            )

    def claim(
        self, ids: list[int], now: datetime, lease_until: datetime, claimant: str | None = None
    ) -> bool:
        """Take a batch for sending: all of it if every row is still pending and due,
        else none (another worker, thread or process, has it). The lease makes the rows
        due again should this process die mid-send.

        One UPDATE decides: a second process's UPDATE waits for the first one's commit
        and then finds the rows no longer due, so two never both take a row."""
        try:
            with self.db.transaction() as conn:
                taken = conn.execute(
                    f"""UPDATE alerts SET next_attempt_at = ?, claimed_by = ?
                        WHERE id IN ({marks(ids)}) AND status = 'pending'
                        AND next_attempt_at <= ?""",
                    (to_iso(lease_until), claimant, *ids, to_iso(now)),
                ).rowcount
                if taken != len(ids):
                    raise _Partial
        except _Partial:
            return False
        return True

    def lease(
        self, now: datetime, lease_until: datetime, claimant: str, limit: int = 100
    ) -> list[OutboxAlert]:
        """Take up to ``limit`` due alerts, oldest first, leased to ``claimant`` until
        ``lease_until``: several processes leasing at once each get different alerts
        (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; one writer at a time on SQLite)."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                f"""UPDATE alerts SET next_attempt_at = ?, claimed_by = ?
                    WHERE id IN (SELECT id FROM alerts WHERE status = 'pending'
                                 AND next_attempt_at <= ? ORDER BY id LIMIT ?
                                 {self.db.dialect.skip_locked})
                    RETURNING *""",
                (to_iso(lease_until), claimant, to_iso(now), limit),
            ).fetchall()
        return sorted((_from_row(r) for r in rows), key=lambda a: a.id)

    def release_dead_claims(self, now: datetime, alive: Callable[[str], bool]) -> int:
        """Make alerts leased by a process that no longer runs due now (after a crash)."""
        with self.db.transaction() as conn:
            holders = [
                row[0]
                for row in conn.execute(
                    "SELECT DISTINCT claimed_by FROM alerts WHERE status = 'pending' "
                    "AND claimed_by IS NOT NULL AND next_attempt_at > ?",
                    (to_iso(now),),
                )
            ]
            released = 0
            for holder in holders:
                if not alive(holder):
                    released += conn.execute(
                        "UPDATE alerts SET next_attempt_at = ?, claimed_by = NULL "
                        "WHERE status = 'pending' AND claimed_by = ? AND next_attempt_at > ?",
                        (to_iso(now), holder, to_iso(now)),
                    ).rowcount
            return released

    def mark_sent_many(self, ids: list[int], at: datetime) -> None:
        """One transaction for a whole batch (digest, flood summary): all or none."""
        with self.db.transaction() as conn:
            conn.executemany(
                "UPDATE alerts SET status = 'sent', sent_at = ?, attempts = attempts + 1 "
                "WHERE id = ? AND status = 'pending'",
                [(to_iso(at), i) for i in ids],
            )

    def retry_many(self, ids: list[int], error: str, next_at: datetime) -> None:
        with self.db.transaction() as conn:
            conn.executemany(
                # The lease ends with the try: a later process must wait for the back-off,
                # not take a retry scheduled by a process that exited as a dead one's.
                "UPDATE alerts SET attempts = attempts + 1, last_error = ?, "
                "next_attempt_at = ?, claimed_by = NULL WHERE id = ?",
                [(error[:1000], to_iso(next_at), i) for i in ids],
            )

    def defer(self, ids: list[int], next_at: datetime) -> None:
        """Move alerts later without counting an attempt (rate limit, quiet hours, a
        channel backing off behind an older alert)."""
        with self.db.transaction() as conn:
            conn.executemany(
                "UPDATE alerts SET next_attempt_at = ?, claimed_by = NULL "
                "WHERE id = ? AND status = 'pending'",
                [(to_iso(next_at), i) for i in ids],
            )

    def fail_many(self, ids: list[int], error: str) -> None:
        with self.db.transaction() as conn:
            conn.executemany(
                "UPDATE alerts SET status = 'failed', attempts = attempts + 1, last_error = ? "
                "WHERE id = ?",
                [(error[:1000], i) for i in ids],
            )

    def mark_silenced(self, ids: list[int], at: datetime) -> None:
        with self.db.transaction() as conn:
            conn.executemany(
                "UPDATE alerts SET status = 'silenced', sent_at = ?, last_error = 'silenced' "
                "WHERE id = ? AND status = 'pending'",
                [(to_iso(at), i) for i in ids],
            )

    def record_delivered(self, ids: list[int], keys: list[str]) -> None:
        """Remember which targets accepted an alert whose channel failed elsewhere."""
        if not keys:
            return
        with self.db.transaction() as conn:
            for alert_id in ids:
                row = conn.execute(
                    f"SELECT delivered FROM alerts WHERE id = ?{self.db.dialect.for_update}",
                    (alert_id,),
                ).fetchone()
                known = set(json.loads(row[0])) if row else set()
                conn.execute(
                    "UPDATE alerts SET delivered = ? WHERE id = ?",
                    (json.dumps(sorted(known | set(keys))), alert_id),
                )

    def get(self, alert_id: int) -> OutboxAlert | None:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM alerts WHERE id = ?", (alert_id,)).fetchone()
        return _from_row(row) if row else None

    def by_status(self, status: str, limit: int = 50) -> list[OutboxAlert]:
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT * FROM alerts WHERE status = ? ORDER BY id DESC LIMIT ?", (status, limit)
            ).fetchall()
        return [_from_row(r) for r in rows]

    def retrying_count(self) -> int:
        """Pending alerts that a channel already refused: not held for a digest or quiet
        hours, but waiting for their next try."""
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM alerts WHERE status = 'pending' AND last_error IS NOT NULL"
            ).fetchone()
        return int(row[0])

    def counts(self) -> dict[str, int]:
        with self.db.read() as conn:
            rows = conn.execute("SELECT status, COUNT(*) FROM alerts GROUP BY status").fetchall()
        return {r[0]: int(r[1]) for r in rows}


class _Partial(Exception):
    """Some rows of a claimed batch were taken already: roll the claim back."""


def _from_row(row: Any) -> OutboxAlert:
    return OutboxAlert(
        id=row["id"],
        rule=row["rule"],
        channel=row["channel"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        status=row["status"],
        attempts=row["attempts"],
        created_at=from_iso(row["created_at"]) or datetime.min,
        next_attempt_at=from_iso(row["next_attempt_at"]) or datetime.min,
        sent_at=from_iso(row["sent_at"]),
        last_error=row["last_error"],
        delivered=frozenset(json.loads(row["delivered"])),
        cluster_id=row["cluster_id"],
    )
