"""State in SQLite. Every SQL statement of newswatch lives in this package.

``Store`` bundles one repository per concern over one :class:`Database`.
"""

from __future__ import annotations

from pathlib import Path

from newswatch.store.articles import ArticleRepo
from newswatch.store.db import Database
from newswatch.store.fetchstate import FetchStateRepo, Validators
from newswatch.store.outbox import OutboxAlert, OutboxRepo
from newswatch.store.sources import SourceState, SourceStateRepo


class Store:
    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.db = Database(path, read_only=read_only)
        self.fetch_state = FetchStateRepo(self.db)
        self.sources = SourceStateRepo(self.db)
        self.articles = ArticleRepo(self.db)
        self.outbox = OutboxRepo(self.db)

    def close(self) -> None:
        self.db.close()


__all__ = ["OutboxAlert", "SourceState", "Store", "Validators"]
