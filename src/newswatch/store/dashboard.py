"""What the dashboard reads: alerts (rule matches) with their delivery, stories, rule counts.

An *alert* here is one row of ``matches`` (one rule, one story): what an editor thinks of
as "an alert". Its per-channel deliveries are the outbox rows pointing at it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from newswatch.clock import from_iso, to_iso
from newswatch.model import Highlight, Snippet
from newswatch.store.base import Executor, marks
from newswatch.store.search import text_clause
from newswatch.store.stories import StoryRepo
from newswatch.store.triage import TriageRepo, Verdict


@dataclass(frozen=True)
class AlertFilter:
    rule: str | None = None
    channel: str | None = None
    source: str | None = None
    since: datetime | None = None
    text: str | None = None  # words in the title or the alert's snippet (store.search)
    after_id: int | None = None  # only alerts newer than this one (the live list)


@dataclass(frozen=True)
class AlertRow:
    id: int
    rule: str
    story: int | None
    terms: tuple[str, ...]
    snippet: Snippet
    matched_at: datetime
    title: str
    url: str
    source: str
    published: datetime | None
    deliveries: dict[str, str] = field(default_factory=dict)  # channel -> status
    also_reported_by: tuple[str, ...] = ()
    triage: Verdict | None = None


@dataclass(frozen=True)
class StoryArticle:
    id: int
    title: str
    url: str
    source: str
    published: datetime | None
    seen_at: datetime


@dataclass(frozen=True)
class Story:
    id: int
    title: str
    created_at: datetime
    articles: list[StoryArticle]
    alerts: list[AlertRow]


@dataclass(frozen=True)
class FollowUp:
    """A follow-up an ``updates: true`` rule sent for a story, with its delivery per channel."""

    rule: str
    at: datetime
    title: str
    change: str  # what changed in substance (a new number, a newly matched term)
    url: str
    deliveries: dict[str, str]


def _where(f: AlertFilter, dialect: str) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if f.after_id is not None:
        clauses.append("m.id > ?")
        params.append(f.after_id)
    if f.rule:
        clauses.append("m.rule = ?")
        params.append(f.rule)
    if f.source:
        clauses.append("a.source = ?")
        params.append(f.source)
    if f.since is not None:
        clauses.append("m.matched_at >= ?")
        params.append(to_iso(f.since))
    found = text_clause(dialect, f.text or "")
    if found is not None:  # every word, as a word or its beginning (store.search)
        clauses.append(found[0])
        params.extend(found[1])
    if f.channel:
        clauses.append("EXISTS (SELECT 1 FROM alerts o WHERE o.match_id = m.id AND o.channel = ?)")
        params.append(f.channel)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_SELECT = """SELECT m.id, m.rule, m.cluster_id, m.terms, m.snippet, m.matched_at, a.title,
    a.url, a.canonical_url, a.source, a.published FROM matches m
    JOIN articles a ON a.id = m.article_id"""


class DashboardRepo:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def alerts(self, f: AlertFilter, limit: int = 50) -> list[AlertRow]:
        """Newest first."""
        where, params = _where(f, self.db.dialect.name)
        with self.db.read() as conn:
            rows = conn.execute(
                f"{_SELECT}{where} ORDER BY m.id DESC LIMIT ?", (*params, limit)
            ).fetchall()
            found = [_alert(r) for r in rows]
        return self._judged(self._decorate(found))

    def _judged(self, alerts: list[AlertRow]) -> list[AlertRow]:
        verdicts = TriageRepo(self.db).of([a.id for a in alerts])
        return [replace(a, triage=verdicts.get(a.id)) for a in alerts]

    def by_ids(self, ids: list[int]) -> list[AlertRow]:
        with self.db.read() as conn:
            rows = conn.execute(f"{_SELECT} WHERE m.id IN ({marks(ids)}) ORDER BY m.id DESC", ids)
            found = [_alert(r) for r in rows.fetchall()]
        return self._judged(self._decorate(found))

    def story(self, cluster_id: int) -> Story | None:
        with self.db.read() as conn:
            head = conn.execute("SELECT * FROM clusters WHERE id = ?", (cluster_id,)).fetchone()
            if head is None:
                return None
            members = conn.execute(
                """SELECT id, title, url, canonical_url, source, published, seen_at
                   FROM articles WHERE cluster_id = ? ORDER BY seen_at, id""",
                (cluster_id,),
            ).fetchall()
            rows = conn.execute(
                f"{_SELECT} WHERE m.cluster_id = ? ORDER BY m.id", (cluster_id,)
            ).fetchall()
        alerts = self._judged(self._decorate([_alert(r) for r in rows]))
        return Story(
            id=int(head["id"]),
            title=str(head["title"]),
            created_at=from_iso(head["created_at"]) or datetime.min,
            articles=[
                StoryArticle(
                    id=int(r["id"]),
                    title=str(r["title"]),
                    url=str(r["canonical_url"] or r["url"]),
                    source=str(r["source"]),
                    published=from_iso(r["published"]),
                    seen_at=from_iso(r["seen_at"]) or datetime.min,
                )
                for r in members
            ],
            alerts=alerts,
        )

    def _decorate(self, alerts: list[AlertRow]) -> list[AlertRow]:
        """Adds each alert's delivery status per channel and the story's other sources."""
        if not alerts:
            return alerts
        ids = [a.id for a in alerts]
        deliveries: dict[int, dict[str, str]] = defaultdict(dict)
        with self.db.read() as conn:
            for match_id, channel, status in conn.execute(
                f"SELECT match_id, channel, status FROM alerts WHERE match_id IN ({marks(ids)}) "
                "ORDER BY id",
                ids,
            ):
                deliveries[match_id][channel] = status
        sources = StoryRepo(self.db).sources(a.story for a in alerts if a.story is not None)
        return [
            replace(
                a,
                deliveries=deliveries.get(a.id, {}),
                also_reported_by=tuple(s for s in sources.get(a.story or 0, []) if s != a.source),
            )
            for a in alerts
        ]

    def follow_ups(self, cluster_id: int) -> list[FollowUp]:
        """Oldest first; one per rule and moment (its outbox rows are one per channel)."""
        with self.db.read() as conn:
            rows = conn.execute(
                """SELECT rule, channel, status, created_at, payload FROM alerts
                   WHERE cluster_id = ? AND kind = 'update' ORDER BY id""",
                (cluster_id,),
            ).fetchall()
        found: dict[tuple[str, str], FollowUp] = {}
        for r in rows:
            key = (str(r["rule"]), str(r["created_at"]))
            if key not in found:
                payload = json.loads(r["payload"] or "{}")
                details = (payload.get("extra") or {}).get("details") or [""]
                found[key] = FollowUp(
                    rule=key[0],
                    at=from_iso(key[1]) or datetime.min,
                    title=str(payload.get("title", "")),
                    change=str(details[0]),
                    url=str(payload.get("url", "")),
                    deliveries={},
                )
            found[key].deliveries[str(r["channel"])] = str(r["status"])
        return list(found.values())

    def story_texts(self, cluster_id: int) -> list[tuple[str, str]]:
        """(title, text) of every article of the story: what its places are read from."""
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT title, text FROM articles WHERE cluster_id = ? ORDER BY seen_at, id",
                (cluster_id,),
            ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    def rule_stats(self, since: datetime) -> dict[str, tuple[dict[str, int], datetime | None]]:
        """Per rule: matches per day (``YYYY-MM-DD`` -> count) since ``since``, last match."""
        with self.db.read() as conn:
            days = conn.execute(
                """SELECT rule, substr(matched_at, 1, 10) AS day, COUNT(*) FROM matches
                   WHERE matched_at >= ? GROUP BY rule, day""",
                (to_iso(since),),
            ).fetchall()
            last = conn.execute(
                "SELECT rule, MAX(matched_at) FROM matches GROUP BY rule"
            ).fetchall()
        stats: dict[str, tuple[dict[str, int], datetime | None]] = {}
        for rule, latest in last:
            stats[rule] = ({}, from_iso(latest))
        for rule, day, count in days:
            stats.setdefault(rule, ({}, None))[0][day] = int(count)
        return stats

    def articles_per_day(self, since: datetime) -> dict[str, dict[str, int]]:
        """Per source: articles first seen per day (``YYYY-MM-DD`` -> count) since ``since``."""
        with self.db.read() as conn:
            rows = conn.execute(
                """SELECT source, substr(seen_at, 1, 10) AS day, COUNT(*) FROM articles
                   WHERE seen_at >= ? GROUP BY source, day""",
                (to_iso(since),),
            ).fetchall()
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        for source, day, count in rows:
            counts[source][day] = int(count)
        return dict(counts)

    def sources(self) -> list[str]:
        with self.db.read() as conn:
            return [r[0] for r in conn.execute("SELECT name FROM source_state ORDER BY name")]


def _alert(r: Any) -> AlertRow:
    snippet = json.loads(r["snippet"] or "{}")
    cluster = r["cluster_id"]
    return AlertRow(
        id=int(r["id"]),
        rule=str(r["rule"]),
        story=int(cluster) if cluster is not None and cluster > 0 else None,
        terms=tuple(json.loads(r["terms"] or "[]")),
        snippet=Snippet(
            str(snippet.get("text", "")),
            tuple(Highlight(int(s), int(e)) for s, e in snippet.get("highlights", [])),
        ),
        matched_at=from_iso(r["matched_at"]) or datetime.min,
        title=str(r["title"]),
        url=str(r["canonical_url"] or r["url"]),
        source=str(r["source"]),
        published=from_iso(r["published"]),
    )
