"""The state file is private: 0600 in a 0700 directory, whatever the umask (issue 15, 13)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.store import Store


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_state_file_is_private(tmp_path: Path, open_umask: None) -> None:
    path = tmp_path / "state" / "newswatch.db"
    store = Store(path)
    store.sources.record_failure("wire", datetime.now(UTC), "HTTP 500")
    try:
        assert _mode(path.parent) == 0o700
        found = {p.name: _mode(p) for p in path.parent.iterdir()}
        assert found["newswatch.db"] == 0o600
        assert all(mode == 0o600 for mode in found.values()), found  # -wal and -shm too
    finally:
        store.close()


def test_an_existing_directory_keeps_its_mode(tmp_path: Path, open_umask: None) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    Store(shared / "newswatch.db").close()
    assert _mode(shared) == 0o755
    assert _mode(shared / "newswatch.db") == 0o600
