"""The PostgreSQL fixture itself: a fresh database per test, a stopped cluster at the end,
and a clear skip (or, when required, a failure) where PostgreSQL is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from .conftest import REPO

PROBE = """
import psycopg
from pathlib import Path

def test_probe(pg_cluster, pg_dsn):
    with psycopg.connect(pg_dsn) as conn:
        conn.execute("CREATE TABLE t (x int)")
    Path({out!r}).write_text(f"{{pg_cluster.port}} {{pg_cluster.root}}")
"""


def test_each_test_gets_its_own_empty_database(pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        assert tables == (0,)
        conn.execute("CREATE TABLE marker (note text)")
        conn.execute("INSERT INTO marker VALUES ('حلب Алеппо')")  # UTF-8 end to end
        assert conn.execute("SELECT note FROM marker").fetchone() == ("حلب Алеппо",)


def test_a_second_test_does_not_see_the_first_ones_tables(pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn) as conn:
        found = conn.execute("SELECT to_regclass('public.marker')").fetchone()
        assert found == (None,)


def _session(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path / "probe.out"
    (tmp_path / "test_probe.py").write_text(PROBE.format(out=str(out)))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "tests.pg", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), str(tmp_path / "test_probe.py")],
        capture_output=True, text=True, timeout=120, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
    )  # fmt: skip
    return done, out


def test_the_cluster_is_stopped_and_removed_when_the_session_ends(tmp_path: Path) -> None:
    done, out = _session(tmp_path)
    if "PostgreSQL unavailable" in done.stdout:
        assert os.environ.get("NEWSWATCH_REQUIRE_POSTGRES") != "1"
        return  # this machine has no PostgreSQL: the skip itself is tested below
    assert done.returncode == 0, done.stdout + done.stderr
    port, root = out.read_text().split(" ", 1)
    assert not Path(root).exists()
    try:
        psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", connect_timeout=3)
    except psycopg.OperationalError:
        pass
    else:
        raise AssertionError(f"the session's cluster still answers on port {port}")


def test_without_postgresql_the_tests_skip_saying_why(tmp_path: Path) -> None:
    done, _ = _session(tmp_path, NEWSWATCH_PG_BINDIR="/nonexistent", NEWSWATCH_REQUIRE_POSTGRES="")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    assert "PostgreSQL unavailable" in done.stdout and "apt-get install postgresql" in done.stdout


def test_when_postgresql_is_required_its_absence_fails(tmp_path: Path) -> None:
    done, _ = _session(tmp_path, NEWSWATCH_PG_BINDIR="/nonexistent", NEWSWATCH_REQUIRE_POSTGRES="1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "NEWSWATCH_REQUIRE_POSTGRES=1" in done.stdout
