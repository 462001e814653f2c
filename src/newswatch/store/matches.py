"""Rule matches: one row per rule and story (the one-alert-per-rule-per-story guarantee),
with the follow-up state of ``updates: true`` rules in its columns."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from newswatch.clock import from_iso, to_iso
from newswatch.store.base import Executor


@dataclass(frozen=True)
class AlertedBasis:
    """The article text and terms a rule last alerted on for a story."""

    text: str
    terms: tuple[str, ...]
    last_update_at: datetime | None


class MatchRepo:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def record(
        self,
        rule: str,
        article_id: int,
        cluster_id: int | None,
        terms: list[str],
        snippet: dict[str, object],
        at: datetime,
    ) -> int | None:
        """Record a match; None if this rule already matched this story (same cluster).
        An article outside any story counts as its own (``-article_id``)."""
        with self.db.transaction() as conn:
            row = conn.execute(
                """INSERT INTO matches (rule, article_id, cluster_id, terms, snippet, matched_at,
                   basis_article_id, basis_terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT DO NOTHING RETURNING id""",
                (
                    rule,
                    article_id,
                    cluster_id if cluster_id is not None else -article_id,
                    json.dumps(terms),
                    json.dumps(snippet),
                    to_iso(at),
                    article_id,
                    json.dumps(terms),
                ),
            ).fetchone()
        return int(row[0]) if row else None

    def alerted_basis(self, rule: str, cluster_id: int) -> AlertedBasis | None:
        """What ``rule`` last alerted on for the story: the latest follow-up's article and
        terms if any, else the original alert's."""
        with self.db.read() as conn:
            row = conn.execute(
                """SELECT a.text, m.basis_terms, m.terms, m.updated_at FROM matches m
                   LEFT JOIN articles a ON a.id = COALESCE(m.basis_article_id, m.article_id)
                   WHERE m.rule = ? AND m.cluster_id = ?""",
                (rule, cluster_id),
            ).fetchone()
        if row is None:
            return None
        terms = tuple(json.loads(row[1] or row[2] or "[]"))
        return AlertedBasis(row[0] or "", terms, from_iso(row[3]))

    def followed_up(
        self, rule: str, cluster_id: int, article_id: int, terms: list[str], at: datetime
    ) -> None:
        """A follow-up went out: the next one compares with this article and terms."""
        with self.db.transaction() as conn:
            conn.execute(
                """UPDATE matches SET basis_article_id = ?, basis_terms = ?, updated_at = ?
                   WHERE rule = ? AND cluster_id = ?""",
                (article_id, json.dumps(terms), to_iso(at), rule, cluster_id),
            )
