"""The PostgreSQL backend (``state: postgresql://user@host/db``): several processes and
machines share one installation's state.

- Connections come from a psycopg_pool pool; a transaction holds one until it ends.
  A repository call made while the same thread has a unit open joins that unit (as on
  SQLite), so nesting never takes a second connection and never waits on itself.
- The repositories' ``?`` marks become psycopg's ``%s`` here (once per statement text).
- Migrations run under an advisory lock, in one transaction: processes starting at once
  migrate once; ``newswatch_schema`` records the version.
- Story assignment is serialised by a transaction-level advisory lock and numbered by
  the ``story_seq`` sequence (see :meth:`PostgresDatabase.lock_stories`).
- Every column is ``TEXT COLLATE "C"`` where SQLite compares bytes: ISO times and names
  sort the same on both engines whatever the database's locale.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, cast

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import RowMaker
from psycopg_pool import ConnectionPool, PoolTimeout

from newswatch.errors import StoreConflict, StoreError
from newswatch.store.base import Cursor, Dialect, Sql
from newswatch.store.migrations import MIGRATIONS

DIALECT = Dialect(
    name="postgresql",
    skip_locked=" FOR UPDATE SKIP LOCKED",
    for_update=" FOR UPDATE",
    ilike="ILIKE",
    functions=False,
)
# Advisory lock keys (one 64-bit space per database): "nwstory" and "nwmigrt" in ASCII.
STORY_LOCK = 0x6E7773746F7279
MIGRATION_LOCK = 0x6E776D69677274
IDENTITY_TABLES = ("clusters", "articles", "matches", "alerts", "silences")
POOL_SIZE = 10  # per process: poll workers, delivery and the dashboard share it
CONNECT_TIMEOUT = 10  # seconds: an unreachable server is an error, not a hang


class Row(tuple[Any, ...]):
    """A result row that answers ``row[0]``, ``row["column"]`` and ``dict(row)``, like
    ``sqlite3.Row``, so the repositories read rows the same way on both backends."""

    _index: dict[str, int]

    def __new__(cls, values: Sequence[Any], index: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _rows(cursor: Any) -> RowMaker[Row]:
    names = [column.name for column in cursor.description or ()]
    index = {name: i for i, name in enumerate(names)}
    return lambda values: Row(values, index)


@functools.lru_cache(maxsize=1024)
def _marks(sql: str) -> str:
    """The repositories' ``?`` marks as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _Connection:
    """:class:`~newswatch.store.base.Sql` over one psycopg connection."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Cursor:
        cursor = self.conn.cursor(row_factory=_rows)
        cursor.execute(_marks(sql), tuple(params))
        return cast(Cursor, cursor)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]], /) -> Cursor:
        cursor = self.conn.cursor(row_factory=_rows)
        cursor.executemany(_marks(sql), [tuple(r) for r in rows])
        return cast(Cursor, cursor)


def display_url(url: str) -> str:
    """The connection URL without its password, for messages and logs."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(unparsable URL)"
    user = f"{params['user']}@" if params.get("user") else ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{params.get('host', '')}{port}/{params.get('dbname', '')}"


