"""What a state backend provides, and what the repositories run their SQL through.

The seam between newswatch and a database is :class:`Database`: SQLite
(:mod:`newswatch.store.sqlite`, the embedded default) and PostgreSQL
(:mod:`newswatch.store.postgres`, for several processes and machines) implement it.
The repositories (``articles``, ``outbox``, …) are written once, in SQL both engines
run (``?`` placeholders, ``ON CONFLICT``, ``RETURNING``); what differs between the
engines (connections, locking, migrations' DDL, maintenance) is in the backend's module.

Nothing outside ``newswatch.store`` sees a connection: callers use
:meth:`newswatch.store.Store.unit` (one transaction) or a repository's own method (one
transaction per call).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol


class Cursor(Protocol):
    """The DB-API cursor subset the repositories use. Rows answer ``row[0]``,
    ``row["column"]`` and ``dict(row)`` on both backends."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Sql(Protocol):
    """One connection inside one transaction, ``?`` placeholders on both backends."""

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Cursor: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]], /) -> Cursor: ...


@dataclass(frozen=True)
class Dialect:
    """The few differences between engines that a shared repository must know."""

    name: str  # "sqlite" or "postgresql"
    # Appended to a SELECT that picks rows to lease: several processes take different rows
    # (PostgreSQL); empty where one writer at a time holds the whole database (SQLite).
    skip_locked: str
    # Appended to a SELECT whose rows the transaction then updates (PostgreSQL locks them).
    for_update: str
    # Case-insensitive LIKE (SQLite's LIKE already is for ASCII; PostgreSQL has ILIKE).
    ilike: str
    # Whether Python functions can run inside a query (SQLite's create_function).
    functions: bool


class Executor(Protocol):
    """Where a repository runs its SQL: a whole database (a transaction per call) or one
    open unit of work (every call joins it)."""

    dialect: Dialect

    def transaction(self) -> AbstractContextManager[Sql]:
        """A transaction: committed on success, rolled back on an exception."""
        ...

    def read(self) -> AbstractContextManager[Sql]:
        """A connection for reading (no write is made through it)."""
        ...


class Database(Executor, Protocol):
    """A state backend: an :class:`Executor` plus its life cycle and upkeep."""

    url: str  # for messages; never holds a password

    @property
    def schema_version(self) -> int:
        """How many of :data:`newswatch.store.migrations.MIGRATIONS` have run."""
        ...

    def lock_stories(self, sql: Sql) -> int | None:
        """Serialise story assignment across processes until ``sql``'s transaction ends,
        so two copies of one story stored at once make one story, and number this
        assignment (assignments commit in that order, so another process catches up by
        it). None where the database has one writer and nothing to catch up with."""
        ...

    def integrity_check(self) -> str:
        """``"ok"`` or the engine's complaint."""
        ...

    def checkpoint(self) -> None:
        """Return space after a large prune (SQLite folds its WAL back)."""
        ...

    def after_copy(self) -> None:
        """Rows came in with their ids (``newswatch state copy``): make the next ids and
        story numbers follow them."""
        ...

    def close(self) -> None: ...


class Bound:
    """An :class:`Executor` over one open transaction: what a unit's repositories use."""

    def __init__(self, sql: Sql, dialect: Dialect) -> None:
        self.sql = sql
        self.dialect = dialect

    @contextmanager
    def transaction(self) -> Iterator[Sql]:
        yield self.sql

    @contextmanager
    def read(self) -> Iterator[Sql]:
        yield self.sql


def marks(items: Sequence[object]) -> str:
    """``?, ?, ?`` for an ``IN (…)`` list of ``items``."""
    return ",".join("?" * len(items))
