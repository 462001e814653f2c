"""A real, throwaway PostgreSQL for the tests (a pytest plugin, loaded by tests/conftest.py).

One cluster per test session (per pytest-xdist worker: each worker is its own session), built
with Debian's binaries in /usr/lib/postgresql/*/bin, listening on 127.0.0.1 on a free port with
trust authentication, its data directory and unix socket in a temporary directory, stopped and
removed at the end. Each test that asks for ``pg_dsn`` gets a fresh empty database (CREATE
DATABASE copies template1: a few milliseconds).

PostgreSQL refuses to run as root, so when the tests run as root (CI containers) initdb and
pg_ctl run as the ``postgres`` user through runuser.

Without PostgreSQL the tests that need it skip, saying why; with NEWSWATCH_REQUIRE_POSTGRES=1
(CI sets it) they fail instead, so CI can never go green by skipping them.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

REQUIRE_ENV = "NEWSWATCH_REQUIRE_POSTGRES"
BINDIR_ENV = "NEWSWATCH_PG_BINDIR"  # overrides the search in /usr/lib/postgresql
SUPERUSER = "postgres"
# Durability off: the cluster lives for one session, and fsyncs would dominate the test time.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}


def _bindir() -> Path | None:
    """The newest Debian PostgreSQL's bin directory (or $NEWSWATCH_PG_BINDIR)."""
    if os.environ.get(BINDIR_ENV):
        return Path(os.environ[BINDIR_ENV])
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")]
    found.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if found:
        return found[-1]
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _unavailable(reason: str) -> None:
    """Skip (or fail, when PostgreSQL is required) the test that needs the cluster."""
    message = f"PostgreSQL unavailable: {reason}"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_ENV}=1)", pytrace=False)
    pytest.skip(f"{message} (apt-get install postgresql; set {REQUIRE_ENV}=1 to fail instead)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgCluster:
    """A running throwaway cluster: ``dsn(db)`` reaches database ``db`` over TCP as superuser."""

    bindir: Path
    root: Path  # data dir, socket dir and log live under it
    port: int = 0
    run_as: str | None = None  # "postgres" when the tests run as root
    _names: Iterator[int] = field(default_factory=itertools.count)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def dsn(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            account = pwd.getpwnam(self.run_as)
            os.chown(self.root, account.pw_uid, account.pw_gid)
        done = self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--no-sync",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{done.stdout}{done.stderr}")

    def start(self) -> None:
        """Start on a free port; another process may take the port first, so try a few."""
        for _attempt in range(5):
            self.port = _free_port()
            settings = {**SERVER_SETTINGS, "port": str(self.port)}
            settings["unix_socket_directories"] = str(self.root)
            options = " ".join(f"-c {key}={value}" for key, value in settings.items())
            done = self._run(
                "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log),
                "-o", options,
            )  # fmt: skip
            if done.returncode == 0:
                return
        log = self.log.read_text(errors="replace") if self.log.exists() else ""
        raise RuntimeError(f"pg_ctl start failed:\n{done.stdout}{done.stderr}\n{log}")

    def stop(self) -> None:
        # immediate: the data is thrown away, so no checkpoint is worth waiting for.
        self._run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self.data))

    def create_database(self) -> str:
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            # FORCE: a worker process a test killed may still hold a connection.
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run_as() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:
        _unavailable("running as root and there is no 'postgres' user to run the server as")
    if shutil.which("runuser") is None:
        _unavailable("running as root and runuser is missing")
    return SUPERUSER


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """The session's PostgreSQL cluster (started on first use, stopped at the end)."""
    bindir = _bindir()
    if bindir is None or not (bindir / "initdb").exists():
        _unavailable("no initdb/pg_ctl in /usr/lib/postgresql/*/bin")
        return  # unreachable: _unavailable raises
    # Not pytest's tmp_path: its parents are 0700 root, which the postgres user cannot enter.
    root = Path(tempfile.mkdtemp(prefix="newswatch-pg-"))
    os.chmod(root, 0o755)
    cluster = PgCluster(bindir=bindir, root=root / "cluster", run_as=_run_as())
    try:
        cluster.init()
        cluster.start()
    except BaseException:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_dsn(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh, empty database for this test: ``postgresql://postgres@127.0.0.1:PORT/NAME``."""
    name = pg_cluster.create_database()
    try:
        yield pg_cluster.dsn(name)
    finally:
        pg_cluster.drop_database(name)