class PostgresDatabase:
    """A pool of connections to one PostgreSQL database holding newswatch's tables."""

    def __init__(self, url: str, *, read_only: bool = False, pool_size: int = POOL_SIZE) -> None:
        self.url = display_url(url)
        self.dialect = DIALECT
        self.read_only = read_only
        self._local = threading.local()
        options = "-c default_transaction_read_only=on" if read_only else None
        conninfo = make_conninfo(url, connect_timeout=CONNECT_TIMEOUT, options=options)
        self._probe(conninfo)
        self.pool = ConnectionPool(
            conninfo, min_size=1, max_size=pool_size, open=False, name="newswatch"
        )
        try:
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except PoolTimeout:
            self.pool.close()
            raise StoreError(
                f"cannot connect to the state database {self.url}",
                hint="check that PostgreSQL runs, the URL's user, password and database",
            ) from None
        try:
            self._check() if read_only else self._migrate()
        except BaseException:
            self.pool.close()
            raise

    def _probe(self, conninfo: str) -> None:
        """One plain connection first: a wrong URL, password or an unreachable server is
        reported at once with PostgreSQL's reason (the pool would retry it silently)."""
        try:
            psycopg.connect(conninfo).close()
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split())
            raise StoreError(
                f"cannot connect to the state database {self.url}: {reason}",
                hint="check that PostgreSQL runs, the URL's user, password and database",
            ) from None

    # -- transactions -------------------------------------------------------------------

    def transaction(self) -> AbstractContextManager[Sql]:
        """One connection from the pool for one transaction (committed at the end, rolled
        back on an exception); a call while this thread's transaction is open joins it."""
        return self._connection(autocommit=False)

    def read(self) -> AbstractContextManager[Sql]:
        """A connection in autocommit mode: a read outside a unit costs one round trip,
        not three (BEGIN, the query, COMMIT); inside a unit it joins the unit."""
        return self._connection(autocommit=True)

    @contextmanager
    def _connection(self, *, autocommit: bool) -> Iterator[Sql]:
        joined = getattr(self._local, "sql", None)
        if joined is not None:
            yield joined
            return
        try:
            with self.pool.connection() as conn:
                if autocommit:
                    conn.autocommit = True
                sql = _Connection(conn)
                self._local.sql = sql
                try:
                    yield sql
                finally:
                    self._local.sql = None
                    if autocommit:
                        conn.autocommit = False  # the pool hands out transaction mode
        except psycopg.IntegrityError as exc:
            raise StoreConflict(str(exc).strip()) from exc
        except psycopg.Error as exc:
            raise StoreError(f"state database {self.url}: {str(exc).strip()}") from exc
        except PoolTimeout as exc:
            raise StoreError(f"state database {self.url}: no free connection") from exc

    # -- the Database protocol's upkeep -------------------------------------------------

    def lock_stories(self, sql: Sql) -> int | None:
        """Wait for other processes' story assignments to commit, hold the lock until this
        transaction ends, and number this assignment: numbers then follow commit order,
        so ``StoryRepo.assigned_after`` hands another process every assignment it has
        not seen, none twice."""
        # One round trip. The number is drawn for the CTE's row, so after the lock is held
        # (a CTE calling a volatile function is materialised, never folded into the SELECT).
        row = sql.execute(
            "WITH locked AS (SELECT pg_advisory_xact_lock(?)) "
            "SELECT nextval('story_seq') FROM locked",
            (STORY_LOCK,),
        ).fetchone()
        return int(row[0])

    @property
    def schema_version(self) -> int:
        with self.transaction() as sql:
            exists = sql.execute("SELECT to_regclass('newswatch_schema')").fetchone()[0]
            if exists is None:
                return 0
            row = sql.execute("SELECT version FROM newswatch_schema").fetchone()
        return int(row[0]) if row else 0

    def integrity_check(self) -> str:
        """PostgreSQL checks its pages itself (checksums, WAL); this checks that every
        table of the schema answers."""
        with self.transaction() as sql:
            for table in ("articles", "clusters", "matches", "alerts", "source_state"):
                sql.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchall()
        return "ok"

    def checkpoint(self) -> None:
        """Nothing to fold back: autovacuum returns the space of pruned rows."""

    def after_copy(self) -> None:
        """Identity columns do not see ids inserted explicitly: move each one past the
        largest id, and the story numbers past the largest number."""
        with self.transaction() as sql:
            for table in IDENTITY_TABLES:
                sql.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )
            sql.execute(
                "SELECT setval('story_seq', COALESCE((SELECT MAX(story_seq) FROM articles), 0) "
                "+ 1, false)"
            )

    def close(self) -> None:
        self.pool.close()

    # -- schema -------------------------------------------------------------------------

    def _migrate(self) -> None:
        with self.transaction() as sql:
            sql.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            sql.execute("CREATE TABLE IF NOT EXISTS newswatch_schema (version INTEGER NOT NULL)")
            row = sql.execute("SELECT version FROM newswatch_schema").fetchone()
            if row is None:
                sql.execute("INSERT INTO newswatch_schema (version) VALUES (0)")
            version = int(row[0]) if row else 0
            self._refuse_newer(version)
            for migration in MIGRATIONS[version:]:
                cast(_Connection, sql).conn.execute(migration.script("postgresql"))
            sql.execute("UPDATE newswatch_schema SET version = ?", (len(MIGRATIONS),))

    def _check(self) -> None:
        version = self.schema_version
        self._refuse_newer(version)
        if version < len(MIGRATIONS):
            raise StoreError(
                f"{self.url} has schema version {version}, older than this newswatch's "
                f"({len(MIGRATIONS)}); reading it does not upgrade it",
                hint="start the daemon (or 'newswatch once') once to upgrade it",
            )

    def _refuse_newer(self, version: int) -> None:
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.url} has schema version {version}, newer than this newswatch "
                f"knows ({len(MIGRATIONS)})",
                hint="upgrade newswatch or point 'state:' at another database",
            )
