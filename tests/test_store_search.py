"""The alerts' free-text filter (`q=`): words or their beginnings, any case or accent, in
the title or snippet; the user's text is never index syntax; kept by triggers, also for
alerts stored before the index existed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.model import Article
from newswatch.store import Store
from newswatch.store.dashboard import AlertFilter, DashboardRepo
from newswatch.store.migrations import MIGRATIONS

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
ALERTS = [
    ("Warplanes strike near Aléppo", "Jets hit the old city at dawn; dozens hurt."),
    ("Market reopens in Idlib", "Traders returned to the covered market after shelling."),
    ("قصف على حلب", "قصف عنيف على الأحياء الشرقية"),
    ("Convoy reaches Homs", 'A "humanitarian" convoy; NEAR(aid) AND title:x reached it.'),
]


def _store(path: Path) -> Store:
    store = Store(path)
    with store.db.transaction() as conn:
        for n, (title, text) in enumerate(ALERTS):
            url = f"https://news.example.org/{n}"
            article = Article(url, url, title, text, published=NOW, source="wire")
            article_id = store.articles.add(conn, article, [url], NOW)
            snippet = {"text": text, "highlights": [[0, 3]]}
            store.articles.record_match(conn, "r", article_id, n + 1, ["x"], snippet, NOW)
    return store


def _titles(store: Store, text: str) -> list[str]:
    return [a.title for a in DashboardRepo(store.db).alerts(AlertFilter(text=text))]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("aleppo", ["Warplanes strike near Aléppo"]),  # accents and case folded
        ("WARPLANE", ["Warplanes strike near Aléppo"]),  # the beginning of a word
        ("plane", []),  # not the middle of one
        ("dawn jets", ["Warplanes strike near Aléppo"]),  # any order, title or snippet
        ("market shelling", ["Market reopens in Idlib"]),
        ("market homs", []),  # every word
        ("حلب", ["قصف على حلب"]),
        ("قصف", ["قصف على حلب"]),
        ('"humanitarian', ["Convoy reaches Homs"]),  # quotes, operators, columns: plain words
        ("NEAR(aid)", ["Convoy reaches Homs"]),
        ("title:x AND", ["Convoy reaches Homs"]),
        ("— ·", [a[0] for a in reversed(ALERTS)]),  # nothing to search for: no filter
    ],
)
def test_free_text_filter(tmp_path: Path, text: str, found: list[str]) -> None:
    store = _store(tmp_path / "state.db")
    assert _titles(store, text) == found
    store.close()


def test_the_index_follows_deletes_and_fills_for_alerts_stored_before_it(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = _store(path)
    with store.db.transaction() as conn:
        conn.execute("DELETE FROM articles WHERE title LIKE 'Market%'")  # retention's cascade
    assert _titles(store, "market") == []
    # A state file of the version before the index: the upgrade indexes what it holds.
    with store.db.transaction() as conn:
        conn.execute("DROP TABLE alert_text")
        for name in ("insert", "delete", "update", "title"):
            conn.execute(f"DROP TRIGGER alert_text_{name}")
        conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(_fts_migration())}")
    store.close()
    again = Store(path)
    assert again.db.schema_version == len(MIGRATIONS)
    assert _titles(again, "homs") == ["Convoy reaches Homs"]
    again.close()


def _fts_migration() -> str:
    return next(m for m in MIGRATIONS if "CREATE VIRTUAL TABLE alert_text" in m)
