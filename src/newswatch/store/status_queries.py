"""Read-only queries for ``newswatch status``, ``/healthz`` and the metrics gauges."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from newswatch.clock import from_iso
from newswatch.store.base import Executor
from newswatch.store.stories import StoryRepo


@dataclass(frozen=True)
class AlertSummary:
    id: int
    rule: str
    channel: str
    kind: str
    status: str
    attempts: int
    created_at: datetime | None
    sent_at: datetime | None
    next_attempt_at: datetime | None
    last_error: str | None
    title: str
    # Other sources that carried the same story (its cluster), first reporter first.
    also_reported_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSizes:
    articles: int
    clusters: int
    matches: int
    alerts: int
    fetch_records: int


class StatusQueries:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def recent_alerts(self, limit: int = 10, status: str | None = None) -> list[AlertSummary]:
        """Newest first; ``status`` narrows to pending, sent or failed."""
        where, params = ("WHERE status = ?", [status]) if status else ("", [])
        with self.db.read() as conn:
            rows = conn.execute(
                f"""SELECT id, rule, channel, kind, status, attempts, created_at, sent_at,
                       next_attempt_at, last_error, payload, cluster_id
                    FROM alerts {where} ORDER BY id DESC LIMIT ?""",
                [*params, limit],
            ).fetchall()
        stories = StoryRepo(self.db).sources(r["cluster_id"] or 0 for r in rows)
        return [_summary(row, stories.get(row["cluster_id"] or 0, [])) for row in rows]

    def counts_by_channel(self) -> dict[str, dict[str, int]]:
        """``{channel: {status: count}}`` over the whole outbox."""
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT channel, status, COUNT(*) FROM alerts GROUP BY channel, status"
            ).fetchall()
        counts: dict[str, dict[str, int]] = {}
        for channel, status, count in rows:
            counts.setdefault(channel, {})[status] = int(count)
        return counts

    def pending_by_channel(self) -> dict[str, int]:
        """Alerts waiting per channel; cheap enough to run after every delivery round."""
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT channel, COUNT(*) FROM alerts WHERE status = 'pending' GROUP BY channel"
            ).fetchall()
        return {channel: int(count) for channel, count in rows}

    def table_sizes(self) -> TableSizes:
        with self.db.read() as conn:

            def count(table: str) -> int:
                return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

            return TableSizes(
                articles=count("articles"),
                clusters=count("clusters"),
                matches=count("matches"),
                alerts=count("alerts"),
                fetch_records=count("fetch_state"),
            )


def _summary(row: object, story_sources: list[str]) -> AlertSummary:
    r = dict(row)  # type: ignore[call-overload]
    try:
        payload = json.loads(r["payload"])
    except (TypeError, ValueError):
        payload = {}
    title = (
        payload.get("title") or payload.get("message") or "" if isinstance(payload, dict) else ""
    )
    return AlertSummary(
        id=r["id"],
        rule=r["rule"],
        channel=r["channel"],
        kind=r["kind"],
        status=r["status"],
        attempts=r["attempts"],
        created_at=from_iso(r["created_at"]),
        sent_at=from_iso(r["sent_at"]),
        next_attempt_at=from_iso(r["next_attempt_at"]),
        last_error=r["last_error"],
        title=str(title),
        also_reported_by=_others(story_sources, payload),
    )


def _others(story_sources: list[str], payload: object) -> tuple[str, ...]:
    source = payload.get("source") if isinstance(payload, dict) else None
    return tuple(s for s in story_sources if s != source)
