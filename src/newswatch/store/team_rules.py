"""Team rules: rules made in the dashboard, kept in the state beside the config's.

A rule is stored as the mapping it would be in the YAML ``rules:`` list (as JSON), so
``newswatch rules export`` writes back exactly what was checked. Every save and removal
is appended to ``team_rule_changes`` (who, when, the new body or none); the newest id
there is the *revision* a daemon in another process compares to notice a change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newswatch.clock import from_iso, to_iso
from newswatch.store.base import Executor, Sql


@dataclass(frozen=True)
class TeamRule:
    name: str
    body: dict[str, Any]  # the rule's mapping, as in the YAML ``rules:`` list
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class TeamRuleRepo:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def all(self) -> list[TeamRule]:
        """In the order they were made (the order ``rules export`` writes)."""
        with self.db.read() as conn:
            # Ties (one instant) by the first change of that name: both engines have it
            # (SQLite's rowid did this before PostgreSQL, which has none).
            rows = conn.execute(
                """SELECT * FROM team_rules ORDER BY created_at,
                   (SELECT MIN(c.id) FROM team_rule_changes c WHERE c.name = team_rules.name)"""
            ).fetchall()
        return [_rule(r) for r in rows]

    def get(self, name: str) -> TeamRule | None:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM team_rules WHERE name = ?", (name,)).fetchone()
        return _rule(row) if row else None

    def revision(self) -> int:
        """Grows with every change; 0 before the first."""
        with self.db.read() as conn:
            row = conn.execute("SELECT MAX(id) FROM team_rule_changes").fetchone()
        return int(row[0] or 0)

    def save(self, body: dict[str, Any], user: str, at: datetime, *, renamed: str = "") -> None:
        """Create or replace the rule named ``body["name"]``; ``renamed``: its former name."""
        name, text = str(body["name"]), json.dumps(body, ensure_ascii=False)
        with self.db.transaction() as conn:
            made = None
            if renamed and renamed != name:
                made = conn.execute(
                    "SELECT created_by, created_at FROM team_rules WHERE name = ?", (renamed,)
                ).fetchone()
                conn.execute("DELETE FROM team_rules WHERE name = ?", (renamed,))
                _log(conn, renamed, None, user, at)
            by, when = (made["created_by"], made["created_at"]) if made else (user, to_iso(at))
            conn.execute(
                """INSERT INTO team_rules (name, body, created_by, created_at, updated_by,
                       updated_at) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET body = excluded.body,
                       updated_by = excluded.updated_by, updated_at = excluded.updated_at""",
                (name, text, by, when, user, to_iso(at)),
            )
            _log(conn, name, text, user, at)

    def remove(self, name: str, user: str, at: datetime) -> bool:
        with self.db.transaction() as conn:
            gone = conn.execute("DELETE FROM team_rules WHERE name = ?", (name,)).rowcount > 0
            if gone:
                _log(conn, name, None, user, at)
        return gone


def _log(conn: Sql, name: str, body: str | None, user: str, at: datetime) -> None:
    conn.execute(
        'INSERT INTO team_rule_changes (name, body, "user", at) VALUES (?, ?, ?, ?)',
        (name, body, user, to_iso(at)),
    )


def _rule(row: Any) -> TeamRule:
    return TeamRule(
        name=str(row["name"]),
        body=json.loads(row["body"]),
        created_by=str(row["created_by"]),
        created_at=from_iso(row["created_at"]) or datetime.min,
        updated_by=str(row["updated_by"]),
        updated_at=from_iso(row["updated_at"]) or datetime.min,
    )
