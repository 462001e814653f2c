"""The store's API: :class:`Store` (every repository, a transaction per call) and
:class:`Unit` (the same repositories inside one transaction).

    with store.unit() as tx:
        article_id = tx.articles.add(article, keys, now)
        tx.outbox.enqueue(rule, channel, payload, now)

Everything written through ``tx`` commits together when the block ends, or not at all
when it raises. Repositories are built once per store; a unit builds its own over its
transaction (a handful of small objects).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newswatch.store.archive import ArchiveRepo
from newswatch.store.articles import ArticleRepo
from newswatch.store.base import Bound, Database, Executor, Sql
from newswatch.store.dashboard import DashboardRepo
from newswatch.store.fetchstate import FetchStateRepo
from newswatch.store.maintenance import MaintenanceRepo
from newswatch.store.matches import MatchRepo
from newswatch.store.outbox import OutboxRepo
from newswatch.store.silences import SilenceRepo
from newswatch.store.sources import SourceStateRepo
from newswatch.store.sqlite import SQLiteDatabase
from newswatch.store.status_queries import StatusQueries
from newswatch.store.stories import StoryRepo
from newswatch.store.team_rules import TeamRuleRepo
from newswatch.store.triage import TriageRepo
from newswatch.store.users import UserRepo


class Repos:
    """The repositories that pipeline and delivery write through, over one executor."""

    def __init__(self, db: Executor) -> None:
        self.articles = ArticleRepo(db)
        self.stories = StoryRepo(db)
        self.matches = MatchRepo(db)
        self.outbox = OutboxRepo(db)
        self.sources = SourceStateRepo(db)
        self.fetch_state = FetchStateRepo(db)
        self.silences = SilenceRepo(db)


class Unit(Repos):
    """One transaction of one store; see the module's docstring."""

    def __init__(self, db: Database, sql: Sql) -> None:
        super().__init__(Bound(sql, db.dialect))
        self._db = db
        self._sql = sql

    def lock_stories(self) -> int | None:
        """Hold story assignment for this unit until it ends: another process sharing the
        database waits, then sees this unit's story. Returns this assignment's number
        (PostgreSQL), None where one process writes (SQLite)."""
        return self._db.lock_stories(self._sql)


def open_database(state: str | Path, *, read_only: bool = False) -> Database:
    """The backend for a ``state:`` setting: ``postgresql://…`` or a SQLite file path
    (``sqlite:///path`` is accepted too)."""
    text = str(state)
    if text.startswith(("postgresql://", "postgres://")):
        from newswatch.store.postgres import PostgresDatabase  # psycopg only when used

        return PostgresDatabase(text, read_only=read_only)
    if text.startswith("sqlite://"):
        text = text.removeprefix("sqlite://") or ":memory:"
    return SQLiteDatabase(text, read_only=read_only)


class Store(Repos):
    """The state of one installation, whatever the backend."""

    def __init__(self, state: str | Path | Database, *, read_only: bool = False) -> None:
        self.db = (
            state
            if not isinstance(state, str | Path)
            else open_database(state, read_only=read_only)
        )
        super().__init__(self.db)
        self.status = StatusQueries(self.db)
        self.dashboard = DashboardRepo(self.db)
        self.archive = ArchiveRepo(self.db)
        self.users = UserRepo(self.db)
        self.triage = TriageRepo(self.db)
        self.maintenance = MaintenanceRepo(self.db)
        self.team_rules = TeamRuleRepo(self.db)

    @contextmanager
    def unit(self) -> Iterator[Unit]:
        """One transaction: committed when the block ends, rolled back if it raises.
        A write that lost to a concurrent one (a unique key) raises
        :class:`newswatch.errors.StoreConflict` (nothing of the unit is kept)."""
        with self.db.transaction() as sql:
            yield Unit(self.db, sql)

    def close(self) -> None:
        self.db.close()
