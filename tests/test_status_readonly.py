"""``newswatch status`` reads the state without changing it: no creation, no migration."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.cli import main
from newswatch.errors import StoreError
from newswatch.store import Store
from newswatch.store.migrations import MIGRATIONS


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        f"state: {tmp_path / 'state.db'}\n"
        "sources:\n  - name: good\n    feed: http://127.0.0.1:1/feed.xml\n",
        encoding="utf-8",
    )
    return path


def _state(tmp_path: Path, version: int | None = None) -> Path:
    path = tmp_path / "state.db"
    store = Store(path)
    store.sources.record_success("good", datetime.now(UTC), 10, 2)
    store.close()
    if version is not None:
        with sqlite3.connect(path) as conn:
            conn.execute(f"PRAGMA user_version={version}")
        conn.close()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_status_leaves_the_database_file_as_it_was(tmp_path: Path, capsys) -> None:
    path = _state(tmp_path)
    before = _digest(path)
    assert main(["status", "-c", str(_config(tmp_path))]) == 0
    assert "good" in capsys.readouterr().out
    assert _digest(path) == before


@pytest.mark.parametrize(
    ("version", "says"),
    [
        pytest.param(len(MIGRATIONS) - 1, "older than this newswatch", id="older"),
        pytest.param(len(MIGRATIONS) + 1, "newer than this newswatch", id="newer"),
    ],
)
def test_another_schema_version_is_a_clear_error_and_is_not_migrated(
    tmp_path: Path, capsys, version: int, says: str
) -> None:
    path = _state(tmp_path, version)
    assert main(["status", "-c", str(_config(tmp_path))]) == 1
    err = capsys.readouterr().err
    assert says in err and str(path) in err and "hint:" in err
    assert _user_version(path) == version


def test_a_read_only_store_refuses_writes(tmp_path: Path) -> None:
    store = Store(_state(tmp_path), read_only=True)
    try:
        assert [s.name for s in store.sources.all()] == ["good"]
        with pytest.raises(StoreError, match="readonly"):
            store.sources.record_failure("good", datetime.now(UTC), "boom")
    finally:
        store.close()


def test_a_missing_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "state.db"
    with pytest.raises(StoreError, match="no state database at"):
        Store(path, read_only=True)
    assert not path.parent.exists()
