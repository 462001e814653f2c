"""Triage verdicts on alerts: acknowledged, or a false positive with a note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newswatch.clock import from_iso, to_iso
from newswatch.store.base import Executor

VERDICTS = ("ack", "false_positive")


@dataclass(frozen=True)
class Verdict:
    verdict: str
    note: str
    user: str
    at: datetime


class TriageRepo:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def judge(self, match_id: int, verdict: str, note: str, user: str, at: datetime) -> bool:
        """Records (or replaces) the verdict; False when there is no such alert."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}")
        with self.db.transaction() as conn:
            if conn.execute("SELECT 1 FROM matches WHERE id = ?", (match_id,)).fetchone() is None:
                return False
            conn.execute(
                """INSERT INTO alert_triage (match_id, verdict, note, "user", at)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT (match_id) DO UPDATE SET
                   verdict = excluded.verdict, note = excluded.note, "user" = excluded."user",
                   at = excluded.at""",
                (match_id, verdict, note[:1000], user, to_iso(at)),
            )
        return True

    def of(self, match_ids: list[int]) -> dict[int, Verdict]:
        if not match_ids:
            return {}
        marks = ",".join("?" * len(match_ids))
        with self.db.read() as conn:
            rows = conn.execute(
                f"SELECT * FROM alert_triage WHERE match_id IN ({marks})", match_ids
            ).fetchall()
        return {
            int(r["match_id"]): Verdict(
                r["verdict"], r["note"], r["user"], from_iso(r["at"]) or datetime.min
            )
            for r in rows
        }

    def precision(self) -> dict[str, tuple[int, int]]:
        """Per rule: (alerts judged relevant, alerts judged at all)."""
        with self.db.read() as conn:
            rows = conn.execute(
                """SELECT m.rule, SUM(CASE WHEN t.verdict = 'ack' THEN 1 ELSE 0 END), COUNT(*)
                   FROM alert_triage t
                   JOIN matches m ON m.id = t.match_id GROUP BY m.rule"""
            ).fetchall()
        return {str(rule): (int(good), int(total)) for rule, good, total in rows}
