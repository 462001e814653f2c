"""What a story's last alert for a rule said, for ``updates: true`` follow-ups."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from newswatch.clock import from_iso


@dataclass(frozen=True)
class AlertedBasis:
    """The article text and terms a rule last alerted on for a story."""

    text: str
    terms: tuple[str, ...]
    last_update_at: datetime | None


def alerted_basis(conn: sqlite3.Connection, rule: str, cluster_id: int) -> AlertedBasis | None:
    """The latest follow-up's article if any, else the article of the original alert."""
    match = conn.execute(
        "SELECT m.article_id, m.terms FROM matches m WHERE m.rule = ? AND m.cluster_id = ?",
        (rule, cluster_id),
    ).fetchone()
    if match is None:
        return None
    article_id, terms = int(match[0]), tuple(json.loads(match[1]))
    update = conn.execute(
        "SELECT payload, created_at FROM alerts WHERE kind = 'update' AND rule = ? "
        "AND cluster_id = ? ORDER BY id DESC LIMIT 1",
        (rule, cluster_id),
    ).fetchone()
    last_update_at = None
    if update is not None:
        extra = json.loads(update[0]).get("extra", {})
        article_id = int(extra.get("article_id", article_id))
        terms = tuple(extra.get("all_terms", terms))
        last_update_at = from_iso(update[1])
    row = conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
    return AlertedBasis(row[0] if row else "", terms, last_update_at)
