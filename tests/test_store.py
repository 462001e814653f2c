"""The SQLite store: migrations, WAL, transactions, and the one-alert-per-story constraint."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.errors import StoreError
from newswatch.model import Article
from newswatch.store import Store, Validators
from newswatch.store.migrations import MIGRATIONS

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def make_article(n: int) -> Article:
    url = f"https://news.example.org/a/{n}"
    return Article(url=url, canonical_url=url, title=f"Title {n}", text="Body", source="s")


def test_new_database_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.db")
    assert store.db.schema_version == len(MIGRATIONS)
    mode = store.db.conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert store.db.integrity_check() == "ok"
    store.close()


def test_reopening_keeps_state(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = Store(path)
    store.fetch_state.save("https://x.org/f", Validators('"abc"', None), 200, NOW, 10)
    store.close()
    again = Store(path)
    assert again.fetch_state.validators("https://x.org/f") == Validators('"abc"', None)
    again.close()


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this newswatch"):
        Store(path)


def test_garbage_file_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        Store(path)


def test_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.db")
    with pytest.raises(RuntimeError), store.unit() as tx:
        tx.articles.add(make_article(1), ["url:https://news.example.org/a/1"], NOW)
        raise RuntimeError("crash between insert and commit")
    assert store.articles.count() == 0
    assert store.articles.find_by_keys(["url:https://news.example.org/a/1"]) is None
    store.close()


def test_a_rule_matches_a_story_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.db")
    with store.unit() as tx:
        first = tx.articles.add(make_article(1), ["url:1"], NOW)
        second = tx.articles.add(make_article(2), ["url:2"], NOW)
        cluster = tx.articles.new_cluster(NOW, "story")
        ids = [
            tx.matches.record("r", first, cluster, ["a"], {}, NOW),
            tx.matches.record("r", second, cluster, ["a"], {}, NOW),
            tx.matches.record("other", second, cluster, ["a"], {}, NOW),
        ]
    assert ids[0] is not None and ids[1] is None and ids[2] is not None
    store.close()


def test_outbox_due_retry_sent(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.db")
    with store.unit() as tx:
        alert_id = tx.outbox.enqueue("r", "mail", {"title": "t"}, NOW)
    assert [a.id for a in store.outbox.due(NOW)] == [alert_id]
    store.outbox.mark_retry(alert_id, "timeout", NOW + timedelta(minutes=1))
    assert store.outbox.due(NOW) == []
    assert [a.attempts for a in store.outbox.due(NOW + timedelta(minutes=2))] == [1]
    store.outbox.mark_sent(alert_id, NOW + timedelta(minutes=2))
    assert store.outbox.counts() == {"sent": 1}
    store.close()


def test_source_failures_count_up_and_reset(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.db")
    assert store.sources.record_failure("s", NOW, "boom") == 1
    assert store.sources.record_failure("s", NOW, "boom") == 2
    store.sources.record_success("s", NOW, items=3, new_items=1)
    state = store.sources.get("s")
    assert state.consecutive_failures == 0 and state.last_error == "boom"
    assert state.last_new_item_at == NOW
    store.close()


def _dead_pid() -> int:
    import os

    pid = 4_000_000  # above the default pid_max; probe downwards for one that is free
    while pid > 1000:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 7919
    raise AssertionError("no free pid found")


def test_leases_of_dead_processes_are_released_at_start(tmp_path: Path) -> None:
    import socket

    from newswatch.notify.claimant import _boot_id, is_alive, this_process

    host, boot = socket.gethostname(), _boot_id()
    holders = {
        "dead process": (f"{host}|{boot}|{_dead_pid()}", True),
        "previous boot": (f"{host}|an-earlier-boot|{_dead_pid()}", True),
        "this process": (this_process(), False),
        "another host": (f"elsewhere.example|{boot}|1", False),
    }
    store = Store(tmp_path / "state.db")
    ids = {}
    for name, (holder, _) in holders.items():
        with store.unit() as tx:
            ids[name] = tx.outbox.enqueue("r", "mail", {"title": name}, NOW)
        assert store.outbox.claim([ids[name]], NOW, NOW + timedelta(minutes=2), holder)

    assert store.outbox.release_dead_claims(NOW, is_alive) == 2
    due = {a.id for a in store.outbox.due(NOW)}
    assert due == {ids[name] for name, (_, released) in holders.items() if released}
    store.close()
