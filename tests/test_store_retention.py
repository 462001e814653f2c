"""Retention against a real SQLite file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newswatch.config.schema import RetentionConfig
from newswatch.model import Article
from newswatch.store import Store, Validators
from newswatch.store.retention import prune

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _fill(store: Store, days_ago: int, n: int) -> None:
    at = NOW - timedelta(days=days_ago)
    with store.unit() as tx:
        for i in range(n):
            url = f"https://news.example.org/{days_ago}/{i}"
            article = Article(url=url, canonical_url=url, title="t", text="x", source="s")
            cluster = tx.articles.new_cluster(at, "t")
            article_id = tx.articles.add(article, [url], at, cluster_id=cluster)
            match_id = tx.matches.record("r", article_id, cluster, [], {}, at)
            alert_id = tx.outbox.enqueue("r", "c", {"title": "t"}, at, match_id=match_id)
            if i % 2:  # half delivered, half still pending
                tx.outbox.mark_sent(alert_id, at)
    store.fetch_state.save(f"https://h/{days_ago}", Validators(etag="e"), 200, at, 10)


def test_prune_by_age(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.db")
    _fill(store, days_ago=1, n=4)
    _fill(store, days_ago=40, n=6)
    _fill(store, days_ago=400, n=2)
    removed = prune(store, RetentionConfig(), NOW)
    assert removed == {
        "articles": 8, "fetch_records": 2, "alerts": 1, "clusters": 8, "silences": 0,
    }  # fmt: skip
    sizes = store.status.table_sizes()
    # matches went with their articles; sent alerts stay a year; pending alerts never go
    assert (sizes.articles, sizes.matches, sizes.clusters, sizes.fetch_records) == (4, 4, 4, 1)
    assert sizes.alerts == 12 - 1
    assert store.db.integrity_check() == "ok"
    with store.db.read() as conn:
        keys = conn.execute("SELECT COUNT(*) FROM article_keys").fetchone()[0]
    assert keys == 4
    store.close()


def test_prune_in_batches_and_again_is_a_no_op(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.db")
    _fill(store, days_ago=60, n=25)
    retention = RetentionConfig(articles=timedelta(days=7), alerts=timedelta(days=7))

    assert store.maintenance.delete_older("articles", NOW, batch=7) == 25
    assert prune(store, retention, NOW)["alerts"] == 12
    assert prune(store, retention, NOW) == {
        "articles": 0, "fetch_records": 0, "alerts": 0, "clusters": 0, "silences": 0,
    }  # fmt: skip
    pending = store.status.recent_alerts(100, status="pending")
    assert len(pending) == 13 and json.dumps([a.title for a in pending]).count("t") == 13
    store.close()


def test_prune_drops_expired_silences_and_keeps_active_ones(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.db")
    silences = store.silences
    silences.add("old", until=NOW - timedelta(hours=1), at=NOW - timedelta(days=2))
    silences.add("current", until=NOW + timedelta(hours=1), at=NOW - timedelta(hours=2))
    assert prune(store, RetentionConfig(), NOW)["silences"] == 1
    assert [s.rule for s in silences.active(NOW - timedelta(days=1))] == ["current"]
    store.close()
