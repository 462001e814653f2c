"""The SQLite backend (the embedded default): WAL, one lock, transactions, migrations.

Migrations are an ordered list; ``PRAGMA user_version`` records how many have run. A
database written by a newer newswatch (user_version beyond the list) is refused rather
than silently misread.

``read_only=True`` (``newswatch status``) opens an existing file with SQLite's
``mode=ro`` and ``query_only``: it never creates the file or its directory, never changes
the journal mode and never migrates, so a look at the state cannot alter it. A schema of
another version is refused with a hint instead.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newswatch.errors import StoreConflict, StoreError
from newswatch.store.base import Dialect, Sql
from newswatch.store.migrations import MIGRATIONS

DIALECT = Dialect(name="sqlite", skip_locked="", for_update="", ilike="LIKE", functions=True)


def _create_private(path: Path) -> None:
    """A new state file is 0600 in a new 0700 directory, whatever the umask: it holds
    article history and delivery errors (SQLite gives its -wal and -shm files the same
    mode). Existing files and directories keep theirs."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


class SQLiteDatabase:
    """One connection shared by the daemon's threads, serialised by a lock.

    SQLite allows one writer at a time anyway; a single connection keeps every write in
    one place and makes ``transaction()`` the only way to change state.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        self.url = self.path
        self.dialect = DIALECT
        self.read_only = read_only
        if self.path != ":memory:" and not read_only:
            _create_private(Path(self.path))
        try:
            self.conn = self._connect()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open state database {self.path}: {exc}") from None
        self.conn.row_factory = sqlite3.Row
        self.lock = threading.RLock()
        self._depth = 0
        if read_only:
            self._check_read_only()
        else:
            self._configure()
            self._migrate()

    def _connect(self) -> sqlite3.Connection:
        if not self.read_only:
            return sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=30
            )
        if not Path(self.path).is_file():
            raise StoreError(
                f"no state database at {self.path}",
                hint="the daemon creates it on its first run; check the 'state:' setting",
            )
        uri = f"{Path(self.path).resolve().as_uri()}?mode=ro"
        return sqlite3.connect(
            uri, uri=True, check_same_thread=False, isolation_level=None, timeout=30
        )

    def _check_read_only(self) -> None:
        try:
            self.conn.execute("PRAGMA query_only=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
            version = self.schema_version
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable SQLite database: {exc}") from None
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this newswatch "
                f"knows ({len(MIGRATIONS)})",
                hint="upgrade newswatch or point 'state:' at another file",
            )
        if version < len(MIGRATIONS):
            raise StoreError(
                f"{self.path} has schema version {version}, older than this newswatch's "
                f"({len(MIGRATIONS)}); reading it does not upgrade it",
                hint="start the daemon (or 'newswatch once') once to upgrade it",
            )

    def _configure(self) -> None:
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a usable SQLite database: {exc}",
                hint="move it aside; newswatch creates a new one",
            ) from None

    def _migrate(self) -> None:
        version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this newswatch "
                f"knows ({len(MIGRATIONS)})",
                hint="upgrade newswatch or point 'state:' at another file",
            )
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            script = migration.script("sqlite")
            with self.lock:
                try:
                    self.conn.executescript(
                        f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version={number};\nCOMMIT;"
                    )
                except BaseException:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[Sql]:
        """Hold the lock; commit on success, roll back on error. Nested calls join the outer."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            began = False
            try:
                if not self.conn.in_transaction:
                    self.conn.execute("BEGIN IMMEDIATE")
                    began = True
                yield self.conn
                if self.conn.in_transaction:
                    self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction and began:
                    self.conn.execute("ROLLBACK")
                self._translate(exc)
                raise
            finally:
                self._depth = 0

    @contextmanager
    def read(self) -> Iterator[Sql]:
        with self.lock:
            try:
                yield self.conn
            except sqlite3.Error as exc:
                self._translate(exc)
                raise

    def _translate(self, exc: BaseException) -> None:
        """SQLite's exceptions stay in the store: callers see newswatch's."""
        if isinstance(exc, sqlite3.IntegrityError):
            raise StoreConflict(str(exc)) from exc
        if isinstance(exc, sqlite3.Error):
            raise StoreError(f"state database {self.path}: {exc}") from exc

    @contextmanager
    def raw(self) -> Iterator[sqlite3.Connection]:
        """The connection itself, under the lock: for what only SQLite has (a Python
        function inside a query)."""
        with self.lock:
            yield self.conn

    def lock_stories(self, sql: Sql) -> int | None:
        """The unit already holds SQLite's write lock (``BEGIN IMMEDIATE``). No number:
        a SQLite state has one daemon (``run`` refuses a second), whose index is the
        only one; numbers could not be trusted anyway, as a rolled-back unit's number
        would be handed out again (PostgreSQL's sequence never does that)."""
        return None

    def checkpoint(self) -> None:
        """Fold the WAL back into the main file so it does not grow between restarts."""
        with self.lock:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def after_copy(self) -> None:
        """Nothing to do: SQLite's next rowid follows the largest one."""

    def integrity_check(self) -> str:
        with self.read() as conn:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        with self.lock:
            self.conn.close()
